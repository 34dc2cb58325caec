package doctor

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// sampling: "I sent 100 requests and see 7 traces" (the lab's point 11).
// The SDKs sample by X-Ray's rules: the first rule, by priority then name,
// whose patterns match a request records its reservoir each second and
// its fixed rate of the rest. The Default rule (1 a second and 5 %) is by
// design, so it is explained, not failed: with the SDKs' own figures when
// X-Ray has them (GetSamplingStatisticSummaries). A rule that decides the
// sample app's requests and records nothing (reservoir 0, rate 0) fails:
// no request of the app can become a trace.
func (d *dx) sampling(ctx context.Context) flow.Finding {
	if d.idErr != nil {
		return d.skip(d.idErr)
	}
	rules, err := steps.ReadSamplingRules(ctx, d.env)
	switch {
	case err != nil && steps.NoSamplingAPI(err):
		return d.skip(d.env.AWSError("xray:GetSamplingRules", err))
	case err != nil:
		return d.cannotReadWith("xray:GetSamplingRules", "aws xray get-sampling-rules --region "+d.env.Region(), d.env.AWSError("xray:GetSamplingRules", err))
	}
	host := "" // any host, when the cluster cannot say the app's
	if d.kubeErr == nil {
		host = steps.AppHost(ctx, d.env)
	}
	reqs := steps.AppRules(rules, host)
	var ev []string
	// Which rule decides which of the app's pages, each rule once.
	var deciders []*xraytypes.SamplingRule
	paths := map[string][]string{}
	for _, q := range reqs {
		name := "(local fallback)"
		if q.Rule != nil {
			name = aws.ToString(q.Rule.RuleName)
		}
		if _, seen := paths[name]; !seen {
			deciders = append(deciders, q.Rule)
		}
		paths[name] = append(paths[name], q.Path)
	}
	var nothing []string // the paths no rule records
	for _, r := range deciders {
		if r == nil {
			continue
		}
		name := aws.ToString(r.RuleName)
		line := d.t(i18n.MsgSamplingRuleLine, aws.ToInt32(r.Priority), r.ReservoirSize, steps.RulePercent(*r),
			aws.ToString(r.ServiceName), aws.ToString(r.Host), aws.ToString(r.URLPath))
		ev = append(ev, d.t(i18n.DxSamplingDecides, name, line, strings.Join(paths[name], " ")))
		if steps.RecordsNothing(*r) {
			nothing = append(nothing, paths[name]...)
		}
	}
	stats, serr := steps.SamplingStatistics(ctx, d.env, rules)
	switch {
	case serr != nil && steps.NoSamplingAPI(serr):
	case serr != nil:
		ev = append(ev, d.t(i18n.DxSamplingStatsUnread, steps.ErrorMessage(serr)))
	case len(stats) == 0:
		ev = append(ev, d.t(i18n.DxSamplingNoStats))
	}
	stat := map[string]steps.SamplingStat{}
	for _, s := range stats {
		stat[s.Rule] = s
		ev = append(ev, d.t(i18n.DxSamplingStat, s.Rule, s.Requests, s.Sampled))
	}
	shadow := steps.ShadowingRules(rules, host)
	for _, r := range shadow {
		ev = append(ev, d.t(i18n.DxSamplingNotConsented, aws.ToString(r.RuleName)))
	}
	fix := d.samplingFix(len(shadow) > 0)
	first := deciders[0] // the rule that decides the app's home page
	switch {
	case len(nothing) == len(reqs):
		return bad(flow.CheckFail, d.t(i18n.DxSamplingNothing, aws.ToString(first.RuleName)), d.t(i18n.DxSamplingNothingFix), fix, ev...)
	case len(nothing) > 0:
		var name string
		for _, r := range deciders {
			if r != nil && steps.RecordsNothing(*r) {
				name = aws.ToString(r.RuleName)
				break
			}
		}
		return bad(flow.CheckWarn, d.t(i18n.DxSamplingNothingSome, name, strings.Join(paths[name], " ")), d.t(i18n.DxSamplingNothingFix), fix, ev...)
	case !slices.ContainsFunc(deciders, func(r *xraytypes.SamplingRule) bool { return r == nil || r.FixedRate < 1 }):
		return ok(d.t(i18n.DxSamplingAll, aws.ToString(first.RuleName)), ev...)
	}
	// Sampling by design: said with the figures the SDKs reported for
	// the rule that decides the app's home page, else in the rule's words.
	var summary string
	if first == nil {
		summary = d.t(i18n.DxSamplingFallback)
	} else if s, ok := stat[aws.ToString(first.RuleName)]; ok && s.Requests > 0 {
		summary = d.t(i18n.DxSamplingSaw, s.Requests, s.Sampled, s.Rule)
	} else {
		summary = d.t(i18n.DxSamplingKeeps, d.t(i18n.MsgSamplingRuleKeeps, aws.ToString(first.RuleName), first.ReservoirSize, steps.RulePercent(*first)))
	}
	return bad(flow.CheckWarn, summary, d.t(i18n.DxSamplingFix), fix, ev...)
}

// samplingFix is the wizard's sampling step with the workshop rule:
// asking at the terminal when a rule of someone else's has to move for it
// (never with -y), else with -y in the sandbox as the other fixes.
func (d *dx) samplingFix(asks bool) string {
	cmd := strings.TrimSuffix(d.wizard(flow.IDSampling, false), " -y") + " --sampling-rule " + steps.SamplingRecordAll
	if d.sandbox && !asks {
		cmd += " -y"
	}
	return cmd
}
