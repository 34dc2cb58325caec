package sandbox

import (
	mrand "math/rand/v2"
	"strings"
	"sync"
	"time"
)

// appSampler decides, as the X-Ray SDK's default strategy does, whether a
// request the frontend takes is traced (the services it calls follow the
// frontend's decision, carried in the trace header): the first rule that
// matches the request, by priority, then name, records up to its
// reservoir each second and a fixed share of the rest.
//
// The SDK has the rules from GetSamplingRules through the daemon, and its
// reservoir quota from GetSamplingTargets; with one frontend the quota is
// the whole reservoir. The sandbox's app reads the rules of the sandbox's
// X-Ray at each request, so a rule change shows at once, where a real SDK
// sees it at its next rules poll (every 5 minutes). Without rules (no
// X-Ray to ask) it samples as the SDK's local fallback: 1 a second and
// 5 % of the rest.
type appSampler struct {
	rules func() []SamplingRuleState
	// report tells X-Ray what was decided under one of its rules, as the
	// SDK reports its statistics with GetSamplingTargets; nil: no one.
	report func(rule string, at time.Time, sampled bool)
	now    func() time.Time

	mu   sync.Mutex
	rng  *mrand.Rand // the fixed rate's draws: seeded, so a run repeats
	used map[string]reservoirUse
	// tally counts the decisions: requests and sampled, by rule.
	tally map[string]*SamplingTally
}

// SamplingTally is how many requests a rule matched and how many of them
// the sample app traced.
type SamplingTally struct {
	Requests int
	Sampled  int
}

type reservoirUse struct {
	second int64
	n      int32
}

// sampleRequest is what a rule is matched against.
type sampleRequest struct {
	service, serviceType, host, method, path string
}

// localFallback is the SDK's own rule, used when it has none from X-Ray.
var localFallback = SamplingRuleState{Name: "(local fallback)", ResourceARN: "*", Priority: 10000, FixedRate: 0.05,
	Reservoir: 1, ServiceName: "*", ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "*"}

func newAppSampler(rules func() []SamplingRuleState, report func(string, time.Time, bool), seed uint64) *appSampler {
	return &appSampler{rules: rules, report: report, now: time.Now, rng: mrand.New(mrand.NewPCG(seed, 17)),
		used: map[string]reservoirUse{}, tally: map[string]*SamplingTally{}}
}

// sample decides for one request.
func (s *appSampler) sample(req sampleRequest) bool {
	var rules []SamplingRuleState
	if s.rules != nil {
		rules = s.rules()
	}
	rule, central := localFallback, false
	for _, r := range rules {
		if r.matches(req) {
			rule, central = r, true
			break
		}
	}
	ok, at := s.decide(rule)
	if central && s.report != nil {
		// Only a rule from X-Ray has statistics to report.
		s.report(rule.Name, at, ok)
	}
	return ok
}

// decide samples one request under rule, and tallies it.
func (s *appSampler) decide(rule SamplingRuleState) (bool, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tally[rule.Name]
	if t == nil {
		t = &SamplingTally{}
		s.tally[rule.Name] = t
	}
	t.Requests++
	now := s.now()
	sec := now.Unix()
	u := s.used[rule.Name]
	if u.second != sec {
		u = reservoirUse{second: sec}
	}
	ok := false
	if u.n < rule.Reservoir {
		u.n++
		ok = true
	} else {
		ok = s.rng.Float64() < rule.FixedRate
	}
	s.used[rule.Name] = u
	if ok {
		t.Sampled++
	}
	return ok, now
}

// matches tells whether a rule applies to a request, as the SDK matches
// them: each field a pattern with * (any run of characters) and ? (one),
// case-insensitive; the app runs on no AWS resource with an ARN, and the
// SDK leaves out rules that match on attributes.
func (r SamplingRuleState) matches(req sampleRequest) bool {
	return len(r.Attributes) == 0 && r.ResourceARN == "*" && wildcard(r.ServiceName, req.service) &&
		wildcard(r.ServiceType, req.serviceType) && wildcard(r.Host, req.host) &&
		wildcard(r.HTTPMethod, req.method) && wildcard(r.URLPath, req.path)
}

// wildcard matches text against a pattern of * and ?, ignoring case.
func wildcard(pattern, text string) bool {
	p, t := []rune(strings.ToLower(pattern)), []rune(strings.ToLower(text))
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// AppSampling is how the sample app decided so far, by rule name.
func (c *Cluster) AppSampling() map[string]SamplingTally {
	out := map[string]SamplingTally{}
	if c.app == nil {
		return out
	}
	s := c.app.sampler
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.tally {
		out[k] = *v
	}
	return out
}

// SamplingRules are the region's sampling rules in the order an SDK tries
// them (for the simulated app).
func (a *AWS) SamplingRules(region string) []SamplingRuleState {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []SamplingRuleState
	for _, r := range a.samplingIn(region).ordered() {
		out = append(out, SamplingRuleState{Name: r.Name, ARN: r.ARN, ResourceARN: r.ResourceARN, Priority: r.Priority,
			FixedRate: r.FixedRate, Reservoir: r.Reservoir, ServiceName: r.ServiceName, ServiceType: r.ServiceType, Host: r.Host,
			HTTPMethod: r.HTTPMethod, URLPath: r.URLPath, Attributes: r.Attributes})
	}
	return out
}
