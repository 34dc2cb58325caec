package practice

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// costRule is the sampling rule the sampling-off mode makes: someone's
// cost saving in the console, every request of every service at the
// highest priority, none recorded. Its name sorts before the workshop
// rule's, so at the same priority the SDKs try it first.
const costRule = "cost-saving"

// samplingOff: a rule that records nothing before every other, as made in
// the console (reservoir 0, fixed rate 0, every service); then the app
// gets its usual traffic, so the SDKs' statistics show what the rule did.
func (b *breaker) samplingOff(ctx context.Context) error {
	_, err := b.env.XRay.CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: &xraytypes.SamplingRule{
		RuleName: aws.String(costRule), Priority: aws.Int32(steps.WorkshopRulePriority), ReservoirSize: 0, FixedRate: 0,
		ServiceName: aws.String("*"), ServiceType: aws.String("*"), Host: aws.String("*"), HTTPMethod: aws.String("*"),
		URLPath: aws.String("*"), ResourceARN: aws.String("*"), Version: aws.Int32(1)}})
	if err != nil {
		return err
	}
	rn := &steps.Runner{Env: b.env, Steps: []steps.Step{steps.App{}}, Sandbox: true, Confirm: flow.Always{}}
	sum := rn.Run(ctx, flow.ReporterFunc(func(flow.Event) {}))
	for _, s := range sum.Steps {
		if s.Status == flow.Failed {
			return fmt.Errorf("sending the app traffic: %s", s.Detail)
		}
	}
	return nil
}

// healSampling takes the sampling-off mode's rule away, wherever a fix
// moved it.
func (b *breaker) healSampling(ctx context.Context) error {
	_, err := b.env.XRay.DeleteSamplingRule(ctx, &xray.DeleteSamplingRuleInput{RuleName: aws.String(costRule)})
	var invalid *xraytypes.InvalidRequestException
	if err != nil && !errors.As(err, &invalid) {
		return err
	}
	return nil
}
