package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/steptest"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The daemon reads its config when it starts. After kubectl edit changed
// the ConfigMap, the pods step offers the restart that makes the pods read
// it (asked, like the role's restart), and waits for the new pods; a run
// after that, with nothing changed, restarts nothing.
func TestPodsRestartAfterTheConfigChanged(t *testing.T) {
	ctx := context.Background()
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	if sum := (&steps.Runner{Env: env, Steps: steps.All()}).Run(ctx, &events{}); sum.Failed() {
		t.Fatalf("setup: %+v", sum.Steps)
	}
	podNames := func() map[string]bool {
		pods, err := sb.Clientset().CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: steps.DaemonLabel})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, p := range pods.Items {
			if p.DeletionTimestamp == nil {
				out[p.Name] = true
			}
		}
		return out
	}
	before := podNames()
	// A second passes, so the edit is in a later second than the pods.
	time.Sleep(1100 * time.Millisecond)
	cms := sb.Clientset().CoreV1().ConfigMaps("default")
	cm, err := cms.Get(ctx, steps.ConfigMapName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm.Data["config.yaml"] = strings.Replace(cm.Data["config.yaml"], `Region: "us-west-2"`, `Region: "us-east-1"`, 1)
	if !strings.Contains(cm.Data["config.yaml"], `Region: "us-east-1"`) {
		t.Fatalf("the edit changed nothing: %s", cm.Data["config.yaml"])
	}
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{FieldManager: "kubectl-edit"}); err != nil {
		t.Fatal(err)
	}

	// Declined: nothing restarts, and the step says why it asked.
	ev := &events{}
	sum := (&steps.Runner{Env: env, Steps: steptest.Select(t, "pods"), Confirm: flow.NoOne{}}).Run(ctx, ev)
	if sum.Failed() {
		t.Fatalf("declined: %+v", sum.Steps)
	}
	warned := false
	for _, w := range ev.of(flow.Warning) {
		warned = warned || strings.Contains(w.Message, "started before configmap default/xray-config last changed")
	}
	if !warned || len(podNames()) != len(before) {
		t.Errorf("declined restart: warned %v, pods %v (were %v)", warned, podNames(), before)
	}
	for p := range podNames() {
		if !before[p] {
			t.Errorf("pod %s started though the restart was declined", p)
		}
	}

	// Approved: every pod is a new one, and the new ones read the config.
	sum = (&steps.Runner{Env: env, Steps: steptest.Select(t, "pods")}).Run(ctx, &events{})
	if sum.Failed() || sum.Steps[0].Status != flow.Changed {
		t.Fatalf("restart: %+v", sum.Steps)
	}
	after := podNames()
	for p := range after {
		if before[p] {
			t.Errorf("pod %s still runs with the old config", p)
		}
		if log := strings.Join(sb.Cluster.PodLog("default", p), "\n"); !strings.Contains(log, "Using region: us-east-1") {
			t.Errorf("pod %s did not read the new config: %s", p, log)
		}
	}
	// Nothing changed since: nothing restarts.
	sum = (&steps.Runner{Env: env, Steps: steptest.Select(t, "pods")}).Run(ctx, &events{})
	if sum.Failed() || sum.Steps[0].Status == flow.Changed {
		t.Errorf("second run: %+v", sum.Steps)
	}
	if now := podNames(); len(now) != len(after) {
		t.Errorf("second run changed the pods: %v, were %v", now, after)
	}
	for p := range podNames() {
		if !after[p] {
			t.Errorf("second run restarted: %s", p)
		}
	}
}
