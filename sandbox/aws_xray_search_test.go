package sandbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/smithy-go"
)

// Transaction Search as X-Ray shows it: the destination and its status,
// the Default indexing rule (1 %), and after the switch only the indexed
// share of new traces — the same traces every time, chosen by their ids —
// in GetTraceSummaries and BatchGetTraces, while older traces stay.
func TestAWSXRayTransactionSearch(t *testing.T) {
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	clock := now
	_, cfg := awsTStart(t, AWSOptions{Now: func() time.Time { return clock }})
	xc := xray.NewFromConfig(cfg)

	d, err := xc.GetTraceSegmentDestination(ctx, &xray.GetTraceSegmentDestinationInput{})
	if err != nil || d.Destination != xraytypes.TraceSegmentDestinationXRay || d.Status != xraytypes.TraceSegmentDestinationStatusActive {
		t.Fatalf("before: %+v %v", d, err)
	}
	before := make([]awsTReq, 0, 100)
	for i := range 100 {
		before = append(before, awsTNewReq(now.Add(-time.Duration(200-i)*time.Second), 200, 100*time.Millisecond))
	}
	awsTSend(t, xc, before)

	clock = now.Add(-90 * time.Second)
	u, err := xc.UpdateTraceSegmentDestination(ctx, &xray.UpdateTraceSegmentDestinationInput{Destination: xraytypes.TraceSegmentDestinationCloudWatchLogs})
	if err != nil || u.Destination != xraytypes.TraceSegmentDestinationCloudWatchLogs || u.Status != xraytypes.TraceSegmentDestinationStatusPending {
		t.Fatalf("switch: %+v %v", u, err)
	}
	clock = now
	if d, _ := xc.GetTraceSegmentDestination(ctx, &xray.GetTraceSegmentDestinationInput{}); d.Status != xraytypes.TraceSegmentDestinationStatusActive {
		t.Errorf("status after a while: %s", d.Status)
	}
	rules, err := xc.GetIndexingRules(ctx, &xray.GetIndexingRulesInput{})
	if err != nil || len(rules.IndexingRules) != 1 || aws.ToString(rules.IndexingRules[0].Name) != "Default" {
		t.Fatalf("indexing rules: %+v %v", rules, err)
	}
	if p, ok := rules.IndexingRules[0].Rule.(*xraytypes.IndexingRuleValueMemberProbabilistic); !ok || aws.ToFloat64(p.Value.DesiredSamplingPercentage) != 1 {
		t.Fatalf("default rule: %#v", rules.IndexingRules[0].Rule)
	}

	// 2,000 traces after the switch, 1 % indexed: exactly those whose ids
	// fall in the share.
	var after []awsTReq
	want := 0
	for i := range 2000 {
		r := awsTNewReq(now.Add(-80*time.Second).Add(time.Duration(i)*30*time.Millisecond), 200, 50*time.Millisecond)
		after = append(after, r)
		if indexedShare(r.id, 1) {
			want++
		}
	}
	awsTSend(t, xc, after)
	window := &xray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-5 * time.Minute)), EndTime: aws.Time(now.Add(time.Minute)), TimeRangeType: xraytypes.TimeRangeTypeTraceId}
	sums, _, processed := awsTSummaries(t, xc, window)
	if len(sums) != 100+want || processed != int64(100+want) {
		t.Fatalf("summaries %d (processed %d), want the 100 from before and %d indexed", len(sums), processed, want)
	}
	if want < 5 || want > 40 {
		t.Errorf("%d of 2000 indexed at 1 %%", want)
	}
	var hidden, shown string
	for _, r := range after {
		if indexedShare(r.id, 1) {
			shown = r.id
		} else {
			hidden = r.id
		}
	}
	got, err := xc.BatchGetTraces(ctx, &xray.BatchGetTracesInput{TraceIds: []string{hidden, shown, before[0].id}})
	if err != nil || len(got.Traces) != 2 || len(got.UnprocessedTraceIds) != 1 || got.UnprocessedTraceIds[0] != hidden {
		t.Fatalf("BatchGetTraces: %+v %v", got, err)
	}

	// Index everything: all of them.
	up, err := xc.UpdateIndexingRule(ctx, &xray.UpdateIndexingRuleInput{Name: aws.String("Default"),
		Rule: &xraytypes.IndexingRuleValueUpdateMemberProbabilistic{Value: xraytypes.ProbabilisticRuleValueUpdate{DesiredSamplingPercentage: aws.Float64(100)}}})
	if err != nil || up.IndexingRule == nil {
		t.Fatalf("update: %+v %v", up, err)
	}
	if sums, _, _ := awsTSummaries(t, xc, window); len(sums) != 2100 {
		t.Errorf("at 100 %%: %d summaries", len(sums))
	}
	for _, c := range []struct {
		in   *xray.UpdateIndexingRuleInput
		code string
	}{
		{&xray.UpdateIndexingRuleInput{Name: aws.String("Other"), Rule: &xraytypes.IndexingRuleValueUpdateMemberProbabilistic{Value: xraytypes.ProbabilisticRuleValueUpdate{DesiredSamplingPercentage: aws.Float64(5)}}}, "ResourceNotFoundException"},
		{&xray.UpdateIndexingRuleInput{Name: aws.String("Default"), Rule: &xraytypes.IndexingRuleValueUpdateMemberProbabilistic{Value: xraytypes.ProbabilisticRuleValueUpdate{DesiredSamplingPercentage: aws.Float64(101)}}}, "InvalidRequestException"},
	} {
		_, err := xc.UpdateIndexingRule(ctx, c.in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != c.code {
			t.Errorf("%s: %v, want %s", aws.ToString(c.in.Name), err, c.code)
		}
	}
	if _, err := xc.UpdateTraceSegmentDestination(ctx, &xray.UpdateTraceSegmentDestinationInput{Destination: "S3"}); err == nil {
		t.Error("destination S3 accepted")
	}
}
