package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The practice cluster with the OpenTelemetry Collector: its pods read
// their config from the ConfigMap and the traces arrive as with the
// daemon; switching daemon → otel → daemon plans the removal, keeps the
// Service (same UID) and leaves nothing of the other; a re-run changes
// nothing; cleanup removes either.
func TestCollectorSwitchOnSandbox(t *testing.T) {
	sb := startSandbox(t)
	ctx := context.Background()
	kc := sb.Clientset()
	// Every request traced (the workshop rule), so the uploads follow the
	// requests.
	sum := (&steps.Runner{Env: newEnv(sb, steps.Options{Requests: 10, SamplingRule: steps.SamplingRecordAll}), Steps: steps.All()}).Run(ctx, &events{})
	wantStatuses(t, "daemon", sum, flow.Done, flow.Created, flow.Created, flow.Created, flow.Done, flow.Created, flow.Done, flow.Done)
	svc, err := kc.CoreV1().Services("default").Get(ctx, steps.ServiceName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	uid := svc.UID

	run := func(collector string, requests int) (flow.Summary, flow.Plan) {
		t.Helper()
		env := newEnv(sb, steps.Options{Requests: requests, Collector: collector, SamplingRule: steps.SamplingRecordAll})
		plan, err := steps.DaemonSet{}.Plan(ctx, env)
		if err != nil {
			t.Fatal(err)
		}
		return (&steps.Runner{Env: env, Steps: steps.All()}).Run(ctx, &events{}), plan
	}
	for _, c := range []struct {
		to, from string
		ds, cm   string
		gone     [2]string // the other's DaemonSet and ConfigMap
	}{
		{steps.CollectorOtel, steps.CollectorDaemon, steps.OtelDaemonSetName, steps.OtelConfigMapName, [2]string{steps.DaemonSetName, steps.ConfigMapName}},
		{steps.CollectorDaemon, steps.CollectorOtel, steps.DaemonSetName, steps.ConfigMapName, [2]string{steps.OtelDaemonSetName, steps.OtelConfigMapName}},
	} {
		_, sentBefore, _ := sb.Cluster.DaemonStats()
		sum, plan := run(c.to, 8)
		wantStatuses(t, c.from+" → "+c.to, sum, flow.Done, flow.Unchanged, flow.Unchanged, flow.Created, flow.Done, flow.Unchanged, flow.Done, flow.Done)
		// The window may hold the run before's traces too; what the new
		// collector's pods uploaded is at least the 8 requests' segments.
		// It may still be flushing when the count is done.
		sent := sentBefore
		for deadline := time.Now().Add(10 * time.Second); sent-sentBefore < 8 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			_, sent, _ = sb.Cluster.DaemonStats()
		}
		if sum.Traces == nil || sum.Traces.ByService["Frontend"] < 8 || sent-sentBefore < 8 {
			t.Errorf("%s: traces = %+v, segments uploaded %d, want the 8 requests'", c.to, sum.Traces, sent-sentBefore)
		}
		var deletes []string
		for _, ch := range plan.Changes {
			if ch.Action == flow.ActDelete {
				deletes = append(deletes, ch.Kind+" "+ch.Name)
			}
		}
		if want := "DaemonSet default/" + c.gone[0] + ",ConfigMap default/" + c.gone[1]; strings.Join(deletes, ",") != want {
			t.Errorf("%s: plan deletes %v, want %s", c.to, deletes, want)
		}
		now, err := kc.CoreV1().Services("default").Get(ctx, steps.ServiceName, metav1.GetOptions{})
		if err != nil || now.UID != uid {
			t.Errorf("%s: the Service is %v (%v), want the same UID %s", c.to, now, err, uid)
		}
		if _, err := kc.AppsV1().DaemonSets("default").Get(ctx, c.gone[0], metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("%s: the old DaemonSet is still there (%v)", c.to, err)
		}
		if _, err := kc.CoreV1().ConfigMaps("default").Get(ctx, c.gone[1], metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("%s: the old ConfigMap is still there (%v)", c.to, err)
		}
		if c.to == steps.CollectorOtel {
			log := strings.Join(sb.Cluster.DaemonLog(), "\n")
			if !strings.Contains(log, "Everything is ready") || !strings.Contains(log, `"0.0.0.0:2000"`) {
				t.Errorf("the Collector pods' log:\n%s", log)
			}
		}
		// A re-run changes nothing.
		cs := kc.(*kube.Fake)
		cs.ClearActions()
		again, _ := run(c.to, 3)
		wantStatuses(t, c.to+" again", again, flow.Done, flow.Unchanged, flow.Unchanged, flow.Unchanged, flow.Done, flow.Unchanged, flow.Done, flow.Done)
		if w := wizardWrites(cs); len(w) != 0 {
			t.Errorf("%s again wrote %v", c.to, w)
		}
	}

	// Cleanup removes the Collector's objects too.
	if _, _ = run(steps.CollectorOtel, 2); true {
		sum := (&steps.Runner{Env: newEnv(sb, steps.Options{}), Steps: []steps.Step{steps.Cleanup{}}}).Run(ctx, &events{})
		if len(sum.Steps) != 1 || sum.Steps[0].Status == flow.Failed {
			t.Fatalf("cleanup: %+v", sum.Steps)
		}
		for _, name := range []string{steps.OtelDaemonSetName, steps.DaemonSetName} {
			if _, err := kc.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("after cleanup, daemonset %s: %v", name, err)
			}
		}
		if _, err := kc.CoreV1().ConfigMaps("default").Get(ctx, steps.OtelConfigMapName, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("after cleanup, the Collector's ConfigMap: %v", err)
		}
	}
}
