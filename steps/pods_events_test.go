package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/kube"
)

// podsWorld is a DaemonSet that wants want pods, in a cluster in memory.
func podsWorld(want int32) (*kube.Fake, *Env) {
	created := metav1.NewTime(time.Now().Add(-time.Minute).Truncate(time.Second))
	lbl := map[string]string{"app": "xray-daemon"}
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: DaemonSetName, Namespace: "default", Labels: lbl, CreationTimestamp: created},
		Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: want}}
	kc := kube.NewFake(ds)
	return kc, NewEnv(aws.Config{Region: "us-west-2"}, kc, Options{PodsTimeout: 30 * time.Second})
}

func readyPod(i int) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("xray-daemon-%d", i), Namespace: "default",
		Labels: map[string]string{"app": "xray-daemon"}, CreationTimestamp: metav1.Now()},
		Spec: corev1.PodSpec{NodeName: fmt.Sprintf("node-%d", i)},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{
			{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}
}

// requests counts the verbs and resources the pods step asked for.
func requests(kc *kube.Fake) map[string]int {
	out := map[string]int{}
	for _, a := range kc.Actions() {
		out[a.GetVerb()+" "+a.GetResource().Resource]++
	}
	return out
}

func waitPods(t *testing.T, env *Env) (Outcome, error, time.Duration) {
	t.Helper()
	start := time.Now()
	out, err := Pods{}.Apply(context.Background(), env, Handoff{}, flow.ReporterFunc(func(flow.Event) {}))
	return out, err, time.Since(start)
}

// While the DaemonSet controller keeps making pods, the pods step reads no
// events at all, however long the wait: one list and one watch of the pods
// and of the DaemonSet, one list of the nodes.
func TestPodsWaitReadsNoEventsWhilePodsCome(t *testing.T) {
	kc, env := podsWorld(4)
	go func() {
		for i := range 4 {
			time.Sleep(time.Second)
			_ = kc.Tracker().Add(readyPod(i))
		}
	}()
	out, err, _ := waitPods(t, env)
	if err != nil || !strings.Contains(out.Detail, "Ready") {
		t.Fatalf("pods step: %+v, %v", out, err)
	}
	got := requests(kc)
	for key, n := range got {
		if strings.HasSuffix(key, " events") {
			t.Errorf("%d × %s while pods kept coming", n, key)
		}
		if strings.HasPrefix(key, "list ") && n > 1 {
			t.Errorf("%d × %s: want one list per resource", n, key)
		}
	}
	if got["list pods"] != 1 || got["list daemonsets"] != 1 || got["watch pods"] != 1 {
		t.Errorf("requests: %v", got)
	}
}

// Pods missing and none made for a while: the pods step watches the
// DaemonSet's FailedCreate events (one list, one watch, however long it
// then waits), and fails with the cause as soon as one comes.
func TestPodsWaitWatchesEventsWhenPodsStall(t *testing.T) {
	kc, env := podsWorld(2)
	_ = kc.Tracker().Add(readyPod(0))
	msg := `Error creating: pods "xray-daemon-x7k2p" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true (pod or container "xray-daemon" must set securityContext.runAsNonRoot=true)`
	go func() {
		// The controller says why only after the step has waited a while
		// with no pod made: the event must come through the watch.
		time.Sleep(failedCreateSettle + 2*time.Second)
		now := metav1.Now()
		_ = kc.Tracker().Add(&corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon.1", Namespace: "default"},
			InvolvedObject: corev1.ObjectReference{Kind: "DaemonSet", Namespace: "default", Name: DaemonSetName},
			Reason:         "FailedCreate", Message: msg, Type: corev1.EventTypeWarning, Count: 1, FirstTimestamp: now, LastTimestamp: now})
	}()
	_, err, took := waitPods(t, env)
	var fe *flow.Error
	if !errors.As(err, &fe) || !strings.Contains(fe.Cause, "violates PodSecurity") || !strings.Contains(fe.Fix, "pod-security.kubernetes.io/enforce") {
		t.Fatalf("pods step: %v", err)
	}
	if took > failedCreateSettle+5*time.Second {
		t.Errorf("the cause came after %s", took)
	}
	got := requests(kc)
	if got["list events"] != 1 || got["watch events"] != 1 {
		t.Errorf("events read %d × by list and %d × by watch, want once each: %v", got["list events"], got["watch events"], got)
	}
}

// An event from before the DaemonSet's newest pod tells of a past
// trouble, not of pods missing now: the step waits on.
func TestPodsWaitIgnoresOldFailedCreate(t *testing.T) {
	kc, env := podsWorld(2)
	old := metav1.NewTime(time.Now().Add(-30 * time.Second))
	_ = kc.Tracker().Add(&corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon.0", Namespace: "default"},
		InvolvedObject: corev1.ObjectReference{Kind: "DaemonSet", Namespace: "default", Name: DaemonSetName},
		Reason:         "FailedCreate", Message: "Error creating: quota", Count: 1, FirstTimestamp: old, LastTimestamp: old})
	_ = kc.Tracker().Add(readyPod(0))
	go func() {
		time.Sleep(failedCreateSettle + 2*time.Second)
		_ = kc.Tracker().Add(readyPod(1))
	}()
	out, err, _ := waitPods(t, env)
	if err != nil || !strings.Contains(out.Detail, "Ready") {
		t.Fatalf("pods step: %+v, %v", out, err)
	}
	if got := requests(kc); got["list events"] != 1 {
		t.Errorf("requests: %v", got)
	}
}
