package doctor_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/steptest"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// rule is a sampling rule for every service, as made in the console.
func rule(name string, priority int32, reservoir int32, rate float64, path string) *xraytypes.SamplingRule {
	return &xraytypes.SamplingRule{RuleName: aws.String(name), Priority: aws.Int32(priority), ReservoirSize: reservoir, FixedRate: rate,
		ServiceName: aws.String("*"), ServiceType: aws.String("*"), Host: aws.String("*"), HTTPMethod: aws.String("*"),
		URLPath: aws.String(path), ResourceARN: aws.String("*"), Version: aws.Int32(1)}
}

func createRule(t *testing.T, env *steps.Env, r *xraytypes.SamplingRule) {
	t.Helper()
	if _, err := env.XRay.CreateSamplingRule(context.Background(), &xray.CreateSamplingRuleInput{SamplingRule: r}); err != nil {
		t.Fatal(err)
	}
}

// sendAppTraffic runs the wizard's app step: the app's SDK samples its
// requests and reports the statistics.
func sendAppTraffic(t *testing.T, env *steps.Env) {
	t.Helper()
	if sum := (&steps.Runner{Env: env, Steps: steptest.Select(t, "app")}).Run(context.Background(), &events{}); sum.Failed() {
		t.Fatalf("app: %+v", sum.Steps)
	}
}

// The account's Default rule is sampling by design: explained with the
// SDKs' own figures as a warning (exit 0), with the flag that records
// every request; the workshop rule in place is ok.
func TestDoctorSamplingByDefault(t *testing.T) {
	sb, env := setUpWith(t, steps.Options{})
	tally := sb.Cluster.AppSampling()["Default"]
	d := diagnose(t, env, "sampling", flow.CheckWarn, "the SDKs saw 20 requests and recorded", "under rule Default: that is sampling, not loss",
		"rule Default (priority 10000 · 1/s + 5 %", "rule Default: the SDKs saw 20 requests, recorded", "--sampling-rule record-all")
	f := findings(d)["sampling"]
	if !strings.Contains(f.Summary, "recorded "+strconv.Itoa(tally.Sampled)+" under") {
		t.Errorf("the figures are not the app's (%+v): %s", tally, f.Summary)
	}
	if f.Command != "xray-wizard --steps sampling --sampling-rule record-all" {
		t.Errorf("fix %q", f.Command)
	}
	if !d.Healthy() {
		t.Error("a warning is not healthy")
	}
	f = findings(doctor.Diagnose(context.Background(), doctor.Input{Env: env, Sandbox: true}, nil))["sampling"]
	if f.Command != "xray-wizard --sandbox --steps sampling --sampling-rule record-all -y" {
		t.Errorf("the sandbox's fix %q (the wizard's own rule only: -y)", f.Command)
	}
	// The fix, run as printed (-y): every request recorded from then on.
	env.Opts.SamplingRule = steps.SamplingRecordAll
	if sum := (&steps.Runner{Env: env, Steps: steptest.Select(t, "sampling")}).Run(context.Background(), &events{}); sum.Failed() {
		t.Fatalf("sampling: %+v", sum.Steps)
	}
	diagnose(t, env, "sampling", flow.CheckOK, "rule xray-wizard-workshop records every request of the sample app")
}

// A rule that records nothing before the others (someone's cost saving)
// fails: no request of the app becomes a trace. The fix moves it after the
// workshop rule, which the wizard does only at a person's word: -y changes
// nothing, a person's yes fixes it.
func TestDoctorSamplingRecordsNothing(t *testing.T) {
	sb, env := setUp(t)
	createRule(t, env, rule("cost-saving", 1, 0, 0, "*"))
	sendAppTraffic(t, env)
	d := diagnose(t, env, "sampling", flow.CheckFail, "rule cost-saving decides the sample app's requests and records none of them",
		"rule cost-saving: the SDKs saw 20 requests, recorded 0", "comes before where the workshop rule goes", "only after you confirm")
	if f := findings(d)["sampling"]; f.Command != "xray-wizard --steps sampling --sampling-rule record-all" {
		t.Errorf("fix %q", f.Command)
	}
	f := findings(doctor.Diagnose(context.Background(), doctor.Input{Env: env, Sandbox: true}, nil))["sampling"]
	if f.Command != "xray-wizard --sandbox --steps sampling --sampling-rule record-all" {
		t.Errorf("the sandbox's fix %q: a rule someone else made moves only at a person's word, never with -y", f.Command)
	}
	// -y: nothing changes, and the step says why.
	env.Opts.SamplingRule = steps.SamplingRecordAll
	sum := (&steps.Runner{Env: env, Steps: steptest.Select(t, "sampling"), Confirm: flow.Always{}}).Run(context.Background(), &events{})
	if s := sum.Steps[0]; s.Status != flow.Failed || !strings.Contains(s.Detail, "cost-saving") || !strings.Contains(s.Fix, "without -y") {
		t.Errorf("with -y: %+v", s)
	}
	if p := priority(t, sb, "cost-saving"); p != 1 {
		t.Fatalf("-y moved the rule to %d", p)
	}
	// A person says yes at the terminal.
	sum = (&steps.Runner{Env: env, Steps: steptest.Select(t, "sampling"), Confirm: person{}}).Run(context.Background(), &events{})
	if sum.Failed() {
		t.Fatalf("confirmed: %+v", sum.Steps)
	}
	if p := priority(t, sb, "cost-saving"); p != 2 {
		t.Errorf("the rule after the fix: priority %d, want 2", p)
	}
	diagnose(t, env, "sampling", flow.CheckOK, "rule xray-wizard-workshop records every request")
}

// The Default rule set to record nothing fails too; its fix makes only
// the wizard's rule (-y in the sandbox). A rule that records none of some
// pages is a warning naming them.
func TestDoctorSamplingNothingElse(t *testing.T) {
	_, env := setUpWith(t, steps.Options{})
	if _, err := env.XRay.UpdateSamplingRule(context.Background(), &xray.UpdateSamplingRuleInput{SamplingRuleUpdate: &xraytypes.SamplingRuleUpdate{
		RuleName: aws.String("Default"), ReservoirSize: aws.Int32(0), FixedRate: aws.Float64(0)}}); err != nil {
		t.Fatal(err)
	}
	diagnose(t, env, "sampling", flow.CheckFail, "rule Default decides the sample app's requests and records none")
	if f := findings(doctor.Diagnose(context.Background(), doctor.Input{Env: env, Sandbox: true}, nil))["sampling"]; !strings.HasSuffix(f.Command, " -y") {
		t.Errorf("the sandbox's fix %q", f.Command)
	}
	_, env = setUp(t)
	createRule(t, env, rule("no-products", 5, 0, 0, "/products/*"))
	// The workshop rule (priority 1) comes first: nothing is lost.
	diagnose(t, env, "sampling", flow.CheckOK, "xray-wizard-workshop")
	_, env = setUpWith(t, steps.Options{})
	createRule(t, env, rule("no-products", 5, 0, 0, "/products/*"))
	diagnose(t, env, "sampling", flow.CheckWarn, "rule no-products records none of the sample app's requests to /products/1 /products/2 /products/3 /products/404")
}

// Rules X-Ray will not show are a finding that says so.
func TestDoctorSamplingCannotRead(t *testing.T) {
	sb, env := setUp(t)
	sb.AWS.SetFaults(sandbox.Fault{Action: "XRay.GetSamplingRules", Rate: 1, Status: 403, Code: "AccessDeniedException", Message: "denied"})
	diagnose(t, env, "sampling", flow.CheckFail, "cannot read xray:GetSamplingRules")
}

func priority(t *testing.T, sb *sandbox.Sandbox, name string) int32 {
	t.Helper()
	for _, r := range sb.AWS.SamplingRules("us-west-2") {
		if r.Name == name {
			return r.Priority
		}
	}
	t.Fatalf("no rule %s", name)
	return 0
}

// person confirms every plan on screen.
type person struct{}

func (person) Confirm(context.Context, flow.StepInfo, flow.Plan) (flow.Consent, error) {
	return flow.Approved, nil
}
