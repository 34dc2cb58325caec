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

// The sampling rule calls through the real client: the Default rule every
// account has, a rule created with tags, its update and deletion, and
// X-Ray's errors (a name taken, the Default rule's priority, a rule that
// is not there), each deserialized into the SDK's own error types.
func TestAWSXRaySamplingRules(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	a, cfg := awsTStart(t, AWSOptions{Now: func() time.Time { return now }})
	xc, ctx := xray.NewFromConfig(cfg), context.Background()

	rules, err := xc.GetSamplingRules(ctx, &xray.GetSamplingRulesInput{})
	if err != nil || len(rules.SamplingRuleRecords) != 1 {
		t.Fatalf("GetSamplingRules: %+v %v", rules, err)
	}
	d := rules.SamplingRuleRecords[0]
	if r := d.SamplingRule; aws.ToString(r.RuleName) != "Default" || aws.ToInt32(r.Priority) != 10000 || r.ReservoirSize != 1 || r.FixedRate != 0.05 ||
		aws.ToString(r.RuleARN) != "arn:aws:xray:us-west-2:123456789012:sampling-rule/Default" || aws.ToString(r.ServiceName) != "*" ||
		aws.ToString(r.URLPath) != "*" || aws.ToInt32(r.Version) != 1 || !d.CreatedAt.Equal(time.Unix(0, 0)) {
		t.Errorf("the Default rule %+v created %v", *r, d.CreatedAt)
	}

	out, err := xc.CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: recordAllRule("xray-wizard-workshop", "Frontend", 1),
		Tags: []xraytypes.Tag{{Key: aws.String("app.kubernetes.io/managed-by"), Value: aws.String("xray-wizard")}}})
	if err != nil {
		t.Fatalf("CreateSamplingRule: %v", err)
	}
	arn := aws.ToString(out.SamplingRuleRecord.SamplingRule.RuleARN)
	if arn != "arn:aws:xray:us-west-2:123456789012:sampling-rule/xray-wizard-workshop" || !out.SamplingRuleRecord.CreatedAt.Equal(now) {
		t.Errorf("created %s at %v", arn, out.SamplingRuleRecord.CreatedAt)
	}
	tags, err := xc.ListTagsForResource(ctx, &xray.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "xray-wizard" {
		t.Errorf("tags %+v %v", tags, err)
	}
	rules, _ = xc.GetSamplingRules(ctx, &xray.GetSamplingRulesInput{})
	if len(rules.SamplingRuleRecords) != 2 || aws.ToString(rules.SamplingRuleRecords[0].SamplingRule.RuleName) != "xray-wizard-workshop" {
		t.Errorf("rules after create: %d, first %s", len(rules.SamplingRuleRecords), aws.ToString(rules.SamplingRuleRecords[0].SamplingRule.RuleName))
	}

	var invalid *xraytypes.InvalidRequestException
	_, err = xc.CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: recordAllRule("xray-wizard-workshop", "Frontend", 1)})
	if !errors.As(err, &invalid) {
		t.Errorf("a name taken: %v", err)
	}
	bad := recordAllRule("bad", "Frontend", 1)
	bad.FixedRate = 1.5
	if _, err = xc.CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: bad}); !errors.As(err, &invalid) {
		t.Errorf("rate 1.5: %v", err)
	}
	bad = recordAllRule("bad", "Frontend", 10000)
	if _, err = xc.CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: bad}); !errors.As(err, &invalid) {
		t.Errorf("priority 10000: %v", err)
	}
	if _, err = xc.UpdateSamplingRule(ctx, &xray.UpdateSamplingRuleInput{SamplingRuleUpdate: &xraytypes.SamplingRuleUpdate{
		RuleName: aws.String("Default"), Priority: aws.Int32(5)}}); !errors.As(err, &invalid) {
		t.Errorf("the Default rule's priority: %v", err)
	}
	now = now.Add(time.Minute)
	up, err := xc.UpdateSamplingRule(ctx, &xray.UpdateSamplingRuleInput{SamplingRuleUpdate: &xraytypes.SamplingRuleUpdate{
		RuleARN: aws.String(arn), FixedRate: aws.Float64(0.5)}})
	if err != nil || up.SamplingRuleRecord.SamplingRule.FixedRate != 0.5 || !up.SamplingRuleRecord.ModifiedAt.Equal(now) {
		t.Errorf("update: %+v %v", up, err)
	}
	if _, err = xc.UpdateSamplingRule(ctx, &xray.UpdateSamplingRuleInput{SamplingRuleUpdate: &xraytypes.SamplingRuleUpdate{
		RuleName: aws.String("Default"), FixedRate: aws.Float64(0.1)}}); err != nil {
		t.Errorf("the Default rule's rate: %v", err)
	}

	// The targets: the whole reservoir to one client; shared by two.
	stat := func(rule, client string) xraytypes.SamplingStatisticsDocument {
		return xraytypes.SamplingStatisticsDocument{RuleName: aws.String(rule), ClientID: aws.String(client), RequestCount: 10,
			SampledCount: 2, Timestamp: aws.Time(now)}
	}
	tg, err := xc.GetSamplingTargets(ctx, &xray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []xraytypes.SamplingStatisticsDocument{
		stat("Default", "aaaaaaaaaaaaaaaaaaaaaaaa"), stat("nope", "aaaaaaaaaaaaaaaaaaaaaaaa")}})
	if err != nil || len(tg.SamplingTargetDocuments) != 1 || len(tg.UnprocessedStatistics) != 1 {
		t.Fatalf("targets: %+v %v", tg, err)
	}
	td := tg.SamplingTargetDocuments[0]
	if aws.ToInt32(td.ReservoirQuota) != 1 || td.FixedRate != 0.1 || aws.ToInt32(td.Interval) != 10 || !td.ReservoirQuotaTTL.Equal(now.Add(10*time.Second)) ||
		!tg.LastRuleModification.Equal(now) {
		t.Errorf("target %+v, last modification %v", td, tg.LastRuleModification)
	}
	if _, err := xc.UpdateSamplingRule(ctx, &xray.UpdateSamplingRuleInput{SamplingRuleUpdate: &xraytypes.SamplingRuleUpdate{
		RuleName: aws.String("Default"), ReservoirSize: aws.Int32(3)}}); err != nil {
		t.Fatal(err)
	}
	tg, _ = xc.GetSamplingTargets(ctx, &xray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []xraytypes.SamplingStatisticsDocument{stat("Default", "bbbbbbbbbbbbbbbbbbbbbbbb")}})
	if q := aws.ToInt32(tg.SamplingTargetDocuments[0].ReservoirQuota); q != 1 {
		t.Errorf("the second of two clients gets %d of 3, want 1", q)
	}

	// Kept with the world.
	st := a.State()
	b := NewAWS(AWSOptions{})
	if err := b.Restore(st); err != nil {
		t.Fatal(err)
	}
	if got := b.SamplingRules("us-west-2"); len(got) != 2 || got[0].Name != "xray-wizard-workshop" || got[0].FixedRate != 0.5 || got[1].Reservoir != 3 {
		t.Errorf("restored rules %+v", got)
	}

	del, err := xc.DeleteSamplingRule(ctx, &xray.DeleteSamplingRuleInput{RuleName: aws.String("xray-wizard-workshop")})
	if err != nil || aws.ToString(del.SamplingRuleRecord.SamplingRule.RuleName) != "xray-wizard-workshop" {
		t.Errorf("delete: %+v %v", del, err)
	}
	if _, err = xc.DeleteSamplingRule(ctx, &xray.DeleteSamplingRuleInput{RuleName: aws.String("xray-wizard-workshop")}); !errors.As(err, &invalid) {
		t.Errorf("deleting again: %v", err)
	}
	if _, err = xc.DeleteSamplingRule(ctx, &xray.DeleteSamplingRuleInput{RuleName: aws.String("Default")}); !errors.As(err, &invalid) {
		t.Errorf("deleting Default: %v", err)
	}
	var notFound *xraytypes.ResourceNotFoundException
	if _, err = xc.ListTagsForResource(ctx, &xray.ListTagsForResourceInput{ResourceARN: aws.String(arn)}); !errors.As(err, &notFound) {
		t.Errorf("tags of a deleted rule: %v", err)
	}
}
