package sandbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// What SDKs report with GetSamplingTargets comes back from
// GetSamplingStatisticSummaries through the real client: added up per rule
// and 10-second window, the oldest window first, an hour kept; a rule
// X-Ray does not have is left unprocessed and not counted.
func TestAWSXRaySamplingStatistics(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 25, 0, time.UTC)
	a, cfg := awsTStart(t, AWSOptions{Now: func() time.Time { return now }})
	xc, ctx := xray.NewFromConfig(cfg), context.Background()
	if _, err := xc.CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: recordAllRule("xray-wizard-workshop", "Frontend", 1)}); err != nil {
		t.Fatal(err)
	}
	out, err := xc.GetSamplingStatisticSummaries(ctx, &xray.GetSamplingStatisticSummariesInput{})
	if err != nil || len(out.SamplingStatisticSummaries) != 0 {
		t.Fatalf("before any report: %+v %v", out, err)
	}
	doc := func(rule, client string, at time.Time, req, sampled, borrowed int32) xraytypes.SamplingStatisticsDocument {
		return xraytypes.SamplingStatisticsDocument{RuleName: aws.String(rule), ClientID: aws.String(client), Timestamp: aws.Time(at),
			RequestCount: req, SampledCount: sampled, BorrowCount: borrowed}
	}
	c1, c2 := "aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb"
	tg, err := xc.GetSamplingTargets(ctx, &xray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []xraytypes.SamplingStatisticsDocument{
		doc("Default", c1, now.Add(-3*time.Second), 40, 3, 1),
		doc("Default", c2, now.Add(-1*time.Second), 10, 1, 0),
		doc("xray-wizard-workshop", c1, now.Add(-12*time.Second), 7, 7, 0),
		doc("nobody", c1, now, 5, 0, 0),
	}})
	if err != nil || len(tg.UnprocessedStatistics) != 1 || aws.ToString(tg.UnprocessedStatistics[0].RuleName) != "nobody" {
		t.Fatalf("GetSamplingTargets: %+v %v", tg, err)
	}
	// An hour and more ago: forgotten.
	a.ReportSampling("us-west-2", "Default", now.Add(-61*time.Minute), true)
	out, err = xc.GetSamplingStatisticSummaries(ctx, &xray.GetSamplingStatisticSummariesInput{})
	if err != nil || len(out.SamplingStatisticSummaries) != 2 {
		t.Fatalf("summaries: %+v %v", out, err)
	}
	w := out.SamplingStatisticSummaries[0]
	if aws.ToString(w.RuleName) != "xray-wizard-workshop" || !aws.ToTime(w.Timestamp).Equal(time.Date(2026, 11, 24, 10, 0, 10, 0, time.UTC)) ||
		w.RequestCount != 7 || w.SampledCount != 7 || w.BorrowCount != 0 {
		t.Errorf("first window %+v at %v", w, aws.ToTime(w.Timestamp))
	}
	w = out.SamplingStatisticSummaries[1]
	if aws.ToString(w.RuleName) != "Default" || !aws.ToTime(w.Timestamp).Equal(time.Date(2026, 11, 24, 10, 0, 20, 0, time.UTC)) ||
		w.RequestCount != 50 || w.SampledCount != 4 || w.BorrowCount != 1 {
		t.Errorf("second window %+v at %v", w, aws.ToTime(w.Timestamp))
	}
	var invalid *xraytypes.InvalidRequestException
	if _, err := xc.GetSamplingStatisticSummaries(ctx, &xray.GetSamplingStatisticSummariesInput{NextToken: aws.String("x")}); !errors.As(err, &invalid) {
		t.Errorf("a NextToken X-Ray did not give: %v", err)
	}
	// Kept with the world, and given back by a restored one.
	st := a.State()
	if got := st.XRay["us-west-2"].SamplingStats; len(got) != 2 || got[1].Requests != 50 {
		t.Fatalf("kept %+v", got)
	}
	b := NewAWS(AWSOptions{Now: func() time.Time { return now.Add(time.Minute) }})
	if err := b.Restore(st); err != nil {
		t.Fatal(err)
	}
	if got := b.State().XRay["us-west-2"].SamplingStats; len(got) != 2 || got[0].Sampled != 7 {
		t.Errorf("restored %+v", got)
	}
}

// The sample app reports what its SDK decided, under the rule it came
// from: X-Ray's statistics say what the app's tally says.
func TestAppReportsItsSampling(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{Seed: 4})
	l.serviceAccount(l.irsa("default", "xray-daemon"))
	l.deployDaemon("us-west-2")
	l.traffic(20)
	l.settle()
	tally := l.c.AppSampling()["Default"]
	out, err := xray.NewFromConfig(l.cfg).GetSamplingStatisticSummaries(context.Background(), &xray.GetSamplingStatisticSummariesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var req, sampled int32
	for _, s := range out.SamplingStatisticSummaries {
		if aws.ToString(s.RuleName) != "Default" {
			t.Errorf("a window of rule %s", aws.ToString(s.RuleName))
		}
		req, sampled = req+s.RequestCount, sampled+s.SampledCount
	}
	if req != 20 || int(sampled) != tally.Sampled {
		t.Errorf("X-Ray's statistics: %d requests, %d sampled; the app: %+v", req, sampled, tally)
	}
}
