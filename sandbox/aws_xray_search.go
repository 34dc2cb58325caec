package sandbox

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"time"
)

// CloudWatch Transaction Search, as X-Ray shows it: once an account sends
// its spans to CloudWatch Logs (UpdateTraceSegmentDestination), only an
// indexed share of the traces — 1 % unless UpdateIndexingRule says
// otherwise — becomes X-Ray trace summaries; GetTraceSummaries and
// BatchGetTraces see only that share of the traces that arrived after the
// switch. Which traces are indexed follows from the trace id, so a test
// knows exactly which. The service graph, built from every span, stays
// whole.
type xraySearch struct {
	destination string    // "XRay" (zero value) or "CloudWatchLogs"
	switchedAt  time.Time // when the destination last changed
	percent     float64   // the Default indexing rule's percentage
	modifiedAt  time.Time
}

// xrayDestinationPending is how long a switch reads as PENDING.
const xrayDestinationPending = 2 * time.Second

func (s *xraySearch) dest() string {
	if s.destination == "" {
		return "XRay"
	}
	return s.destination
}

func (s *xraySearch) indexPercent() float64 {
	if s.modifiedAt.IsZero() {
		return 1 // X-Ray's default indexing rule
	}
	return s.percent
}

// hidden reports whether the trace is not indexed: spans that went to
// CloudWatch Logs after the switch, outside the indexed share.
func (s *xraySearch) hidden(t *xtrace) bool {
	if s.dest() != "CloudWatchLogs" || t.epoch < s.switchedAt.Unix() {
		return false
	}
	return !indexedShare(t.id, s.indexPercent())
}

// indexedShare says whether a trace id falls in the first pct percent of
// the ids, by a hash of the id: the same trace always does, or never.
func indexedShare(id string, pct float64) bool {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return float64(h.Sum32()%10000) < math.Round(pct*100)
}

func (a *AWS) updateTraceSegmentDestination(store *xrayStore, body []byte) (any, *apiError) {
	var in struct{ Destination *string }
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	dest := "XRay"
	if in.Destination != nil {
		dest = *in.Destination
	}
	if dest != "XRay" && dest != "CloudWatchLogs" {
		return nil, invalidRequest("1 validation error detected: Value '%s' at 'destination' failed to satisfy constraint: Member must satisfy enum value set: [XRay, CloudWatchLogs]", dest)
	}
	s := &store.search
	if s.dest() != dest {
		s.destination, s.switchedAt = dest, a.o.Now()
	}
	return a.destination(store), nil
}

func (a *AWS) destination(store *xrayStore) map[string]any {
	s := &store.search
	status := "ACTIVE"
	if !s.switchedAt.IsZero() && a.o.Now().Sub(s.switchedAt) < xrayDestinationPending {
		status = "PENDING"
	}
	return map[string]any{"Destination": s.dest(), "Status": status}
}

func (a *AWS) indexingRule(store *xrayStore) map[string]any {
	s := &store.search
	p := s.indexPercent()
	rule := map[string]any{"Name": "Default",
		"Rule": map[string]any{"Probabilistic": map[string]any{"DesiredSamplingPercentage": p, "ActualSamplingPercentage": p}}}
	if !s.modifiedAt.IsZero() {
		rule["ModifiedAt"] = epoch(s.modifiedAt)
	}
	return rule
}

func (a *AWS) getIndexingRules(store *xrayStore, body []byte) (any, *apiError) {
	var in struct{ NextToken *string }
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	return map[string]any{"IndexingRules": []any{a.indexingRule(store)}}, nil
}

func (a *AWS) updateIndexingRule(store *xrayStore, body []byte) (any, *apiError) {
	var in struct {
		Name *string
		Rule struct {
			Probabilistic *struct{ DesiredSamplingPercentage *float64 }
		}
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	if in.Name == nil || *in.Name == "" {
		return nil, invalidRequest("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	if *in.Name != "Default" {
		return nil, errf(404, "ResourceNotFoundException", "Indexing rule %s not found", *in.Name)
	}
	if in.Rule.Probabilistic == nil || in.Rule.Probabilistic.DesiredSamplingPercentage == nil {
		return nil, invalidRequest("1 validation error detected: Value null at 'rule.probabilistic.desiredSamplingPercentage' failed to satisfy constraint: Member must not be null")
	}
	p := *in.Rule.Probabilistic.DesiredSamplingPercentage
	if p < 0 || p > 100 || math.IsNaN(p) {
		return nil, invalidRequest("DesiredSamplingPercentage must be between 0 and 100")
	}
	s := &store.search
	s.percent, s.modifiedAt = p, a.o.Now()
	return map[string]any{"IndexingRule": a.indexingRule(store)}, nil
}
