package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// X-Ray's sampling rules, per region as X-Ray keeps them: every account has
// the Default rule (priority 10000, reservoir 1 a second, fixed rate 5 %),
// which can be changed in its reservoir and rate only and never deleted;
// others are created, updated and deleted with the API. GetSamplingTargets
// hands each client (an SDK, through its daemon) its share of a rule's
// reservoir for ReservoirQuotaTTL, and says when to ask again (Interval).

// Limits of the API reference (SamplingRule, GetSamplingTargets).
const (
	samplingRuleMax    = 25 // rules per region, the Default rule included
	samplingInterval   = 10 // seconds between a client's GetSamplingTargets
	samplingQuotaTTL   = 10 * time.Second
	samplingClientIdle = 30 * time.Second // a client not heard from for this long has no share
	defaultRuleName    = "Default"
)

// defaultRuleTime is when the Default rule is said to be created: X-Ray
// answers 1970-01-01 for it.
var defaultRuleTime = time.Unix(0, 0)

// samplingRule is one rule with what X-Ray keeps of it.
type samplingRule struct {
	Name        string
	ARN         string
	ResourceARN string
	Priority    int32
	FixedRate   float64
	Reservoir   int32
	ServiceName string
	ServiceType string
	Host        string
	HTTPMethod  string
	URLPath     string
	Version     int32
	Attributes  map[string]string
	Created     time.Time
	Modified    time.Time
	Tags        map[string]string
	// clients are the SDKs that reported statistics for the rule, by
	// client id, with when they last did.
	clients map[string]time.Time
}

// samplingSet is a region's rules, by name.
type samplingSet struct {
	rules map[string]*samplingRule
	// changed is the last time a rule was created, changed or deleted
	// (GetSamplingTargets' LastRuleModification).
	changed time.Time
	// stats are what the SDKs reported sampling, by rule and 10-second
	// window (aws_xray_sampling_stats.go).
	stats map[statKey]*statCounts
}

func (a *AWS) ruleARN(region, name string) string {
	if region == "" {
		region = a.o.Region
	}
	return fmt.Sprintf("arn:aws:xray:%s:%s:sampling-rule/%s", region, a.o.AccountID, name)
}

// samplingIn is the region's rules, with the Default rule made on first use.
func (a *AWS) samplingIn(region string) *samplingSet {
	st := a.xrayIn(region)
	if st.sampling == nil {
		st.sampling = &samplingSet{rules: map[string]*samplingRule{defaultRuleName: {
			Name: defaultRuleName, ARN: a.ruleARN(region, defaultRuleName), ResourceARN: "*", Priority: 10000,
			FixedRate: 0.05, Reservoir: 1, ServiceName: "*", ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "*",
			Version: 1, Attributes: map[string]string{}, Created: defaultRuleTime, Modified: defaultRuleTime, Tags: map[string]string{},
		}}, changed: defaultRuleTime}
	}
	return st.sampling
}

// ordered is the rules in the order an SDK tries them: by priority, then
// name.
func (s *samplingSet) ordered() []*samplingRule {
	out := slices.Collect(maps.Values(s.rules))
	slices.SortFunc(out, func(x, y *samplingRule) int {
		if x.Priority != y.Priority {
			return int(x.Priority - y.Priority)
		}
		return strings.Compare(x.Name, y.Name)
	})
	return out
}

func (r *samplingRule) record() map[string]any {
	attrs := r.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	return map[string]any{
		"CreatedAt": epoch(r.Created), "ModifiedAt": epoch(r.Modified),
		"SamplingRule": map[string]any{
			"RuleName": r.Name, "RuleARN": r.ARN, "ResourceARN": r.ResourceARN, "Priority": r.Priority,
			"FixedRate": r.FixedRate, "ReservoirSize": r.Reservoir, "ServiceName": r.ServiceName, "ServiceType": r.ServiceType,
			"Host": r.Host, "HTTPMethod": r.HTTPMethod, "URLPath": r.URLPath, "Version": r.Version, "Attributes": attrs,
		},
	}
}

// ---- GetSamplingRules

func (a *AWS) samplingRules(region string, body []byte) (any, *apiError) {
	var in struct{ NextToken *string }
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, invalidRequest("Could not parse the request body: %v", err)
		}
	}
	// All of a region's rules (25 at most) fit in one page.
	if in.NextToken != nil && *in.NextToken != "" {
		return nil, invalidRequest("Invalid NextToken")
	}
	recs := []any{}
	for _, r := range a.samplingIn(region).ordered() {
		recs = append(recs, r.record())
	}
	return map[string]any{"SamplingRuleRecords": recs}, nil
}

// ---- Create, Update, Delete

// ruleInput is a SamplingRule or a SamplingRuleUpdate as sent.
type ruleInput struct {
	RuleName, RuleARN, ResourceARN                      *string
	Priority, ReservoirSize, Version                    *int32
	FixedRate                                           *float64
	ServiceName, ServiceType, Host, HTTPMethod, URLPath *string
	Attributes                                          map[string]string
}

var (
	ruleNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	tagRE      = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// checkFields validates the fields given, with the API reference's limits.
func (in *ruleInput) checkFields() *apiError {
	str := func(name string, v *string, max int) *apiError {
		if v != nil && (len(*v) > max || (*v == "" && name != "ResourceARN")) {
			return invalidRequest("%s must be 1 to %d characters", name, max)
		}
		return nil
	}
	for _, c := range []struct {
		name string
		v    *string
		max  int
	}{{"ServiceName", in.ServiceName, 64}, {"ServiceType", in.ServiceType, 64}, {"Host", in.Host, 64},
		{"HTTPMethod", in.HTTPMethod, 10}, {"URLPath", in.URLPath, 128}, {"ResourceARN", in.ResourceARN, 500}} {
		if e := str(c.name, c.v, c.max); e != nil {
			return e
		}
	}
	if in.Priority != nil && (*in.Priority < 1 || *in.Priority > 9999) {
		return invalidRequest("Priority must be between 1 and 9999")
	}
	if in.FixedRate != nil && (*in.FixedRate < 0 || *in.FixedRate > 1) {
		return invalidRequest("FixedRate must be between 0 and 1")
	}
	if in.ReservoirSize != nil && *in.ReservoirSize < 0 {
		return invalidRequest("ReservoirSize must not be negative")
	}
	for k, v := range in.Attributes {
		if k == "" || len(k) > 32 || len(v) > 32 {
			return invalidRequest("Attribute keys must be 1 to 32 characters and values at most 32")
		}
	}
	return nil
}

func (a *AWS) createSamplingRule(region string, body []byte) (any, *apiError) {
	var in struct {
		SamplingRule *ruleInput
		Tags         []struct{ Key, Value *string }
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	r := in.SamplingRule
	if r == nil {
		return nil, invalidRequest("SamplingRule is required")
	}
	// The members the API reference marks required.
	for name, missing := range map[string]bool{
		"FixedRate": r.FixedRate == nil, "HTTPMethod": r.HTTPMethod == nil, "Host": r.Host == nil, "Priority": r.Priority == nil,
		"ReservoirSize": r.ReservoirSize == nil, "ResourceARN": r.ResourceARN == nil, "ServiceName": r.ServiceName == nil,
		"ServiceType": r.ServiceType == nil, "URLPath": r.URLPath == nil, "Version": r.Version == nil,
	} {
		if missing {
			return nil, invalidRequest("SamplingRule.%s is required", name)
		}
	}
	if r.RuleName == nil || !ruleNameRE.MatchString(*r.RuleName) {
		return nil, invalidRequest("RuleName must be 1 to 32 letters, digits, hyphens or underscores")
	}
	if *r.Version != 1 {
		return nil, invalidRequest("Version must be 1")
	}
	if e := r.checkFields(); e != nil {
		return nil, e
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		if t.Key == nil || t.Value == nil || *t.Key == "" || len(*t.Key) > 128 || len(*t.Value) > 256 ||
			strings.HasPrefix(strings.ToLower(*t.Key), "aws:") || !tagRE.MatchString(*t.Key) || !tagRE.MatchString(*t.Value) {
			return nil, invalidRequest("Invalid tag")
		}
		tags[*t.Key] = *t.Value
	}
	if len(tags) > 50 {
		return nil, invalidRequest("A resource can have at most 50 tags")
	}
	set := a.samplingIn(region)
	if set.rules[*r.RuleName] != nil {
		return nil, invalidRequest("A sampling rule named %s already exists", *r.RuleName)
	}
	if len(set.rules) >= samplingRuleMax {
		return nil, errf(400, "RuleLimitExceededException", "You have reached the maximum number of sampling rules")
	}
	now := a.o.Now().Truncate(time.Millisecond)
	rule := &samplingRule{
		Name: *r.RuleName, ARN: a.ruleARN(region, *r.RuleName), ResourceARN: *r.ResourceARN, Priority: *r.Priority,
		FixedRate: *r.FixedRate, Reservoir: *r.ReservoirSize, ServiceName: *r.ServiceName, ServiceType: *r.ServiceType,
		Host: *r.Host, HTTPMethod: *r.HTTPMethod, URLPath: *r.URLPath, Version: 1, Attributes: maps.Clone(r.Attributes),
		Created: now, Modified: now, Tags: tags,
	}
	set.rules[rule.Name] = rule
	set.changed = now
	return map[string]any{"SamplingRuleRecord": rule.record()}, nil
}

// findRule finds the rule an update or delete names, by name or ARN but
// not both.
func (a *AWS) findRule(region string, name, arn *string) (*samplingRule, *apiError) {
	set := a.samplingIn(region)
	switch {
	case name != nil && arn != nil:
		return nil, invalidRequest("Specify a rule by either name or ARN, but not both")
	case name != nil:
		if r := set.rules[*name]; r != nil {
			return r, nil
		}
	case arn != nil:
		for _, r := range set.rules {
			if r.ARN == *arn {
				return r, nil
			}
		}
	default:
		return nil, invalidRequest("RuleName or RuleARN is required")
	}
	return nil, invalidRequest("Sampling rule does not exist")
}

func (a *AWS) updateSamplingRule(region string, body []byte) (any, *apiError) {
	var in struct{ SamplingRuleUpdate *ruleInput }
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	u := in.SamplingRuleUpdate
	if u == nil {
		return nil, invalidRequest("SamplingRuleUpdate is required")
	}
	r, e := a.findRule(region, u.RuleName, u.RuleARN)
	if e != nil {
		return nil, e
	}
	if e := u.checkFields(); e != nil {
		return nil, e
	}
	if r.Name == defaultRuleName && (u.Priority != nil || u.ServiceName != nil || u.ServiceType != nil || u.Host != nil ||
		u.HTTPMethod != nil || u.URLPath != nil || u.ResourceARN != nil || u.Attributes != nil) {
		return nil, invalidRequest("Invalid update request for default sampling rule")
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&r.ResourceARN, u.ResourceARN)
	set(&r.ServiceName, u.ServiceName)
	set(&r.ServiceType, u.ServiceType)
	set(&r.Host, u.Host)
	set(&r.HTTPMethod, u.HTTPMethod)
	set(&r.URLPath, u.URLPath)
	if u.Priority != nil {
		r.Priority = *u.Priority
	}
	if u.FixedRate != nil {
		r.FixedRate = *u.FixedRate
	}
	if u.ReservoirSize != nil {
		r.Reservoir = *u.ReservoirSize
	}
	if u.Attributes != nil {
		r.Attributes = maps.Clone(u.Attributes)
	}
	now := a.o.Now().Truncate(time.Millisecond)
	r.Modified = now
	a.samplingIn(region).changed = now
	return map[string]any{"SamplingRuleRecord": r.record()}, nil
}

func (a *AWS) deleteSamplingRule(region string, body []byte) (any, *apiError) {
	var in struct{ RuleName, RuleARN *string }
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	r, e := a.findRule(region, in.RuleName, in.RuleARN)
	if e != nil {
		return nil, e
	}
	if r.Name == defaultRuleName {
		return nil, invalidRequest("Cannot delete the default sampling rule")
	}
	set := a.samplingIn(region)
	delete(set.rules, r.Name)
	set.changed = a.o.Now().Truncate(time.Millisecond)
	return map[string]any{"SamplingRuleRecord": r.record()}, nil
}

// ---- GetSamplingTargets

func (a *AWS) samplingTargets(region string, body []byte) (any, *apiError) {
	var in struct {
		SamplingStatisticsDocuments []struct {
			RuleName, ClientID                      *string
			RequestCount, SampledCount, BorrowCount *int32
			Timestamp                               *float64
		}
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	if in.SamplingStatisticsDocuments == nil {
		return nil, invalidRequest("SamplingStatisticsDocuments is required")
	}
	if len(in.SamplingStatisticsDocuments) > 25 {
		return nil, invalidRequest("SamplingStatisticsDocuments must have at most 25 members")
	}
	set := a.samplingIn(region)
	now := a.o.Now()
	targets, unprocessed := []any{}, []any{}
	var asked []*samplingRule
	var askedBy []string
	for _, d := range in.SamplingStatisticsDocuments {
		if d.RuleName == nil || d.ClientID == nil || d.RequestCount == nil || d.SampledCount == nil || d.Timestamp == nil {
			return nil, invalidRequest("RuleName, ClientID, RequestCount, SampledCount and Timestamp are required")
		}
		if len(*d.ClientID) != 24 {
			return nil, invalidRequest("ClientID must be 24 hexadecimal digits")
		}
		r := set.rules[*d.RuleName]
		if r == nil {
			unprocessed = append(unprocessed, map[string]any{"RuleName": *d.RuleName, "ErrorCode": "400", "Message": "Unknown rule"})
			continue
		}
		if r.clients == nil {
			r.clients = map[string]time.Time{}
		}
		r.clients[*d.ClientID] = now
		c := statCounts{requests: int64(*d.RequestCount), sampled: int64(*d.SampledCount)}
		if d.BorrowCount != nil {
			c.borrowed = int64(*d.BorrowCount)
		}
		set.report(r.Name, time.Unix(int64(*d.Timestamp), 0), c, now)
		asked = append(asked, r)
		askedBy = append(askedBy, *d.ClientID)
	}
	for i, r := range asked {
		targets = append(targets, map[string]any{
			"RuleName": r.Name, "FixedRate": r.FixedRate, "ReservoirQuota": r.quota(askedBy[i], now),
			"ReservoirQuotaTTL": epoch(now.Add(samplingQuotaTTL).Truncate(time.Second)), "Interval": samplingInterval,
		})
	}
	return map[string]any{"SamplingTargetDocuments": targets, "LastRuleModification": epoch(set.changed),
		"UnprocessedStatistics": unprocessed}, nil
}

// quota is a client's share of the rule's reservoir: the reservoir split
// evenly among the clients heard from lately, the first clients (by id)
// taking what does not divide.
func (r *samplingRule) quota(client string, now time.Time) int32 {
	var active []string
	for id, at := range r.clients {
		if now.Sub(at) <= samplingClientIdle {
			active = append(active, id)
		} else {
			delete(r.clients, id)
		}
	}
	slices.Sort(active)
	n := int32(len(active))
	if n == 0 {
		return r.Reservoir
	}
	q := r.Reservoir / n
	if int32(slices.Index(active, client)) < r.Reservoir%n {
		q++
	}
	return q
}

// ---- tags of sampling rules (ListTagsForResource)

func (a *AWS) listTagsForResource(region string, body []byte) (any, *apiError) {
	var in struct{ ResourceARN, NextToken *string }
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	if in.ResourceARN == nil {
		return nil, invalidRequest("ResourceARN is required")
	}
	for _, r := range a.samplingIn(region).rules {
		if r.ARN == *in.ResourceARN {
			tags := []any{}
			for _, k := range slices.Sorted(maps.Keys(r.Tags)) {
				tags = append(tags, map[string]string{"Key": k, "Value": r.Tags[k]})
			}
			return map[string]any{"Tags": tags}, nil
		}
	}
	return nil, errf(404, "ResourceNotFoundException", "Resource not found: %s", *in.ResourceARN)
}

// ---- kept between practice runs

// SamplingRuleState is a sampling rule as the practice world keeps it.
type SamplingRuleState struct {
	Name        string            `json:"name"`
	ARN         string            `json:"arn"`
	ResourceARN string            `json:"resourceArn"`
	Priority    int32             `json:"priority"`
	FixedRate   float64           `json:"fixedRate"`
	Reservoir   int32             `json:"reservoirSize"`
	ServiceName string            `json:"serviceName"`
	ServiceType string            `json:"serviceType"`
	Host        string            `json:"host"`
	HTTPMethod  string            `json:"httpMethod"`
	URLPath     string            `json:"urlPath"`
	Attributes  map[string]string `json:"attributes,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Created     time.Time         `json:"created"`
	Modified    time.Time         `json:"modified"`
}

// state is the rules to keep: none while the region has only the Default
// rule as X-Ray made it.
func (s *samplingSet) state() []SamplingRuleState {
	if s == nil || s.changed.Equal(defaultRuleTime) {
		return nil
	}
	var out []SamplingRuleState
	for _, r := range s.ordered() {
		out = append(out, SamplingRuleState{Name: r.Name, ARN: r.ARN, ResourceARN: r.ResourceARN, Priority: r.Priority,
			FixedRate: r.FixedRate, Reservoir: r.Reservoir, ServiceName: r.ServiceName, ServiceType: r.ServiceType, Host: r.Host,
			HTTPMethod: r.HTTPMethod, URLPath: r.URLPath, Attributes: maps.Clone(r.Attributes), Tags: maps.Clone(r.Tags),
			Created: r.Created, Modified: r.Modified})
	}
	return out
}

// restoreSampling puts back the rules State kept (none: the Default rule
// alone).
func (a *AWS) restoreSampling(region string, rules []SamplingRuleState) {
	if len(rules) == 0 {
		return
	}
	set := a.samplingIn(region)
	set.rules = map[string]*samplingRule{}
	for _, r := range rules {
		set.rules[r.Name] = &samplingRule{Name: r.Name, ARN: r.ARN, ResourceARN: r.ResourceARN, Priority: r.Priority,
			FixedRate: r.FixedRate, Reservoir: r.Reservoir, ServiceName: r.ServiceName, ServiceType: r.ServiceType, Host: r.Host,
			HTTPMethod: r.HTTPMethod, URLPath: r.URLPath, Version: 1, Attributes: maps.Clone(r.Attributes), Tags: maps.Clone(r.Tags),
			Created: r.Created, Modified: r.Modified}
		if r.Modified.After(set.changed) {
			set.changed = r.Modified
		}
	}
	if set.changed.Equal(defaultRuleTime) {
		// A rule was deleted since: keep the world's rules on the next save.
		set.changed = defaultRuleTime.Add(time.Millisecond)
	}
}
