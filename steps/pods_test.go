package steps

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
)

// On a big cluster thousands of pods can be stuck the same way: a few are
// named, then one line says there are more, and no more logs are read.
func TestExplainStuckNamesAFew(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	env := NewEnv(aws.Config{Region: "us-west-2"}, nil, Options{})
	env.Now = func() time.Time { return now }
	var tab flow.PodTable
	for i := range 2000 {
		tab.Rows = append(tab.Rows, flow.PodRow{Name: fmt.Sprintf("xray-daemon-%04d", i), Phase: "Pending",
			Reason: "Unschedulable: 0/1 nodes", Created: now.Add(-2 * time.Minute)})
	}
	var warns []string
	r := flow.ReporterFunc(func(e flow.Event) {
		if e.Kind == flow.Warning {
			warns = append(warns, e.Message)
		}
	})
	told := stuckTold{pods: map[string]string{}, kinds: map[string]int{}}
	for range 3 { // the table is sent again and again while waiting
		explainStuck(context.Background(), env, r, tab, &told)
	}
	if len(warns) != stuckNamed+1 {
		t.Fatalf("%d warnings, want %d: %q", len(warns), stuckNamed+1, warns)
	}
	for i, w := range warns[:stuckNamed] {
		if !strings.Contains(w, tab.Rows[i].Name) || !strings.Contains(w, "Unschedulable") {
			t.Errorf("warning %d = %q", i, w)
		}
	}
	if !strings.Contains(warns[stuckNamed], "more pods are Pending") {
		t.Errorf("last warning = %q", warns[stuckNamed])
	}
	// The error at the deadline names five and counts the rest.
	err := podsTimeout(env, tab, false).(*flow.Error)
	if strings.Count(err.Cause, "xray-daemon-") != 5 || !strings.Contains(err.Cause, "and 1995 more") {
		t.Errorf("cause = %q", err.Cause)
	}
}

// The informer keeps only what the table and the checks read.
func TestLeanPodKeepsWhatIsRead(t *testing.T) {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon-abc", Annotations: map[string]string{"a": "b"},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kube-controller-manager"}}},
		Spec: corev1.PodSpec{NodeName: "node-1", Volumes: []corev1.Volume{{Name: "config"}},
			Containers: []corev1.Container{{Name: "xray-daemon", Image: "img", Command: []string{"/xray"},
				Env: []corev1.EnvVar{{Name: "AWS_ROLE_ARN", Value: "arn:aws:iam::1:role/r"}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
			ContainerStatuses: []corev1.ContainerStatus{{Name: "xray-daemon", Image: "img", RestartCount: 2,
				State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off"}}}}},
	}
	want := PodRowOf(p)
	lean, err := leanPod(p.DeepCopy())
	if err != nil {
		t.Fatal(err)
	}
	lp := lean.(*corev1.Pod)
	if got := PodRowOf(lp); got != want {
		t.Errorf("row of lean pod = %+v, want %+v", got, want)
	}
	if !podHasEnv(lp, "AWS_ROLE_ARN") {
		t.Error("lean pod lost its env names")
	}
	if lp.ManagedFields != nil || lp.Annotations != nil || lp.Spec.Volumes != nil || lp.Spec.Containers[0].Image != "" {
		t.Errorf("lean pod kept more than it needs: %+v", lp)
	}
}
