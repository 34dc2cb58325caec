package sandbox

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"
)

// What the SDKs sampled: each SDK reports, with every GetSamplingTargets
// (about every 10 s), how many requests each rule matched, sampled and
// sampled on borrowed quota since its last report. X-Ray adds them up per
// rule and 10-second window, and GetSamplingStatisticSummaries returns the
// recent windows. How far back "recent" goes X-Ray does not say; the
// sandbox keeps an hour.

const (
	samplingStatWindow = 10 * time.Second
	samplingStatsKept  = time.Hour
)

// statKey is one rule's window.
type statKey struct {
	rule  string
	start int64 // the window's start, Unix seconds
}

// statCounts are a window's counts.
type statCounts struct{ requests, sampled, borrowed int64 }

// report adds an SDK's counts for a rule at time at (its report's
// Timestamp), and forgets windows past keeping.
func (s *samplingSet) report(rule string, at time.Time, c statCounts, now time.Time) {
	if s.stats == nil {
		s.stats = map[statKey]*statCounts{}
	}
	k := statKey{rule: rule, start: at.Truncate(samplingStatWindow).Unix()}
	w := s.stats[k]
	if w == nil {
		w = &statCounts{}
		s.stats[k] = w
	}
	w.requests += c.requests
	w.sampled += c.sampled
	w.borrowed += c.borrowed
	s.pruneStats(now)
}

func (s *samplingSet) pruneStats(now time.Time) {
	oldest := now.Add(-samplingStatsKept).Unix()
	maps.DeleteFunc(s.stats, func(k statKey, _ *statCounts) bool { return k.start < oldest })
}

// statKeys are the windows kept, oldest first, then by rule.
func (s *samplingSet) statKeys() []statKey {
	keys := slices.Collect(maps.Keys(s.stats))
	slices.SortFunc(keys, func(x, y statKey) int {
		return cmp.Or(cmp.Compare(x.start, y.start), strings.Compare(x.rule, y.rule))
	})
	return keys
}

// ---- GetSamplingStatisticSummaries

func (a *AWS) samplingStatisticSummaries(region string, body []byte) (any, *apiError) {
	var in struct{ NextToken *string }
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, invalidRequest("Could not parse the request body: %v", err)
		}
	}
	// The windows of an hour fit in one page.
	if in.NextToken != nil && *in.NextToken != "" {
		return nil, invalidRequest("Invalid NextToken")
	}
	set := a.samplingIn(region)
	set.pruneStats(a.o.Now())
	out := []any{}
	for _, k := range set.statKeys() {
		c := set.stats[k]
		out = append(out, map[string]any{"RuleName": k.rule, "Timestamp": k.start,
			"RequestCount": c.requests, "SampledCount": c.sampled, "BorrowCount": c.borrowed})
	}
	return map[string]any{"SamplingStatisticSummaries": out}, nil
}

// ReportSampling takes what an SDK in the sandbox's cluster decided for
// one request under a rule of the region, as the SDK reports it with its
// next GetSamplingTargets (the sample app calls it, for the SDK it stands
// for). A rule the region does not have is not counted, as X-Ray returns
// it unprocessed.
func (a *AWS) ReportSampling(region, rule string, at time.Time, sampled bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	set := a.samplingIn(region)
	if set.rules[rule] == nil {
		return
	}
	c := statCounts{requests: 1}
	if sampled {
		c.sampled = 1
	}
	set.report(rule, at, c, a.o.Now())
}

// ---- kept between practice runs

// SamplingStatState is one rule's window of SDK statistics, as the
// practice world keeps it.
type SamplingStatState struct {
	Rule     string    `json:"rule"`
	Start    time.Time `json:"start"`
	Requests int64     `json:"requests"`
	Sampled  int64     `json:"sampled"`
	Borrowed int64     `json:"borrowed,omitempty"`
}

// statsState is the windows to keep.
func (s *samplingSet) statsState() []SamplingStatState {
	if s == nil {
		return nil
	}
	var out []SamplingStatState
	for _, k := range s.statKeys() {
		c := s.stats[k]
		out = append(out, SamplingStatState{Rule: k.rule, Start: time.Unix(k.start, 0).UTC(), Requests: c.requests, Sampled: c.sampled, Borrowed: c.borrowed})
	}
	return out
}

// restoreStats puts back the windows statsState kept, those still recent.
func (a *AWS) restoreStats(region string, stats []SamplingStatState) {
	if len(stats) == 0 {
		return
	}
	set := a.samplingIn(region)
	for _, st := range stats {
		set.report(st.Rule, st.Start, statCounts{requests: st.Requests, sampled: st.Sampled, borrowed: st.Borrowed}, a.o.Now())
	}
}
