package steps

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// What the doctor and the sampling step read of the sampling rules for the
// sample app: which rule decides each of its requests, which rules record
// nothing, and which rules of someone else's come before the workshop
// rule and keep it from recording the app.

// ReadSamplingRules are the region's sampling rules in the order the SDKs
// try them; the SDK's error as it is (the caller says what it means).
func ReadSamplingRules(ctx context.Context, env *Env) ([]xraytypes.SamplingRule, error) {
	return getRules(ctx, env)
}

// RecordsNothing reports whether a rule keeps no request: no reservoir and
// a fixed rate of 0.
func RecordsNothing(r xraytypes.SamplingRule) bool { return r.ReservoirSize == 0 && r.FixedRate == 0 }

// AppRequest is one kind of request the sample app's frontend takes, and
// the rule that decides it (nil: none of X-Ray's, the SDK's local
// fallback).
type AppRequest struct {
	Path string
	Rule *xraytypes.SamplingRule
}

// AppRules are the rules that decide the sample app's requests, one per
// page the app step asks for (rules in the SDKs' order; host "" matches
// any host).
func AppRules(rules []xraytypes.SamplingRule, host string) []AppRequest {
	var out []AppRequest
	for _, q := range AppTraffic(len(trafficPaths), host) {
		if slices.ContainsFunc(out, func(a AppRequest) bool { return a.Path == q.path }) {
			continue
		}
		a := AppRequest{Path: q.path}
		if i := slices.IndexFunc(rules, func(r xraytypes.SamplingRule) bool { return ruleMatches(r, q) }); i >= 0 {
			a.Rule = &rules[i]
		}
		out = append(out, a)
	}
	return out
}

// AppHost is the host of the sample app's load balancer, "" while it has
// none.
func AppHost(ctx context.Context, env *Env) string { return appHost(ctx, env) }

// shadowing are the rules of someone else's that the SDKs try before the
// workshop rule (its priority is the least there is, so theirs is the same
// and their name comes first) and that decide some of the sample app's
// requests: with them the workshop rule cannot record every request of the
// app. The fix moves them after it (priority WorkshopRulePriority+1),
// which changes nothing for any other service.
func shadowing(rules []xraytypes.SamplingRule, host string) []xraytypes.SamplingRule {
	var out []xraytypes.SamplingRule
	for _, r := range rules {
		name := aws.ToString(r.RuleName)
		if name == WorkshopRuleName || aws.ToInt32(r.Priority) > WorkshopRulePriority || name > WorkshopRuleName {
			continue
		}
		for _, q := range AppTraffic(len(trafficPaths), host) {
			if ruleMatches(r, q) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// SamplingStat is what the SDKs reported of one rule, over the windows
// X-Ray returns.
type SamplingStat struct {
	Rule              string
	Requests, Sampled int
	Borrowed          int
}

// SamplingStatistics are the SDKs' recent sampling statistics by rule, in
// the order of rules (rules the SDKs reported that are not in it follow,
// by name), from GetSamplingStatisticSummaries; the SDK's error as it is.
func SamplingStatistics(ctx context.Context, env *Env, rules []xraytypes.SamplingRule) ([]SamplingStat, error) {
	by := map[string]*SamplingStat{}
	p := xray.NewGetSamplingStatisticSummariesPaginator(env.XRay, &xray.GetSamplingStatisticSummariesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range page.SamplingStatisticSummaries {
			name := aws.ToString(s.RuleName)
			st := by[name]
			if st == nil {
				st = &SamplingStat{Rule: name}
				by[name] = st
			}
			st.Requests += int(s.RequestCount)
			st.Sampled += int(s.SampledCount)
			st.Borrowed += int(s.BorrowCount)
		}
	}
	var out []SamplingStat
	for _, r := range rules {
		if st := by[aws.ToString(r.RuleName)]; st != nil {
			out = append(out, *st)
			delete(by, st.Rule)
		}
	}
	var rest []string
	for name := range by {
		rest = append(rest, name)
	}
	slices.Sort(rest)
	for _, name := range rest {
		out = append(out, *by[name])
	}
	return out, nil
}

// NoSamplingAPI reports whether err says the X-Ray endpoint serves no
// sampling rules at all (an emulator answering 404), rather than refusing
// them.
func NoSamplingAPI(err error) bool {
	return isNotFoundHTTP(err) && !IsCode(err, "AccessDeniedException")
}

// ShadowingRules are the rules of someone else's that come before the
// workshop rule and decide some of the sample app's requests (see
// shadowing): the workshop rule records every request only once they are
// moved after it, which the wizard does only at a person's word.
func ShadowingRules(rules []xraytypes.SamplingRule, host string) []xraytypes.SamplingRule {
	return shadowing(rules, host)
}

// RulePercent writes a rule's fixed rate as a percentage: 0.05 → "5".
func RulePercent(r xraytypes.SamplingRule) string { return ratePercent(r.FixedRate) }
