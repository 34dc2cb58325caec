package steps

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/flow"
)

// How many traces the sampling rules keep of the wizard's traffic, worked
// out as the X-Ray SDKs sample: each request goes to the first rule, by
// priority then name, whose patterns match it (rules that match on
// attributes or on a resource ARN other than * are passed over by an app
// on EKS); a rule records up to its reservoir each second and its fixed
// rate of the rest. With no rule from X-Ray the SDKs fall back to 1 a
// second and 5 %.

// sortRules puts rules in the order the SDKs try them.
func sortRules(rules []xraytypes.SamplingRule) {
	slices.SortStableFunc(rules, func(x, y xraytypes.SamplingRule) int {
		if px, py := aws.ToInt32(x.Priority), aws.ToInt32(y.Priority); px != py {
			return int(px - py)
		}
		return strings.Compare(aws.ToString(x.RuleName), aws.ToString(y.RuleName))
	})
}

// appRequest is a request as a rule sees it.
type appRequest struct{ service, serviceType, host, method, path string }

// AppTraffic is the app step's n requests as the sample app's frontend
// sees them.
func AppTraffic(n int, host string) []appRequest {
	out := make([]appRequest, n)
	for i := range out {
		out[i] = appRequest{service: WorkshopRuleService, serviceType: SampleAppServiceType, host: host, method: "GET",
			path: trafficPaths[i%len(trafficPaths)]}
	}
	return out
}

// skippedBySDK: the SDKs pass over rules on attributes or on a resource.
func skippedBySDK(r xraytypes.SamplingRule) bool {
	return len(r.Attributes) > 0 || aws.ToString(r.ResourceARN) != "*"
}

func ruleMatches(r xraytypes.SamplingRule, q appRequest) bool {
	return !skippedBySDK(r) && wildcardMatch(aws.ToString(r.ServiceName), q.service) &&
		wildcardMatch(aws.ToString(r.ServiceType), q.serviceType) && (q.host == "" || wildcardMatch(aws.ToString(r.Host), q.host)) &&
		wildcardMatch(aws.ToString(r.HTTPMethod), q.method) && wildcardMatch(aws.ToString(r.URLPath), q.path)
}

// wildcardMatch matches text against a pattern of * (any run) and ? (one
// character), ignoring case, as X-Ray's rules do.
func wildcardMatch(pattern, text string) bool {
	p, t := []rune(strings.ToLower(pattern)), []rune(strings.ToLower(text))
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi, ti = pi+1, ti+1
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			mark++
			pi, ti = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// expectation is what the rules keep of some requests: the traces,
// rounded, and the rule that decided most of them (nil: the SDK's local
// fallback).
type expectation struct {
	expected int
	rule     *xraytypes.SamplingRule
}

// expectTraces works out the traces the rules keep of requests sent over
// the given number of whole seconds (at least 1).
func expectTraces(rules []xraytypes.SamplingRule, reqs []appRequest, seconds int) expectation {
	seconds = max(seconds, 1)
	fallback := xraytypes.SamplingRule{ReservoirSize: 1, FixedRate: 0.05}
	per := map[int]int{} // requests by rule index; -1 the fallback
	for _, q := range reqs {
		i := slices.IndexFunc(rules, func(r xraytypes.SamplingRule) bool { return ruleMatches(r, q) })
		per[i]++
	}
	var kept float64
	most, mostN := -1, -1
	for i, n := range per {
		r := fallback
		if i >= 0 {
			r = rules[i]
		}
		res := min(n, int(r.ReservoirSize)*seconds)
		kept += float64(res) + r.FixedRate*float64(n-res)
		if n > mostN || n == mostN && i < most {
			most, mostN = i, n
		}
	}
	e := expectation{expected: int(math.Round(kept))}
	if most >= 0 {
		e.rule = &rules[most]
	}
	return e
}

// SamplingRules are the rules as the faces show them, in the order the
// SDKs try them.
func SamplingRules(rules []xraytypes.SamplingRule) *flow.Sampling {
	s := &flow.Sampling{Rules: []flow.SamplingRule{}}
	for _, r := range rules {
		s.Rules = append(s.Rules, flow.SamplingRule{Name: aws.ToString(r.RuleName), Priority: int(aws.ToInt32(r.Priority)),
			ReservoirSize: int(r.ReservoirSize), FixedRate: r.FixedRate, ServiceName: aws.ToString(r.ServiceName),
			ServiceType: aws.ToString(r.ServiceType), Host: aws.ToString(r.Host), HTTPMethod: aws.ToString(r.HTTPMethod),
			URLPath: aws.ToString(r.URLPath), Wizard: aws.ToString(r.RuleName) == WorkshopRuleName, Skipped: skippedBySDK(r)})
	}
	return s
}

// SamplingFacts are the rules in effect and, when the wizard sent the
// traffic (in.TrafficStart), what they keep of it, for the counts. The
// traffic's seconds run from its start to its end (else to now). A rule
// list X-Ray refuses leaves the facts out: the counts stand without them.
func SamplingFacts(ctx context.Context, env *Env, in Handoff) *flow.Sampling {
	rules, err := readRules(ctx, env)
	if err != nil {
		env.Log.Debug("sampling rules", "err", err.Error())
		return nil
	}
	s := SamplingRules(rules)
	if in.TrafficStart.IsZero() {
		return s
	}
	sent := in.RequestsSent
	if sent == 0 {
		sent = env.Opts.Requests
	}
	end := in.TrafficEnd
	if end.IsZero() {
		end = env.Now()
	}
	e := expectTraces(rules, AppTraffic(sent, hostOf(in.AppURL)), trafficSeconds(in.TrafficStart, end))
	s.RequestsSent, s.Expected = sent, &e.expected
	if e.rule != nil {
		s.Rule = aws.ToString(e.rule.RuleName)
	}
	return s
}

// trafficSeconds is how long traffic took, in whole seconds begun.
func trafficSeconds(start, end time.Time) int { return int(end.Unix()-start.Unix()) + 1 }
