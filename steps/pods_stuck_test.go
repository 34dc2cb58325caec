package steps

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/xray-wizard/xray-wizard/flow"
)

// A pod its node never starts sits in ContainerCreating: after a minute
// the wait says so and how to see why, rather than counting down in
// silence; and when the time is up with enough Ready pods but an
// unfinished rollout, the cause says that, not "3/3 Ready".
func TestPodsWaitNamesAPodNeverStarted(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	env := NewEnv(aws.Config{Region: "us-west-2"}, nil, Options{PodsTimeout: 5 * time.Minute})
	env.Now = func() time.Time { return now }
	tab := flow.PodTable{Desired: 3, Ready: 3, Rows: []flow.PodRow{
		{Name: "xray-daemon-aaaaa", Phase: "Running", Ready: true, Created: now.Add(-10 * time.Minute)},
		{Name: "xray-daemon-bbbbb", Phase: "Running", Ready: true, Created: now.Add(-2 * time.Minute)},
		{Name: "xray-daemon-ccccc", Phase: "Running", Ready: true, Created: now.Add(-2 * time.Minute)},
		{Name: "xray-daemon-ddddd", Phase: "ContainerCreating", Created: now.Add(-2 * time.Minute)},
		{Name: "xray-daemon-eeeee", Phase: "ContainerCreating", Created: now.Add(-10 * time.Second)},
	}}
	var warns []string
	r := flow.ReporterFunc(func(e flow.Event) {
		if e.Kind == flow.Warning {
			warns = append(warns, e.Message)
		}
	})
	told := stuckTold{pods: map[string]string{}, kinds: map[string]int{}}
	for range 3 {
		explainStuck(context.Background(), env, r, tab, &told)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "xray-daemon-ddddd has been ContainerCreating for over a minute") ||
		!strings.Contains(warns[0], "kubectl describe pod -n default xray-daemon-ddddd") {
		t.Errorf("warnings %q, want one naming xray-daemon-ddddd", warns)
	}
	err := podsTimeout(env, tab, false).(*flow.Error)
	if !strings.Contains(err.Cause, "5 pods for 3 nodes, not one new Ready pod on each") || !strings.Contains(err.Cause, "xray-daemon-ddddd ContainerCreating") {
		t.Errorf("cause = %q", err.Cause)
	}
	tab.Ready = 2
	if err := podsTimeout(env, tab, false).(*flow.Error); !strings.HasPrefix(err.Cause, "2/3 daemon pods Ready after 5m") {
		t.Errorf("cause with too few Ready = %q", err.Cause)
	}
}
