package sandbox

import (
	"context"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// recordAll creates the workshop's sampling rule through the real client:
// every request of the frontend at rate 1.0, so the tests that follow the
// segments' path count one trace per request, by the rule.
func (l *lab) recordAll() {
	l.t.Helper()
	if _, err := xray.NewFromConfig(l.cfg).CreateSamplingRule(context.Background(), &xray.CreateSamplingRuleInput{
		SamplingRule: recordAllRule("workshop-record-all", "Frontend", 1)}); err != nil {
		l.t.Fatalf("CreateSamplingRule: %v", err)
	}
}

func recordAllRule(name, service string, priority int32) *xraytypes.SamplingRule {
	return &xraytypes.SamplingRule{RuleName: aws.String(name), Priority: aws.Int32(priority), FixedRate: 1, ReservoirSize: 0,
		ServiceName: aws.String(service), ServiceType: aws.String("*"), Host: aws.String("*"), HTTPMethod: aws.String("*"),
		URLPath: aws.String("*"), ResourceARN: aws.String("*"), Version: aws.Int32(1)}
}

// fixedRateHits is how many of the first n draws of the sampler's seeded
// generator fall under rate: the requests past the reservoir it records.
func fixedRateHits(seed uint64, n int, rate float64) int {
	rng, hits := mrand.New(mrand.NewPCG(seed, 17)), 0
	for range n {
		if rng.Float64() < rate {
			hits++
		}
	}
	return hits
}

// TestSamplerDefaultRule: within one second the Default rule records the
// first request (its reservoir) and, of the rest, those the seeded draws
// put under 5 %; in the next second the reservoir is full again.
func TestSamplerDefaultRule(t *testing.T) {
	aws := NewAWS(AWSOptions{})
	rules := func() []SamplingRuleState { return aws.SamplingRules("us-west-2") }
	s := newAppSampler(rules, nil, 5)
	now := time.Unix(1_800_000_000, 0)
	s.now = func() time.Time { return now }
	req := sampleRequest{service: "Frontend", serviceType: "AWS::EKS::Container", host: "lb", method: "GET", path: "/"}
	got := 0
	for range 200 {
		if s.sample(req) {
			got++
		}
	}
	if want := 1 + fixedRateHits(5, 199, 0.05); got != want {
		t.Errorf("200 requests in one second: %d sampled, want %d", got, want)
	}
	now = now.Add(time.Second)
	if !s.sample(req) {
		t.Error("the first request of the next second was not recorded (the reservoir)")
	}
	if tl := s.tally["Default"]; tl.Requests != 201 || tl.Sampled != got+1 {
		t.Errorf("tally %+v", tl)
	}
}

// TestSamplerRuleMatching: the first rule by priority whose patterns all
// match takes the request; one that matches on attributes, or on a
// resource ARN, is left out as the SDK does.
func TestSamplerRuleMatching(t *testing.T) {
	rules := []SamplingRuleState{
		{Name: "attrs", Priority: 1, ResourceARN: "*", ServiceName: "*", ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "*", Attributes: map[string]string{"a": "b"}, FixedRate: 1},
		{Name: "arn", Priority: 2, ResourceARN: "arn:aws:ecs:*", ServiceName: "*", ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "*", FixedRate: 1},
		{Name: "posts", Priority: 3, ResourceARN: "*", ServiceName: "front*", ServiceType: "*", Host: "*", HTTPMethod: "POST", URLPath: "/products", FixedRate: 1},
		{Name: "none", Priority: 4, ResourceARN: "*", ServiceName: "Frontend", ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "/products/?", FixedRate: 0},
		{Name: "Default", Priority: 10000, ResourceARN: "*", ServiceName: "*", ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "*", FixedRate: 0.05, Reservoir: 1},
	}
	s := newAppSampler(func() []SamplingRuleState { return rules }, nil, 1)
	for _, c := range []struct {
		method, path string
		rule         string
		sampled      bool
	}{{"POST", "/products", "posts", true}, {"GET", "/products/1", "none", false}, {"GET", "/products/12", "Default", true}} {
		before := s.tally[c.rule]
		n := 0
		if before != nil {
			n = before.Requests
		}
		if got := s.sample(sampleRequest{service: "Frontend", serviceType: "AWS::EKS::Container", host: "x", method: c.method, path: c.path}); got != c.sampled {
			t.Errorf("%s %s: sampled %v", c.method, c.path, got)
		}
		if s.tally[c.rule] == nil || s.tally[c.rule].Requests != n+1 {
			t.Errorf("%s %s: not decided by %s: %v", c.method, c.path, c.rule, s.tally)
		}
	}
	for _, w := range []struct {
		p, s string
		ok   bool
	}{{"*", "", true}, {"a*c", "abbbc", true}, {"a?c", "abc", true}, {"a?c", "ac", false}, {"*.elb.*", "x.elb.amazonaws.com", true}, {"FRONT*", "frontend", true}} {
		if wildcard(w.p, w.s) != w.ok {
			t.Errorf("wildcard(%q, %q) = %v", w.p, w.s, !w.ok)
		}
	}
}

// TestAppSamplesByDefaultRule: the lab done right but without a workshop
// rule: the app's SDK samples by the account's Default rule, so of 20
// quick requests only the first of each second and 5 % of the rest become
// traces — each of them in X-Ray, and no other.
func TestAppSamplesByDefaultRule(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{Seed: 4})
	l.serviceAccount(l.irsa("default", "xray-daemon"))
	l.deployDaemon("us-west-2")
	start := time.Now()
	l.traffic(20)
	seconds := int(time.Now().Unix()-start.Unix()) + 1
	l.settle()
	tally := l.c.AppSampling()["Default"]
	if tally.Requests != 20 {
		t.Fatalf("the Default rule decided %d requests, want 20: %v", tally.Requests, l.c.AppSampling())
	}
	// The reservoir gives one a second it ran; the fixed rate the draws
	// under 5 % of the rest, which the seed fixes.
	lo, hi := 1+fixedRateHits(4, 20-seconds, 0.05), seconds+fixedRateHits(4, 19, 0.05)
	if tally.Sampled < lo || tally.Sampled > hi {
		t.Errorf("%d of 20 sampled in %d s, want %d–%d", tally.Sampled, seconds, lo, hi)
	}
	if got := len(l.summaries()); got != tally.Sampled {
		t.Errorf("X-Ray has %d traces, the app sampled %d", got, tally.Sampled)
	}
	t.Logf("20 requests in %d s: %d traces", seconds, tally.Sampled)
}
