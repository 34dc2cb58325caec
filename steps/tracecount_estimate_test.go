package steps

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/sandboxtest"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

// recorded collects the events a run reported.
type recorded struct {
	mu  sync.Mutex
	all []flow.Event
}

func (r *recorded) Report(e flow.Event) {
	r.mu.Lock()
	r.all = append(r.all, e)
	r.mu.Unlock()
}

func (r *recorded) traces() []flow.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []flow.Event
	for _, e := range r.all {
		if e.Kind == flow.Traces {
			out = append(out, e)
		}
	}
	return out
}

// seededEnv is the steps' environment on a sandbox X-Ray answering each
// request after latency, seeded with n traces over the last 15 minutes.
func seededEnv(t *testing.T, n int, latency time.Duration, opts Options) (*Env, sandbox.SeedStats) {
	t.Helper()
	a := sandbox.NewAWS(sandbox.AWSOptions{Latency: latency})
	st, err := a.SeedTraces(n, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return NewEnv(sandboxtest.Config(a.Region(), url), nil, opts), st
}

// The traces screen's count (xray-wizard traces): the service map's first
// figure comes first, marked an estimate, with the map; the exact count
// replaces it, unmarked, and is what the step hands on.
func TestEstimateComesFirstThenExact(t *testing.T) {
	env, st := seededEnv(t, 30000, 5*time.Millisecond, Options{TracesOnce: true, Since: 20 * time.Minute})
	var r recorded
	out, err := Traces{}.Apply(context.Background(), env, Handoff{}, &r)
	if err != nil {
		t.Fatal(err)
	}
	evs := r.traces()
	if len(evs) < 2 {
		t.Fatalf("%d Traces events, want the estimate and the count", len(evs))
	}
	first, last := evs[0].Counts, evs[len(evs)-1].Counts
	if !first.Estimate || first.Total != st.Total || first.Fault != st.Fault || first.Throttle != st.Throttle || first.Error != st.Error || evs[0].Graph == nil {
		t.Errorf("first event: %+v (graph %v), want the estimate of %d traces with the map", first, evs[0].Graph != nil, st.Total)
	}
	if first.ByService["Frontend"] != st.ByService["Frontend"] || first.Region == "" {
		t.Errorf("estimate by service %v, region %q", first.ByService, first.Region)
	}
	for _, e := range evs[1:] {
		if e.Counts.Estimate {
			t.Errorf("an estimate after the first event: %+v", e.Counts)
		}
	}
	if last.Estimate || last.Total != st.Total || out.Counts == nil || out.Counts.Estimate || out.Counts.Total != st.Total {
		t.Errorf("last event %+v, outcome %+v: want the exact %d", last, out.Counts, st.Total)
	}
}

// With a filter the map says nothing of the count: no estimate.
func TestNoEstimateWithFilter(t *testing.T) {
	env, _ := seededEnv(t, 3000, 5*time.Millisecond, Options{TracesOnce: true, Since: 20 * time.Minute, Filter: "fault"})
	var r recorded
	out, err := Traces{}.Apply(context.Background(), env, Handoff{}, &r)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range r.traces() {
		if e.Counts.Estimate {
			t.Errorf("an estimate with a filter: %+v", e.Counts)
		}
	}
	if out.Counts == nil || out.Counts.Total != 300 {
		t.Errorf("filtered count %+v, want 300 faults", out.Counts)
	}
}

func TestEstimateCounts(t *testing.T) {
	st := func(req, errs, thr, faults int) flow.ServiceStats {
		return flow.ServiceStats{Requests: req, OK: req - errs - thr - faults, Errors: errs, Throttle: thr, Faults: faults}
	}
	// The map keeps 429 apart from the other 4xx, as the counts do.
	// client → front (100 requests: 3 4xx other than 429, 2 429, 3 5xx) →
	// back, and front called again by back: the client's edge is the
	// figure, not front's own requests.
	g := &flow.ServiceGraph{
		Nodes: []flow.ServiceNode{{ID: 0, Name: "client", Type: "client"}, {ID: 1, Name: "front", Root: true, Stats: st(130, 3, 2, 3)},
			{ID: 2, Name: "back", Stats: st(60, 0, 0, 0)}, {ID: 3, Name: "db", Inferred: true, Stats: st(40, 0, 0, 0)}},
		Edges: []flow.ServiceEdge{{From: 0, To: 1, Stats: st(100, 3, 2, 3)}, {From: 1, To: 2, Stats: st(60, 0, 0, 0)}, {From: 2, To: 1, Stats: st(30, 0, 0, 0)}},
	}
	c, ok := estimateCounts(g)
	if !ok || !c.Estimate || c.Total != 100 || c.Fault != 3 || c.Throttle != 2 || c.Error != 3 || c.OK != 92 {
		t.Errorf("estimate = %+v", c)
	}
	if c.ByService["front"] != 130 || c.ByService["back"] != 60 || len(c.ByService) != 2 {
		t.Errorf("by service = %v", c.ByService)
	}
	// No client node: the root services' requests.
	g.Nodes, g.Edges = g.Nodes[1:], g.Edges[1:]
	if c, ok := estimateCounts(g); !ok || c.Total != 130 {
		t.Errorf("without a client node: %+v", c)
	}
	if _, ok := estimateCounts(&flow.ServiceGraph{}); ok {
		t.Error("an empty map gave an estimate")
	}
}
