package controlplane_test

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/doctor"
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

// labDaemonSet is the daemon as the lab's manifest makes it: a pod
// template that sets no security context.
func labDaemonSet(ns string) *appsv1.DaemonSet {
	lbl := map[string]string{"app": "xray-daemon"}
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon", Namespace: ns, Labels: lbl},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: lbl},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbl},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "xray-daemon", Image: "amazon/aws-xray-daemon", Command: []string{"/usr/bin/xray"}}}},
			},
		},
	}
}

// When the DaemonSet controller cannot create the daemon's pods, the pods
// step says why within seconds, from the DaemonSet's events, with the fix:
// Pod Security refusing the lab's template, and a quota of no pods.
func TestPodsThatCannotBeCreated(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 2})
	ctx := context.Background()
	restrictedNamespace(t, cp, "hardened")
	if _, err := cp.Client.AppsV1().DaemonSets("hardened").Create(ctx, labDaemonSet("hardened"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s := run(env(cp.Kube, steps.Options{Namespace: "hardened", PodsTimeout: 60 * time.Second}), "pods", &events{}).Steps[0]
	if took := time.Since(start); s.Status != flow.Failed || took > 20*time.Second ||
		!strings.Contains(s.Detail, "violates PodSecurity") || !strings.Contains(s.Fix, "pod-security.kubernetes.io/enforce") {
		t.Errorf("Pod Security, after %s: %+v", took, s)
	}
	// The doctor names it too, without waiting.
	dxEnv := env(cp.Kube, steps.Options{Namespace: "hardened"})
	if f := finding(doctor.Diagnose(ctx, doctor.Input{Env: dxEnv}, nil), "pods-created"); f.Status != flow.CheckFail ||
		!strings.Contains(f.Summary, "violates PodSecurity") || !strings.Contains(f.Fix, "pod-security.kubernetes.io/enforce") {
		t.Errorf("doctor, Pod Security: %+v", f)
	}
	// Applying the wizard's manifest then passes (proven above in full),
	// and the doctor no longer finds pods it cannot create.
	if s := run(env(cp.Kube, steps.Options{Namespace: "hardened", Force: true}), "daemonset,pods", &events{}).Steps[1]; s.Status != flow.Done {
		t.Fatalf("the wizard's manifest in the restricted namespace: %+v", s)
	}
	if f := finding(doctor.Diagnose(ctx, doctor.Input{Env: dxEnv}, nil), "pods-created"); f.Status != flow.CheckOK {
		t.Errorf("doctor, after the wizard's manifest: %+v", f)
	}

	quota := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "no-pods", Namespace: "default"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("0")}}}
	if _, err := cp.Client.CoreV1().ResourceQuotas("default").Create(ctx, quota, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The quota controller fills in the quota's status before the quota
	// admission counts against it.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		q, err := cp.Client.CoreV1().ResourceQuotas("default").Get(ctx, "no-pods", metav1.GetOptions{})
		if err == nil && q.Status.Hard != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the quota has no status")
		}
	}
	start = time.Now()
	sum := run(env(cp.Kube, steps.Options{PodsTimeout: 60 * time.Second}), "daemonset,pods", &events{})
	if took, s := time.Since(start), sum.Steps[1]; s.Status != flow.Failed || took > 20*time.Second ||
		!strings.Contains(s.Detail, "exceeded quota") || !strings.Contains(s.Fix, "resourcequota") {
		t.Errorf("quota, after %s: %+v", took, s)
	}
}

func finding(d flow.Diagnosis, id string) flow.Finding {
	for _, f := range d.Findings {
		if f.ID == id {
			return f
		}
	}
	return flow.Finding{Summary: "no finding " + id}
}
