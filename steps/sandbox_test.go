package steps_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/steptest"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// startSandbox starts a practice sandbox with fast pacing for tests.
func startSandbox(t *testing.T) *sandbox.Sandbox { return steptest.Start(t) }

// newEnv is the clients of the sandbox, with short timeouts.
func newEnv(sb *sandbox.Sandbox, opts steps.Options) *steps.Env { return steptest.Env(sb, opts) }

// events collects what a run reported.
type events struct {
	mu  sync.Mutex
	all []flow.Event
}

func (e *events) Report(ev flow.Event) {
	e.mu.Lock()
	e.all = append(e.all, ev)
	e.mu.Unlock()
}

func (e *events) of(kind flow.Kind) []flow.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []flow.Event
	for _, ev := range e.all {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// mutatingAWS counts the calls that change AWS state.
func mutatingAWS(calls map[string]int) map[string]int {
	out := map[string]int{}
	for op, n := range calls {
		action := op[strings.Index(op, ".")+1:]
		for _, p := range []string{"Create", "Attach", "Update", "Put", "Delete", "Tag", "Untag", "Add", "Detach"} {
			if strings.HasPrefix(action, p) && op != "XRay.PutTraceSegments" {
				out[op] += n
			}
		}
	}
	return out
}

// wizardWrites lists the Kubernetes writes the wizard made (the simulated
// cluster's own controllers write pods and statuses; those are not ours).
func wizardWrites(cs *kube.Fake) []string {
	var out []string
	for _, a := range cs.Actions() {
		switch a.GetVerb() {
		case "create", "update", "patch", "delete":
		default:
			continue
		}
		if a.GetSubresource() != "" || a.GetResource().Resource == "pods" || a.GetResource().Resource == "events" {
			continue
		}
		if p, ok := a.(k8stesting.PatchActionImpl); ok && len(p.PatchOptions.DryRun) > 0 {
			continue // a server-side dry run reads; it stores nothing
		}
		if p, ok := a.(k8stesting.PatchAction); ok && p.GetPatchType() == "application/apply-patch+yaml" {
			out = append(out, "apply "+a.GetResource().Resource+" "+p.GetName())
			continue
		}
		if c, ok := a.(k8stesting.CreateAction); ok {
			if o, ok := c.GetObject().(runtime.Object); ok && o != nil {
				out = append(out, a.GetVerb()+" "+a.GetResource().Resource)
				continue
			}
		}
		out = append(out, a.GetVerb()+" "+a.GetResource().Resource)
	}
	return out
}

// The whole lab against the sandbox through the real SDK clients, with
// the workshop sampling rule (-y --sampling-rule record-all); then a second
// run that finds everything in place and changes nothing.
func TestAllStepsOnSandboxThenIdempotent(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{Requests: 20, SamplingRule: steps.SamplingRecordAll})
	ev := &events{}
	rn := &steps.Runner{Env: env, Steps: steps.All(), Sandbox: true}
	sum := rn.Run(context.Background(), ev)
	wantStatuses(t, "first run", sum, flow.Done, flow.Created, flow.Created, flow.Created, flow.Done, flow.Created, flow.Done, flow.Done)
	// The workshop rule records every request: 20 traces, as it says.
	if sum.Traces == nil || sum.Traces.Total != 20 {
		t.Fatalf("traces = %+v, want 20 (the workshop rule keeps every request)", sum.Traces)
	}
	if sp := sum.Traces.Sampling; sp == nil || sp.RequestsSent != 20 || sp.Expected == nil || *sp.Expected != 20 || sp.Rule != steps.WorkshopRuleName {
		t.Errorf("sampling = %+v", sp)
	}
	tr := sum.Traces
	if tr.OK+tr.Error+tr.Fault+tr.Throttle != tr.Total || tr.ByService["Frontend"] != 20 {
		t.Errorf("counts = %+v", tr)
	}
	if sum.Cluster != "eksworkshop-eksctl" || sum.Region != "us-west-2" || !strings.HasPrefix(sum.AppURL, "http://") {
		t.Errorf("summary = %+v", sum)
	}
	// The pod table reached 3/3 through the informer.
	pods := ev.of(flow.Pods)
	if len(pods) == 0 {
		t.Fatal("no pod table events")
	}
	last := pods[len(pods)-1].Pods
	if last.Ready != 3 || last.Desired != 3 || len(last.Rows) != 3 {
		t.Errorf("last pod table = %+v", last)
	}
	nodes, archs := map[string]bool{}, map[string]int{}
	for _, r := range last.Rows {
		nodes[r.Node] = true
		archs[r.Arch]++
	}
	if len(nodes) != 3 {
		t.Errorf("pods not one per node: %+v", last.Rows)
	}
	// The sandbox's node group has a Graviton node: the table says so.
	if archs["amd64"] != 2 || archs["arm64"] != 1 {
		t.Errorf("architectures in the table: %v", archs)
	}
	for _, w := range ev.of(flow.Warning) {
		if w.Step == flow.IDPods && strings.Contains(w.Message, "get no daemon") {
			t.Errorf("every node of the sandbox gets a daemon, but: %s", w.Message)
		}
	}
	// What the AWS account has now, read back independently.
	calls := sb.AWS.Calls()
	if calls["IAM.CreateOpenIDConnectProvider"] != 1 || calls["IAM.CreateRole"] != 1 || calls["IAM.AttachRolePolicy"] != 1 {
		t.Errorf("first run's IAM calls: %v", mutatingAWS(calls))
	}

	// Second run: every change step is already done, no mutating call.
	before := sb.AWS.Calls()
	cs := sb.Clientset().(*kube.Fake)
	cs.ClearActions()
	env2 := newEnv(sb, steps.Options{Requests: 5, SamplingRule: steps.SamplingRecordAll})
	sum2 := (&steps.Runner{Env: env2, Steps: steps.All()}).Run(context.Background(), &events{})
	wantStatuses(t, "second run", sum2, flow.Done, flow.Unchanged, flow.Unchanged, flow.Unchanged, flow.Done, flow.Unchanged, flow.Done, flow.Done)
	after := sb.AWS.Calls()
	for op, n := range mutatingAWS(after) {
		if n != mutatingAWS(before)[op] {
			t.Errorf("second run called %s", op)
		}
	}
	if w := wizardWrites(cs); len(w) != 0 {
		t.Errorf("second run wrote to the cluster: %v", w)
	}
	for _, id := range []string{"oidc", "iamsa", "daemonset", "sampling"} {
		for _, s := range sum2.Steps {
			if s.ID == id && !strings.Contains(strings.ToLower(s.Detail), "already") {
				t.Errorf("second run, %s: %q does not say it was already done", id, s.Detail)
			}
		}
	}
}

// --dry-run reads but never writes.
func TestDryRunWritesNothing(t *testing.T) {
	sb := startSandbox(t)
	cs := sb.Clientset().(*kube.Fake)
	cs.ClearActions()
	env := newEnv(sb, steps.Options{})
	sum := (&steps.Runner{Env: env, Steps: steps.All(), DryRun: true}).Run(context.Background(), &events{})
	for _, s := range sum.Steps {
		if s.Status != flow.Planned || s.Plan == nil || len(s.Plan.Commands) == 0 {
			t.Errorf("%s: %s plan=%+v", s.ID, s.Status, s.Plan)
		}
	}
	if m := mutatingAWS(sb.AWS.Calls()); len(m) != 0 {
		t.Errorf("dry run called %v", m)
	}
	if w := wizardWrites(cs); len(w) != 0 {
		t.Errorf("dry run wrote %v", w)
	}
}

// --steps oidc,iamsa: what they need (identity, cluster, issuer) is still
// found, read-only.
func TestSubsetDiscoversWhatItNeeds(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	ss, _ := steps.Select("iamsa,oidc")
	sum := (&steps.Runner{Env: env, Steps: ss}).Run(context.Background(), &events{})
	if len(sum.Steps) != 2 || sum.Steps[0].ID != "oidc" || sum.Steps[0].Status != flow.Created || sum.Steps[1].Status != flow.Created {
		t.Fatalf("steps = %+v", sum.Steps)
	}
	if sum.Traces != nil {
		t.Error("traces counted though the traces step did not run")
	}
}

// iamsa without the OIDC provider fails, naming the fix, and makes nothing.
func TestIAMSAWithoutOIDCFails(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	ss, _ := steps.Select("iamsa")
	sum := (&steps.Runner{Env: env, Steps: ss}).Run(context.Background(), &events{})
	s := sum.Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "no IAM OIDC provider") || !strings.Contains(s.Fix, "associate-iam-oidc-provider") {
		t.Fatalf("step = %+v", s)
	}
	if m := mutatingAWS(sb.AWS.Calls()); len(m) != 0 {
		t.Errorf("failed step still called %v", m)
	}
}

// A declined confirmation skips the step and changes nothing.
type decline struct{}

func (decline) Confirm(context.Context, flow.StepInfo, flow.Plan) (flow.Consent, error) {
	return flow.Declined, nil
}

func TestDeclinedStepIsSkipped(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	ss, _ := steps.Select("oidc")
	sum := (&steps.Runner{Env: env, Steps: ss, Confirm: decline{}}).Run(context.Background(), &events{})
	if sum.Steps[0].Status != flow.Skipped {
		t.Fatalf("step = %+v", sum.Steps[0])
	}
	if m := mutatingAWS(sb.AWS.Calls()); len(m) != 0 {
		t.Errorf("declined step called %v", m)
	}
}

// No sample app: one clear cause and the command to check.
func TestAppMissing(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{AppNamespace: "nowhere"})
	ss, _ := steps.Select("app")
	sum := (&steps.Runner{Env: env, Steps: ss}).Run(context.Background(), &events{})
	s := sum.Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "no sample app") || !strings.Contains(s.Fix, "kubectl get svc -n nowhere") {
		t.Fatalf("step = %+v", s)
	}
}

// Without the daemon's IAM role, the simulated daemon is denied, no traces
// arrive, and the traces step (with no doctor to ask) points at the
// doctor's command.
func TestNoTracesWithoutIRSA(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{Requests: 5, TracesTimeout: 3 * time.Second})
	ss, _ := steps.Select("preflight,daemonset,pods,app,traces")
	ev := &events{}
	sum := (&steps.Runner{Env: env, Steps: ss}).Run(context.Background(), ev)
	last := sum.Steps[len(sum.Steps)-1]
	if last.ID != "traces" || last.Status != flow.Failed || !strings.Contains(last.Fix, "xray-wizard doctor") {
		t.Fatalf("traces step = %+v\nall: %+v", last, sum.Steps)
	}
	if len(ev.of(flow.Warning)) == 0 {
		t.Error("no warning that the daemon's service account has no IAM role")
	}
}

// EKS Pod Identity instead of IRSA: no OIDC provider needed; the daemon gets
// its role from the association and traces arrive; a second run changes
// nothing.
func TestPodIdentityOnSandbox(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{Identity: steps.IdentityPodIdentity, Requests: 10, SamplingRule: steps.SamplingRecordAll})
	sum := (&steps.Runner{Env: env, Steps: steps.All()}).Run(context.Background(), &events{})
	// No OIDC provider is needed: the oidc step has nothing to do. The
	// workshop rule keeps every request.
	wantStatuses(t, "first run", sum, flow.Done, flow.Unchanged, flow.Created, flow.Created, flow.Done, flow.Created, flow.Done, flow.Done)
	if sum.Traces == nil || sum.Traces.Total != 10 {
		t.Fatalf("traces = %+v", sum.Traces)
	}
	if !strings.Contains(sum.Steps[1].Detail, "not needed") || !strings.Contains(sum.Steps[2].Detail, "EKS Pod Identity") {
		t.Errorf("oidc %q, iamsa %q", sum.Steps[1].Detail, sum.Steps[2].Detail)
	}
	if sb.AWS.PodIdentityRole("eksworkshop-eksctl", "default", "xray-daemon") == "" {
		t.Error("no pod identity association")
	}
	before := mutatingAWS(sb.AWS.Calls())
	sum = (&steps.Runner{Env: newEnv(sb, steps.Options{Identity: steps.IdentityPodIdentity}), Steps: steps.All()[:4]}).Run(context.Background(), &events{})
	wantStatuses(t, "second run", sum, flow.Done, flow.Unchanged, flow.Unchanged, flow.Unchanged)
	for op, n := range mutatingAWS(sb.AWS.Calls()) {
		if n != before[op] {
			t.Errorf("second run called %s", op)
		}
	}
}

func mustSelect(t *testing.T, ids string) []steps.Step { return steptest.Select(t, ids) }

// wantStatuses checks what each step of a run did, in order.
func wantStatuses(t *testing.T, what string, sum flow.Summary, want ...flow.Result) {
	t.Helper()
	if len(sum.Steps) != len(want) {
		t.Fatalf("%s: %d steps, want %d: %+v", what, len(sum.Steps), len(want), sum.Steps)
	}
	for i, s := range sum.Steps {
		if s.Status != want[i] {
			t.Fatalf("%s: %s %s, want %s: %s (fix: %s)", what, s.ID, s.Status, want[i], s.Detail, s.Fix)
		}
	}
}

// cancelAtAsk stops the run when the first question comes, as q or ctrl+c
// at the confirmation does.
type cancelAtAsk struct{ cancel context.CancelFunc }

func (c cancelAtAsk) Confirm(ctx context.Context, _ flow.StepInfo, _ flow.Plan) (flow.Consent, error) {
	c.cancel()
	return flow.Declined, ctx.Err()
}

// A run the person stops says so: the step was stopped by them, the later
// ones were not run — neither is a failure.
func TestStoppedByYou(t *testing.T) {
	sb := startSandbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sum := (&steps.Runner{Env: newEnv(sb, steps.Options{}), Steps: steps.All(), Confirm: cancelAtAsk{cancel}}).Run(ctx, &events{})
	wantStatuses(t, "stopped at oidc", sum, flow.Done, flow.Stopped, flow.Skipped, flow.Skipped, flow.Skipped, flow.Skipped, flow.Skipped, flow.Skipped)
	if d := sum.Steps[1].Detail; d != "stopped by you" || sum.Steps[1].Fix != "" {
		t.Errorf("oidc: %+v", sum.Steps[1])
	}
	for _, s := range sum.Steps[2:] {
		if s.Detail != "not run" {
			t.Errorf("%s: %q, want \"not run\"", s.ID, s.Detail)
		}
	}
	if !sum.Interrupted || sum.Failed() {
		t.Errorf("interrupted %v, failed %v", sum.Interrupted, sum.Failed())
	}
}

// With no one to ask and no -y (flow.NoOne), the first change stops the
// changes: that step and the ones after it only plan.
func TestNoOneToAskPlansOnly(t *testing.T) {
	sb := startSandbox(t)
	before := mutatingAWS(sb.AWS.Calls())
	sum := (&steps.Runner{Env: newEnv(sb, steps.Options{}), Steps: steps.All(), Confirm: flow.NoOne{}}).Run(context.Background(), &events{})
	wantStatuses(t, "no one to ask", sum, flow.Done, flow.Planned, flow.Planned, flow.Planned, flow.Planned, flow.Planned, flow.Planned, flow.Planned)
	if !sum.NotApplied || sum.Failed() {
		t.Errorf("notApplied %v, failed %v", sum.NotApplied, sum.Failed())
	}
	for _, s := range sum.Steps[1:] {
		if s.Plan == nil {
			t.Errorf("%s has no plan", s.ID)
		}
	}
	if after := mutatingAWS(sb.AWS.Calls()); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("AWS changed: %v → %v", before, after)
	}
}
