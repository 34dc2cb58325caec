package controlplane_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/e2e/controlplane"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// restrictedNamespace makes a namespace whose pods the API server admits
// only when they pass Pod Security's restricted profile.
func restrictedNamespace(t *testing.T, cp *controlplane.ControlPlane, name string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted"}}}
	if _, err := cp.Client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// The daemon's pod template passes Pod Security's restricted profile, as
// the API server itself enforces it: every node gets a Ready daemon pod.
func TestDaemonPassesRestrictedPodSecurity(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 3})
	restrictedNamespace(t, cp, "hardened")
	ev := &events{}
	sum := run(env(cp.Kube, steps.Options{Namespace: "hardened"}), "daemonset,pods", ev)
	for i, s := range sum.Steps {
		if want := []flow.Result{flow.Created, flow.Done}[i]; s.Status != want {
			t.Fatalf("%s: %s, want %s: %s (%s)", s.ID, s.Status, want, s.Detail, s.Fix)
		}
	}
	if tab := ev.last(flow.Pods).Pods; tab.Ready != 3 || tab.Desired != 3 {
		t.Errorf("pod table = %+v", tab)
	}
}
