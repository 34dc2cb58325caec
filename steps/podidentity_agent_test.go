package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

const agentName = "eks-pod-identity-agent"

func piEnv(sb *sandbox.Sandbox) *steps.Env {
	return newEnv(sb, steps.Options{Identity: steps.IdentityPodIdentity})
}

func progressLines(ev *events, step string) string {
	var lines []string
	for _, e := range ev.all {
		if e.Step == step && (e.Kind == flow.Progress || e.Kind == flow.Warning) {
			lines = append(lines, e.Message)
		}
	}
	return strings.Join(lines, "\n")
}

// A cluster without the agent (as eksctl leaves one): preflight says so
// before any step changes anything, the iamsa step's plan installs it with
// the AWS CLI's command shown, and waits until EKS says ACTIVE before the
// association, so the daemon's pods start after the agent.
func TestPodIdentityAgentMissing(t *testing.T) {
	sb := startSandbox(t)
	env := piEnv(sb)
	ev := &events{}
	sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "preflight")}).Run(context.Background(), ev)
	wantStatuses(t, "preflight", sum, flow.Done)
	if got := progressLines(ev, flow.IDPreflight); !strings.Contains(got, "EKS Pod Identity agent ("+agentName+"): not installed") {
		t.Errorf("preflight lines:\n%s", got)
	}
	plan, err := steps.IAMServiceAccount{}.Plan(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) == 0 || plan.Changes[0].Kind != "EKS add-on" || plan.Changes[0].Name != agentName || plan.Changes[0].Action != flow.ActCreate {
		t.Errorf("plan changes %+v", plan.Changes)
	}
	if want := "aws eks create-addon --cluster-name eksworkshop-eksctl --addon-name " + agentName; len(plan.Equivalent) == 0 || plan.Equivalent[0] != want {
		t.Errorf("equivalent %q, want first %q", plan.Equivalent, want)
	}
	ev = &events{}
	began := time.Now()
	sum = (&steps.Runner{Env: env, Steps: mustSelect(t, "iamsa")}).Run(context.Background(), ev)
	wantStatuses(t, "iamsa", sum, flow.Created)
	if took := time.Since(began); took < 1500*time.Millisecond {
		t.Errorf("the step took %s: it did not wait for the add-on's CREATING", took)
	}
	if got := progressLines(ev, flow.IDIAMSA); !strings.Contains(got, "waiting for the add-on "+agentName+" to become ACTIVE") {
		t.Errorf("iamsa lines:\n%s", got)
	}
	if a, err := steps.ReadAgent(context.Background(), env); err != nil || !a.Ready() || a.Status != "ACTIVE" {
		t.Errorf("agent after the step: %+v %v", a, err)
	}
}

// EKS Auto Mode has the agent built in: nothing to install, no add-on call
// that changes anything, and preflight says why.
func TestPodIdentityAgentAutoMode(t *testing.T) {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{AutoMode: true, PodStartDelay: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Stop)
	env := piEnv(sb)
	ev := &events{}
	sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "preflight,oidc,iamsa")}).Run(context.Background(), ev)
	wantStatuses(t, "auto mode", sum, flow.Done, flow.Unchanged, flow.Created)
	if got := progressLines(ev, flow.IDPreflight); !strings.Contains(got, "built into EKS Auto Mode") {
		t.Errorf("preflight lines:\n%s", got)
	}
	calls := sb.AWS.Calls()
	if n := calls["EKS.CreateAddon"] + calls["EKS.DescribeAddon"]; n != 0 {
		t.Errorf("add-on calls on Auto Mode: %v", calls)
	}
	if sb.AWS.PodIdentityRole("eksworkshop-eksctl", "default", "xray-daemon") == "" {
		t.Error("no association")
	}
}

// An agent that cannot serve stops the iamsa step at its plan, before it
// asks or changes anything, with the add-on's own health issue and the
// commands for its state; a starting one is waited for.
func TestPodIdentityAgentStates(t *testing.T) {
	sb := startSandbox(t)
	env := piEnv(sb)
	ctx := context.Background()
	// The wizard's setup first: the add-on installed and ACTIVE.
	wantStatuses(t, "setup", (&steps.Runner{Env: env, Steps: mustSelect(t, "iamsa")}).Run(ctx, &events{}), flow.Created)
	cases := []struct {
		status string
		issue  sandbox.AddonIssue
		fix    []string
	}{
		{"DEGRADED", sandbox.AddonIssue{Code: "InsufficientNumberOfReplicas", Message: "The add-on is unhealthy because it doesn't have the desired number of replicas."},
			[]string{"aws eks describe-addon --cluster-name eksworkshop-eksctl --addon-name " + agentName + " --query addon.health",
				"aws eks update-addon --cluster-name eksworkshop-eksctl --addon-name " + agentName + " --resolve-conflicts OVERWRITE", "--identity irsa"}},
		{"CREATE_FAILED", sandbox.AddonIssue{Code: "ConfigurationConflict", Message: "Conflicts found when trying to apply."},
			[]string{"aws eks delete-addon --cluster-name eksworkshop-eksctl --addon-name " + agentName}},
		{"DELETING", sandbox.AddonIssue{},
			[]string{"aws eks wait addon-deleted --cluster-name eksworkshop-eksctl --addon-name " + agentName}},
	}
	for _, c := range cases {
		t.Run(c.status, func(t *testing.T) {
			var issues []sandbox.AddonIssue
			if c.issue.Code != "" {
				issues = append(issues, c.issue)
			}
			sb.AWS.SetAddonStatus("eksworkshop-eksctl", agentName, c.status, issues...)
			before := mutatingAWS(sb.AWS.Calls())
			asked := false
			rn := &steps.Runner{Env: piEnv(sb), Steps: mustSelect(t, "iamsa"), Confirm: confirmFunc(func() { asked = true })}
			s := rn.Run(ctx, &events{}).Steps[0]
			if s.Status != flow.Failed || !strings.Contains(s.Detail, agentName) || !strings.Contains(s.Detail, c.status) ||
				(c.issue.Code != "" && !strings.Contains(s.Detail, c.issue.Code+": "+c.issue.Message)) {
				t.Errorf("iamsa: %+v", s)
			}
			all := s.Fix + "\n" + strings.Join(s.Commands, "\n")
			for _, f := range c.fix {
				if !strings.Contains(all, f) {
					t.Errorf("fix %q lacks %q", all, f)
				}
			}
			if asked {
				t.Error("the step asked before stopping")
			}
			for op, n := range mutatingAWS(sb.AWS.Calls()) {
				if n != before[op] {
					t.Errorf("a broken agent still called %s", op)
				}
			}
		})
	}
	// Starting: the plan says it will wait, and the step waits until EKS
	// says ACTIVE.
	sb.AWS.SetAddonStatus("eksworkshop-eksctl", agentName, "UPDATING")
	plan, err := steps.IAMServiceAccount{}.Plan(ctx, piEnv(sb))
	if err != nil || !strings.Contains(plan.Note, "UPDATING: the step waits until it is ACTIVE") {
		t.Fatalf("plan while UPDATING: %+v %v", plan, err)
	}
	go func() {
		time.Sleep(time.Second)
		sb.AWS.SetAddonStatus("eksworkshop-eksctl", agentName, "")
	}()
	began := time.Now()
	s := (&steps.Runner{Env: piEnv(sb), Steps: mustSelect(t, "iamsa")}).Run(ctx, &events{}).Steps[0]
	if !s.Status.OK() || time.Since(began) < time.Second {
		t.Errorf("iamsa while UPDATING: %+v after %s", s, time.Since(began))
	}
}

// confirmFunc says yes, and calls f.
type confirmFunc func()

func (f confirmFunc) Confirm(context.Context, flow.StepInfo, flow.Plan) (flow.Consent, error) {
	f()
	return flow.Approved, nil
}
