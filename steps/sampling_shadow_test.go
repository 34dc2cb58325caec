package steps_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// A rule someone made that the SDKs try before the workshop rule (the
// same priority, a name that sorts first) and that takes the sample app's
// requests: the plan moves it after the workshop rule, with the AWS CLI's
// command and a note that it changes only at a person's word; a rule
// after the workshop rule is left alone.
func TestSamplingPlanMovesARuleThatHidesTheWorkshopRule(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{SamplingRule: steps.SamplingRecordAll})
	ctx := context.Background()
	for _, r := range []struct {
		name     string
		priority int32
	}{{"cost-saving", 1}, {"zz-later", 1}, {"audit", 7}} {
		if _, err := env.XRay.CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: &xraytypes.SamplingRule{
			RuleName: aws.String(r.name), Priority: aws.Int32(r.priority), ServiceName: aws.String("*"), ServiceType: aws.String("*"),
			Host: aws.String("*"), HTTPMethod: aws.String("*"), URLPath: aws.String("*"), ResourceARN: aws.String("*"), Version: aws.Int32(1)}}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := steps.Sampling{}.Plan(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	var moved []string
	for _, c := range p.Changes {
		if c.Action == flow.ActUpdate {
			moved = append(moved, c.Name+": "+c.Detail)
		}
	}
	if len(moved) != 1 || !strings.HasPrefix(moved[0], "cost-saving: priority 1 → 2: after xray-wizard-workshop") {
		t.Errorf("moves %q", moved)
	}
	cmds := strings.Join(p.Commands, "\n")
	if !strings.Contains(cmds, `aws xray update-sampling-rule --region us-west-2 --sampling-rule-update '{"RuleName":"cost-saving","Priority":2}'`) {
		t.Errorf("commands:\n%s", cmds)
	}
	if !strings.Contains(p.Note, "cost-saving, which the wizard did not make") || !strings.Contains(p.Note, "only after you confirm here") {
		t.Errorf("note %q", p.Note)
	}
	// Left alone: the rules are not touched, whatever hides what.
	env.Opts.SamplingRule = steps.SamplingLeave
	p, _ = steps.Sampling{}.Plan(ctx, env)
	for _, c := range p.Changes {
		if c.Action != flow.ActNone {
			t.Errorf("leave plans %+v", c)
		}
	}
}
