package controlplane_test

import (
	"context"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/e2e/controlplane"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// On a real API server with real controllers (3 kwok nodes): --collector
// otel reaches every pod Ready; switching daemon → otel → daemon keeps the
// Service's UID and leaves no object of the other collector, its pods
// included; a re-run changes nothing.
func TestOtelCollectorSwitchOnRealControlPlane(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 3})
	ctx := context.Background()
	ns := "default"
	var uid string
	for i, c := range []string{steps.CollectorDaemon, steps.CollectorOtel, steps.CollectorDaemon} {
		ev := &events{}
		sum := run(env(cp.Kube, steps.Options{Collector: c}), "daemonset,pods", ev)
		for _, s := range sum.Steps {
			if s.Status == flow.Failed || s.Status == flow.Skipped {
				t.Fatalf("run %d (%s), %s: %s: %s (%s)", i, c, s.ID, s.Status, s.Detail, s.Fix)
			}
		}
		if tab := ev.last(flow.Pods).Pods; tab.Ready != 3 || tab.Desired != 3 {
			t.Errorf("run %d (%s): pod table %+v", i, c, tab)
		}
		svc, err := cp.Client.CoreV1().Services(ns).Get(ctx, steps.ServiceName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if uid == "" {
			uid = string(svc.UID)
		} else if string(svc.UID) != uid {
			t.Errorf("run %d (%s): the Service's UID is %s, was %s", i, c, svc.UID, uid)
		}
		want := steps.CollectorOf(c)
		if svc.Spec.Selector["app"] != want.App {
			t.Errorf("run %d (%s): the Service selects %v", i, c, svc.Spec.Selector)
		}
		other := want.Other()
		if _, err := cp.Client.AppsV1().DaemonSets(ns).Get(ctx, other.DaemonSet, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("run %d (%s): daemonset %s is still there (%v)", i, c, other.DaemonSet, err)
		}
		if _, err := cp.Client.CoreV1().ConfigMaps(ns).Get(ctx, other.ConfigMap, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("run %d (%s): configmap %s is still there (%v)", i, c, other.ConfigMap, err)
		}
		// The garbage collector takes the old pods.
		deadline := time.Now().Add(60 * time.Second)
		for {
			pods, err := cp.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: other.Label()})
			if err == nil && len(pods.Items) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("run %d (%s): pods of %s left: %v %v", i, c, other.DaemonSet, len(pods.Items), err)
			}
			time.Sleep(200 * time.Millisecond)
		}
		// A re-run changes nothing.
		again := run(env(cp.Kube, steps.Options{Collector: c}), "daemonset", &events{})
		if s := again.Steps[0]; s.Status != flow.Unchanged {
			t.Errorf("run %d (%s) again: %s: %s", i, c, s.Status, s.Detail)
		}
	}
}
