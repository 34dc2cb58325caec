package practice

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The lab's stuck points 9 ("nothing in the console") and 10 (Cloud9's
// managed credentials), as failure modes of the practice world.

// otherRegion is the region a person writes into the daemon's config by
// mistake: Tokyo, for a workshop in Japan on a cluster elsewhere.
func otherRegion(cluster string) string {
	if cluster == "ap-northeast-1" {
		return "us-east-1"
	}
	return "ap-northeast-1"
}

// daemonOtherRegion: the daemon's config names another region than the
// cluster's (kubectl edit of the ConfigMap), the daemon was restarted and
// the app's traffic since went there: the daemon's log says "Successfully
// sent batch", and X-Ray in the cluster's region, where the console and
// the wizard look, has none of it.
func (b *breaker) daemonOtherRegion(ctx context.Context) error {
	other := otherRegion(b.env.Region())
	if err := b.editConfig(ctx, func(cfg map[string]any) { cfg["Region"] = other }); err != nil {
		return err
	}
	if err := b.restartDaemon(ctx); err != nil {
		return err
	}
	// The learner opens the app and clicks around: the wizard's app step
	// sends it the requests.
	start := time.Now()
	rn := &steps.Runner{Env: b.env, Steps: []steps.Step{steps.App{}}, Sandbox: true, Confirm: flow.Always{}}
	sum := rn.Run(ctx, flow.ReporterFunc(func(flow.Event) {}))
	for _, s := range sum.Steps {
		if s.Status == flow.Failed {
			return fmt.Errorf("sending the app requests: %s", s.Detail)
		}
	}
	return waitTracesIn(ctx, b.env, other, start)
}

// waitTracesIn waits until X-Ray in region holds a trace begun since
// start: the daemon has uploaded the traffic there.
func waitTracesIn(ctx context.Context, env *steps.Env, region string, start time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	in := func(o *xray.Options) { o.Region = region }
	for {
		out, err := env.XRay.GetTraceSummaries(ctx, &xray.GetTraceSummariesInput{
			StartTime: aws.Time(start.Add(-time.Second)), EndTime: aws.Time(time.Now())}, in)
		if err == nil && len(out.TraceSummaries) > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = ctx.Err()
			}
			return fmt.Errorf("the app's traces did not reach X-Ray in %s: %w", region, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// cloud9Credentials: the terminal's Cloud9 environment with its AWS
// managed temporary credentials on — Cloud9's default for a new
// environment, or turned back on in Preferences → AWS Settings: STS
// answers, IAM refuses every call (InvalidClientTokenId).
func (b *breaker) cloud9Credentials(ctx context.Context) error {
	c9 := b.env.Cloud9
	if c9 == nil || c9.SetManaged == nil {
		return fmt.Errorf("the practice world's terminal is no Cloud9 environment to set")
	}
	return c9.SetManaged(ctx, true)
}

// healCloud9 turns the managed temporary credentials off, as the lab has
// them, before the setup runs: with them on, its IAM calls would fail.
func (b *breaker) healCloud9(ctx context.Context) error {
	if c9 := b.env.Cloud9; c9 != nil && c9.SetManaged != nil {
		return c9.SetManaged(ctx, false)
	}
	return nil
}
