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

// With CloudWatch Transaction Search on, the wizard never shows the
// indexed share as the whole: the counts carry the destination and the
// percentage, the run says so once with the command that raises it, a run
// where nothing was indexed is not a failure, and at 100 % the count is
// every trace again.
func TestTransactionSearchCounts(t *testing.T) {
	ctx := context.Background()
	sb := startSandbox(t)
	xc := xray.NewFromConfig(sb.AWSConfig())
	if _, err := xc.UpdateTraceSegmentDestination(ctx, &xray.UpdateTraceSegmentDestinationInput{Destination: xraytypes.TraceSegmentDestinationCloudWatchLogs}); err != nil {
		t.Fatal(err)
	}
	ev := &events{}
	env := newEnv(sb, steps.Options{Requests: 10})
	sum := (&steps.Runner{Env: env, Steps: steps.All()}).Run(ctx, ev)
	if sum.Failed() {
		t.Fatalf("run: %+v", sum.Steps)
	}
	c := sum.Traces
	if c == nil || c.Destination != "CloudWatchLogs" || c.IndexedPercent != 1 || !c.Partial() {
		t.Fatalf("counts %+v", c)
	}
	told := 0
	for _, w := range ev.of(flow.Warning) {
		if strings.Contains(w.Message, "Transaction Search is on") && strings.Contains(w.Message, "update-indexing-rule") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("said %d times that Transaction Search is on", told)
	}
	last := sum.Steps[len(sum.Steps)-1]
	if c.Total == 0 && !strings.Contains(last.Detail, "no trace was indexed") || c.Total > 0 && !strings.Contains(last.Detail, "the indexed 1 %") {
		t.Errorf("traces detail %q for %d indexed", last.Detail, c.Total)
	}

	// Every trace indexed: a second run counts them all, as X-Ray has them.
	if _, err := xc.UpdateIndexingRule(ctx, &xray.UpdateIndexingRuleInput{Name: aws.String("Default"),
		Rule: &xraytypes.IndexingRuleValueUpdateMemberProbabilistic{Value: xraytypes.ProbabilisticRuleValueUpdate{DesiredSamplingPercentage: aws.Float64(100)}}}); err != nil {
		t.Fatal(err)
	}
	sum = (&steps.Runner{Env: newEnv(sb, steps.Options{Requests: 10}), Steps: mustSelect(t, "app,traces")}).Run(ctx, &events{})
	if c := sum.Traces; sum.Failed() || c == nil || c.Partial() || c.IndexedPercent != 100 || c.Total == 0 {
		t.Errorf("at 100 %%: %+v %+v", sum.Steps, sum.Traces)
	}
}
