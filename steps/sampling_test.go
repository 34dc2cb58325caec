package steps_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The lab without the workshop rule, as -y leaves the rules alone: the
// sampling step explains the Default rule, the app samples by it, and the
// counts carry the rules, the requests sent and what the rules keep — the
// traces X-Ray has are exactly those the app recorded.
func TestDefaultRuleSamplesTheTraffic(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{Requests: 20})
	ev := &events{}
	sum := (&steps.Runner{Env: env, Steps: steps.All()}).Run(context.Background(), ev)
	wantStatuses(t, "run", sum, flow.Done, flow.Created, flow.Created, flow.Created, flow.Done, flow.Done, flow.Done, flow.Done)
	if d := sum.Steps[5].Detail; !strings.Contains(d, "Of the 20 requests the app step sends, the rules keep about 2 as traces (10 %)") ||
		!strings.Contains(d, "rule Default records 1 a second and 5 % of the rest") {
		t.Errorf("sampling step: %q", d)
	}
	if m := mutatingAWS(sb.AWS.Calls()); m["XRay.CreateSamplingRule"] != 0 {
		t.Errorf("-y without --sampling-rule record-all created a rule: %v", m)
	}
	sampled := sb.Cluster.AppSampling()["Default"]
	tr := sum.Traces
	if sampled.Requests != 20 || tr == nil || tr.Total != sampled.Sampled {
		t.Fatalf("traces %+v, the app sampled %+v", tr, sampled)
	}
	sp := tr.Sampling
	if sp == nil || len(sp.Rules) != 1 || sp.Rules[0] != (flow.SamplingRule{Name: "Default", Priority: 10000, ReservoirSize: 1, FixedRate: 0.05,
		ServiceName: "*", ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "*"}) || sp.RequestsSent != 20 || sp.Rule != "Default" {
		t.Fatalf("sampling %+v", sp)
	}
	// 1 a second and 5 % of the rest: about 2 in one second, 3 in two.
	if sp.Expected == nil || *sp.Expected < 2 || *sp.Expected > 3 {
		t.Errorf("expected %v", sp.Expected)
	}
	b, _ := json.Marshal(tr)
	for _, want := range []string{`"sampling":{"rules":[{"name":"Default","priority":10000,"reservoirSize":1,"fixedRate":0.05,"serviceName":"*"`,
		`"requestsSent":20,"expected":`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	// The step listed the rule it read.
	found := false
	for _, e := range ev.of(flow.Progress) {
		found = found || e.Step == flow.IDSampling && strings.Contains(e.Message, "sampling rule Default: priority 10000 · 1/s + 5 % · service * · host * · URL *")
	}
	if !found {
		t.Error("no progress line with the Default rule")
	}
}

// The workshop rule is asked for: declined, nothing is made; approved at a
// terminal, it is made, tagged as the wizard's; a re-run changes nothing;
// cleanup deletes it and a second cleanup finds nothing. A rule of its
// name that the wizard did not make is left alone by both.
func TestWorkshopRuleAskedMadeAndCleanedUp(t *testing.T) {
	sb := startSandbox(t)
	ctx := context.Background()
	ask := newEnv(sb, steps.Options{SamplingRule: steps.SamplingAsk})
	var asked []flow.Plan
	sum := runSteps(t, ask, "sampling", no{&asked})
	if sum.Steps[0].Status != flow.Skipped || len(asked) != 1 || mutatingAWS(sb.AWS.Calls())["XRay.CreateSamplingRule"] != 0 {
		t.Fatalf("declined: %+v, asked %d", sum.Steps, len(asked))
	}
	plan := asked[0]
	last := plan.Changes[len(plan.Changes)-1]
	if last.Action != flow.ActCreate || last.Name != steps.WorkshopRuleName || !strings.Contains(plan.Commands[len(plan.Commands)-1], "aws xray create-sampling-rule") ||
		!strings.Contains(plan.Note, "about 2") {
		t.Errorf("plan %+v", plan)
	}
	sum = runSteps(t, ask, "sampling", recordYes{&asked})
	if s := sum.Steps[0]; s.Status != flow.Created || !strings.Contains(s.Detail, "about 20 as traces (100 %)") {
		t.Fatalf("approved: %+v", s)
	}
	xc := xray.NewFromConfig(sb.AWSConfig())
	arn := "arn:aws:xray:us-west-2:123456789012:sampling-rule/" + steps.WorkshopRuleName
	tags, err := xc.ListTagsForResource(ctx, &xray.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil || len(tags.Tags) != 2 {
		t.Fatalf("tags %+v %v", tags, err)
	}
	rules := sb.AWS.SamplingRules("us-west-2")
	if r := rules[0]; r.Name != steps.WorkshopRuleName || r.ServiceName != "Frontend" || r.FixedRate != 1 || r.Priority != 1 || r.Host != "*" {
		t.Errorf("rule %+v", r)
	}
	before := mutatingAWS(sb.AWS.Calls())
	if s := runSteps(t, newEnv(sb, steps.Options{SamplingRule: steps.SamplingRecordAll}), "sampling", nil).Steps[0]; s.Status != flow.Unchanged ||
		!strings.Contains(s.Detail, "already") {
		t.Errorf("re-run: %+v", s)
	}
	if after := mutatingAWS(sb.AWS.Calls()); after["XRay.CreateSamplingRule"] != before["XRay.CreateSamplingRule"] || after["XRay.UpdateSamplingRule"] != 0 {
		t.Errorf("re-run changed X-Ray: %v", after)
	}
	// Someone sets its rate to 10 %: the step puts it back.
	if _, err := xc.UpdateSamplingRule(ctx, &xray.UpdateSamplingRuleInput{SamplingRuleUpdate: &xraytypes.SamplingRuleUpdate{
		RuleName: aws.String(steps.WorkshopRuleName), FixedRate: aws.Float64(0.1)}}); err != nil {
		t.Fatal(err)
	}
	if s := runSteps(t, newEnv(sb, steps.Options{SamplingRule: steps.SamplingRecordAll}), "sampling", nil).Steps[0]; s.Status != flow.Changed ||
		sb.AWS.SamplingRules("us-west-2")[0].FixedRate != 1 {
		t.Errorf("repair: %+v", s)
	}

	clean := []steps.Step{steps.Cleanup{}}
	sum = (&steps.Runner{Env: newEnv(sb, steps.Options{}), Steps: clean}).Run(ctx, &events{})
	if len(sb.AWS.SamplingRules("us-west-2")) != 1 || sum.Failed() {
		t.Fatalf("cleanup left %+v: %+v", sb.AWS.SamplingRules("us-west-2"), sum.Steps)
	}
	sum = (&steps.Runner{Env: newEnv(sb, steps.Options{}), Steps: clean}).Run(ctx, &events{})
	if sum.Steps[0].Status != flow.Unchanged {
		t.Errorf("second cleanup: %+v", sum.Steps)
	}

	// A rule of the wizard's name, not the wizard's.
	r := &xraytypes.SamplingRule{RuleName: aws.String(steps.WorkshopRuleName), Priority: aws.Int32(5), FixedRate: 0.5, ServiceName: aws.String("*"),
		ServiceType: aws.String("*"), Host: aws.String("*"), HTTPMethod: aws.String("*"), URLPath: aws.String("*"), ResourceARN: aws.String("*"), Version: aws.Int32(1)}
	if _, err := xc.CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: r}); err != nil {
		t.Fatal(err)
	}
	if s := runSteps(t, newEnv(sb, steps.Options{SamplingRule: steps.SamplingRecordAll}), "sampling", nil).Steps[0]; s.Status != flow.Done ||
		sb.AWS.SamplingRules("us-west-2")[0].FixedRate != 0.5 {
		t.Errorf("someone else's rule: %+v", s)
	}
	sum = (&steps.Runner{Env: newEnv(sb, steps.Options{}), Steps: clean}).Run(ctx, &events{})
	if len(sb.AWS.SamplingRules("us-west-2")) != 2 {
		t.Errorf("cleanup took someone else's rule: %+v", sum.Steps)
	}
}

// no is a person who declines every plan.
type no struct{ plans *[]flow.Plan }

func (n no) Confirm(_ context.Context, _ flow.StepInfo, p flow.Plan) (flow.Consent, error) {
	*n.plans = append(*n.plans, p)
	return flow.Declined, nil
}
