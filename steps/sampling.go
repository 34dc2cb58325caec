package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// The workshop rule: every request of the sample app, recorded. Only the
// frontend decides (the services it calls follow its decision in the trace
// header), so the rule names it; X-Ray's rules match no narrower than a
// service name, and the rest stays * so the app's every page is kept.
const (
	WorkshopRuleName     = "xray-wizard-workshop"
	WorkshopRuleService  = "Frontend"
	WorkshopRulePriority = 1
	// SampleAppServiceType is the origin the sample app's SDK reports on
	// EKS, matched against a rule's ServiceType.
	SampleAppServiceType = "AWS::EKS::Container"
)

// What the sampling step does about the workshop rule.
const (
	SamplingLeave     = ""           // read and explain; change nothing
	SamplingAsk       = "ask"        // offer the workshop rule (a person is asked)
	SamplingRecordAll = "record-all" // create it (also with -y)
)

// Sampling reads the X-Ray sampling rules in effect, says what share of
// the app step's requests should become traces, and offers the workshop
// rule that records every request of the sample app.
type Sampling struct{}

// ID names the step.
func (Sampling) ID() string { return flow.IDSampling }

// Info describes the step.
func (Sampling) Info(env *Env) flow.StepInfo {
	rule, _ := json.Marshal(workshopRule())
	return flow.StepInfo{
		ID:    flow.IDSampling,
		Title: env.T(i18n.SamplingTitle),
		Why:   env.T(i18n.SamplingWhy),
		Commands: []string{
			"aws xray get-sampling-rules --region " + env.Region(),
			fmt.Sprintf("aws xray create-sampling-rule --region %s --sampling-rule '%s' --tags Key=%s,Value=%s",
				env.Region(), rule, ManagedByLabel, ManagedByValue),
		},
	}
}

// workshopRule is the rule the wizard offers.
func workshopRule() *xraytypes.SamplingRule {
	return &xraytypes.SamplingRule{RuleName: aws.String(WorkshopRuleName), Priority: aws.Int32(WorkshopRulePriority),
		FixedRate: 1, ReservoirSize: 0, ServiceName: aws.String(WorkshopRuleService), ServiceType: aws.String("*"),
		Host: aws.String("*"), HTTPMethod: aws.String("*"), URLPath: aws.String("*"), ResourceARN: aws.String("*"), Version: aws.Int32(1)}
}

// samplingState is what the step finds: the rules, in the order the SDKs
// try them, and the wizard's rule if there is one.
type samplingState struct {
	rules []xraytypes.SamplingRule
	// ours is the rule of the workshop rule's name, and owned whether
	// the wizard tagged it.
	ours  *xraytypes.SamplingRule
	owned bool
	// shadow are the rules of someone else's that come before the
	// workshop rule for the sample app's requests (see shadowing).
	shadow []xraytypes.SamplingRule
}

// readRules reads every sampling rule of the region.
func readRules(ctx context.Context, env *Env) ([]xraytypes.SamplingRule, error) {
	rules, err := getRules(ctx, env)
	if err != nil {
		return nil, env.AWSError("xray:GetSamplingRules", err)
	}
	return rules, nil
}

// getRules reads the rules and returns the SDK's error as it is.
func getRules(ctx context.Context, env *Env) ([]xraytypes.SamplingRule, error) {
	var out []xraytypes.SamplingRule
	p := xray.NewGetSamplingRulesPaginator(env.XRay, &xray.GetSamplingRulesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.SamplingRuleRecords {
			if r.SamplingRule != nil {
				out = append(out, *r.SamplingRule)
			}
		}
	}
	sortRules(out)
	return out, nil
}

func readSampling(ctx context.Context, env *Env) (samplingState, error) {
	rules, err := readRules(ctx, env)
	if err != nil {
		return samplingState{}, err
	}
	st := samplingState{rules: rules, shadow: shadowing(rules, appHost(ctx, env))}
	for i := range rules {
		if aws.ToString(rules[i].RuleName) == WorkshopRuleName {
			st.ours = &rules[i]
		}
	}
	if st.ours != nil {
		owned, err := ruleOwned(ctx, env, aws.ToString(st.ours.RuleARN))
		if err != nil {
			return st, err
		}
		st.owned = owned
	}
	return st, nil
}

// ruleOwned reports whether the wizard tagged a rule as its own.
func ruleOwned(ctx context.Context, env *Env, arn string) (bool, error) {
	p := xray.NewListTagsForResourcePaginator(env.XRay, &xray.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if IsCode(err, "ResourceNotFoundException") {
				return false, nil
			}
			return false, env.AWSError("xray:ListTagsForResource", err)
		}
		for _, t := range page.Tags {
			if aws.ToString(t.Key) == ManagedByLabel && aws.ToString(t.Value) == ManagedByValue {
				return true, nil
			}
		}
	}
	return false, nil
}

// inPlace reports whether the wizard's rule is there as the wizard makes
// it, and decides the sample app's requests.
func (st samplingState) inPlace() bool { return st.ruleInPlace() && len(st.shadow) == 0 }

// ruleInPlace reports whether the wizard's rule is there as the wizard
// makes it.
func (st samplingState) ruleInPlace() bool {
	w, r := workshopRule(), st.ours
	return r != nil && st.owned && r.FixedRate == w.FixedRate && aws.ToString(r.ServiceName) == WorkshopRuleService &&
		aws.ToInt32(r.Priority) == WorkshopRulePriority && aws.ToString(r.Host) == "*" && aws.ToString(r.HTTPMethod) == "*" &&
		aws.ToString(r.URLPath) == "*" && aws.ToString(r.ServiceType) == "*" && aws.ToString(r.ResourceARN) == "*" && len(r.Attributes) == 0
}

// appHost is the host of the sample app's load balancer, "" while it has
// none (the rules are then matched with any host).
func appHost(ctx context.Context, env *Env) string {
	if env.Kube == nil {
		return ""
	}
	svc, err := env.Kube.CoreV1().Services(env.Opts.AppNamespace).Get(ctx, AppServiceName, metav1.GetOptions{})
	if err != nil {
		return ""
	}
	return hostOf(AppURL(svc))
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Host
}

// explain is the step's sentence: what share of the requests the app step
// sends the rules keep, sent within a second.
func (st samplingState) explain(ctx context.Context, env *Env) string {
	n := env.Opts.Requests
	est := expectTraces(st.rules, AppTraffic(n, appHost(ctx, env)), 1)
	return env.T(i18n.MsgSamplingExpect, n, est.expected, percent(est.expected, n), describeRule(env, est.rule))
}

func percent(k, n int) int {
	if n == 0 {
		return 0
	}
	return (100*k + n/2) / n
}

// describeRule says what a rule keeps, in words.
func describeRule(env *Env, r *xraytypes.SamplingRule) string {
	if r == nil {
		return env.T(i18n.MsgSamplingFallback, 1, "5")
	}
	return env.T(i18n.MsgSamplingRuleKeeps, aws.ToString(r.RuleName), r.ReservoirSize, ratePercent(r.FixedRate))
}

// ratePercent writes a fixed rate as a percentage: 0.05 → "5".
func ratePercent(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f*100), "0"), ".")
}

// Check: the rules are read and explained every run, so the step always
// runs; Apply says when the wizard's rule was already in place.
func (Sampling) Check(context.Context, *Env) (Status, error) { return Status{}, nil }

// Plan lists the rules and offers the workshop rule, unless the rules are
// to be left alone or a rule of its name is someone else's.
func (s Sampling) Plan(ctx context.Context, env *Env) (flow.Plan, error) {
	st, err := readSampling(ctx, env)
	if err != nil {
		return flow.Plan{}, err
	}
	p := flow.Plan{Commands: s.Info(env).Commands[:1]}
	notes := []string{st.explain(ctx, env)}
	for _, r := range SamplingRules(st.rules).Rules {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActNone, Kind: "X-Ray sampling rule", Name: r.Name,
			Detail: env.T(i18n.MsgSamplingRuleLine, r.Priority, r.ReservoirSize, ratePercent(r.FixedRate), r.ServiceName, r.Host, r.URLPath)})
	}
	offer := true // the workshop rule is offered: so is moving what hides it
	switch {
	case st.inPlace():
		offer = false
	case st.ours != nil && !st.owned:
		notes = append(notes, env.T(i18n.MsgSamplingNotOurs, WorkshopRuleName))
		offer = false
	case env.Opts.SamplingRule == SamplingLeave:
		notes = append(notes, env.T(i18n.MsgSamplingLeft))
		offer = false
	case st.ruleInPlace():
	case st.ours != nil:
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActUpdate, Kind: "X-Ray sampling rule", Name: WorkshopRuleName,
			Detail: env.T(i18n.MsgSamplingWorkshopRule, WorkshopRuleService)})
		p.Commands = append(p.Commands, fmt.Sprintf("aws xray update-sampling-rule --region %s --sampling-rule-update "+
			`'{"RuleName":%q,"Priority":%d,"FixedRate":1,"ServiceName":%q,"ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*","ResourceARN":"*"}'`,
			env.Region(), WorkshopRuleName, WorkshopRulePriority, WorkshopRuleService))
	default:
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActCreate, Kind: "X-Ray sampling rule", Name: WorkshopRuleName,
			Detail: env.T(i18n.MsgSamplingWorkshopRule, WorkshopRuleService)})
		p.Commands = append(p.Commands, s.Info(env).Commands[1])
	}
	if offer {
		for _, r := range st.shadow {
			name := aws.ToString(r.RuleName)
			p.Changes = append(p.Changes, flow.Change{Action: flow.ActUpdate, Kind: "X-Ray sampling rule", Name: name,
				Detail: env.T(i18n.MsgSamplingMoveRule, aws.ToInt32(r.Priority), WorkshopRulePriority+1, WorkshopRuleName)})
			p.Commands = append(p.Commands, moveCommand(env, name))
			notes = append(notes, env.T(i18n.MsgSamplingShadowAsk, name))
		}
	}
	p.Note = strings.Join(notes, " ")
	return p, nil
}

// moveCommand is the AWS CLI's way to move a rule after the workshop rule.
func moveCommand(env *Env, rule string) string {
	return fmt.Sprintf(`aws xray update-sampling-rule --region %s --sampling-rule-update '{"RuleName":%q,"Priority":%d}'`,
		env.Region(), rule, WorkshopRulePriority+1)
}

// Apply makes the workshop rule when asked to: at a person's word, or
// with -y only when --sampling-rule record-all says so. Otherwise it says
// what the rules keep and changes nothing.
func (Sampling) Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	st, err := readSampling(ctx, env)
	if err != nil {
		return Outcome{}, err
	}
	for _, rl := range SamplingRules(st.rules).Rules {
		progress(env, r, flow.IDSampling, env.T(i18n.MsgSamplingRule, rl.Name,
			env.T(i18n.MsgSamplingRuleLine, rl.Priority, rl.ReservoirSize, ratePercent(rl.FixedRate), rl.ServiceName, rl.Host, rl.URLPath)))
	}
	if st.inPlace() {
		return Outcome{Result: flow.Unchanged, Detail: env.T(i18n.MsgSamplingAlready, WorkshopRuleName) + " " + st.explain(ctx, env)}, nil
	}
	wanted := in.Consent == flow.Approved || env.Opts.SamplingRule == SamplingRecordAll
	if (st.ours != nil && !st.owned) || env.Opts.SamplingRule == SamplingLeave || !in.Consent.Yes() || !wanted {
		return Done(st.explain(ctx, env)), nil
	}
	if len(st.shadow) > 0 && !in.Approved() {
		// A rule someone else made changes only at a person's word (as
		// a role's trust does): -y makes nothing, not half the fix.
		name := aws.ToString(st.shadow[0].RuleName)
		return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrSamplingShadowed, name), Fix: env.T(i18n.FixSamplingShadowed, moveCommand(env, name))}
	}
	w := workshopRule()
	switch {
	case st.ruleInPlace():
	case st.ours == nil:
		ci, err := env.Cluster(ctx)
		if err != nil {
			return Outcome{}, err
		}
		progress(env, r, flow.IDSampling, env.T(i18n.MsgSamplingCreating, WorkshopRuleName))
		_, err = env.XRay.CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: w, Tags: []xraytypes.Tag{
			{Key: aws.String(ManagedByLabel), Value: aws.String(ManagedByValue)},
			{Key: aws.String("xray-wizard/cluster"), Value: aws.String(ci.Name)},
		}})
		if err != nil {
			return Outcome{}, env.AWSError("xray:CreateSamplingRule", err)
		}
	default:
		progress(env, r, flow.IDSampling, env.T(i18n.MsgSamplingUpdating, WorkshopRuleName))
		_, err := env.XRay.UpdateSamplingRule(ctx, &xray.UpdateSamplingRuleInput{SamplingRuleUpdate: &xraytypes.SamplingRuleUpdate{
			RuleName: w.RuleName, Priority: w.Priority, FixedRate: aws.Float64(w.FixedRate), ReservoirSize: aws.Int32(w.ReservoirSize),
			ServiceName: w.ServiceName, ServiceType: w.ServiceType, Host: w.Host, HTTPMethod: w.HTTPMethod, URLPath: w.URLPath,
			ResourceARN: w.ResourceARN, Attributes: map[string]string{}}})
		if err != nil {
			return Outcome{}, env.AWSError("xray:UpdateSamplingRule", err)
		}
	}
	for _, sr := range st.shadow {
		name := aws.ToString(sr.RuleName)
		progress(env, r, flow.IDSampling, env.T(i18n.MsgSamplingMoving, name, WorkshopRuleName, WorkshopRulePriority+1))
		if _, err := env.XRay.UpdateSamplingRule(ctx, &xray.UpdateSamplingRuleInput{SamplingRuleUpdate: &xraytypes.SamplingRuleUpdate{
			RuleName: sr.RuleName, Priority: aws.Int32(WorkshopRulePriority + 1)}}); err != nil {
			return Outcome{}, env.AWSError("xray:UpdateSamplingRule", err)
		}
	}
	st, err = readSampling(ctx, env)
	if err != nil {
		return Outcome{}, err
	}
	return Done(env.T(i18n.MsgSamplingMade, WorkshopRuleName) + " " + st.explain(ctx, env)), nil
}

// wizardRule finds the workshop rule the wizard made for cluster: of its
// name, tagged as the wizard's and with the cluster (a rule made for
// another cluster of the region stays for it). ok is false when there is
// none.
func wizardRule(ctx context.Context, env *Env, cluster string) (arn string, ok bool, err error) {
	rules, err := getRules(ctx, env)
	switch {
	case isNotFoundHTTP(err) && !IsCode(err, "AccessDeniedException"):
		// An endpoint without sampling rules (an emulator): none to remove.
		return "", false, nil
	case err != nil:
		return "", false, env.AWSError("xray:GetSamplingRules", err)
	}
	for _, r := range rules {
		if aws.ToString(r.RuleName) != WorkshopRuleName {
			continue
		}
		out, err := env.XRay.ListTagsForResource(ctx, &xray.ListTagsForResourceInput{ResourceARN: r.RuleARN})
		if err != nil {
			if IsCode(err, "ResourceNotFoundException") {
				return "", false, nil
			}
			return "", false, env.AWSError("xray:ListTagsForResource", err)
		}
		t := map[string]string{}
		for _, tag := range out.Tags {
			t[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		if t[ManagedByLabel] == ManagedByValue && (t["xray-wizard/cluster"] == "" || t["xray-wizard/cluster"] == cluster) {
			return aws.ToString(r.RuleARN), true, nil
		}
	}
	return "", false, nil
}
