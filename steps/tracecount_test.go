package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/xray"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/sandboxtest"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

// xrayOn starts the sandbox's AWS endpoints and returns a real X-Ray client
// for them.
func xrayOn(t *testing.T) (*sandbox.AWS, *xray.Client) {
	t.Helper()
	a := sandbox.NewAWS(sandbox.AWSOptions{})
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, sandboxtest.XRay(a.Region(), url)
}

// known is what a set of generated traces must count to.
type known struct {
	mu sync.Mutex
	c  flow.TraceCounts
}

// putTraces uploads n traces with ids in [from, to] seconds, a random mix of
// outcomes and services, as the daemon uploads them, and adds them to k.
func putTraces(t *testing.T, ctx context.Context, x *xray.Client, rng *rand.Rand, n int, from, to int64, k *known) {
	t.Helper()
	var docs []string
	flush := func() {
		if len(docs) == 0 {
			return
		}
		out, err := x.PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: docs})
		if err != nil {
			t.Fatalf("PutTraceSegments: %v", err)
		}
		if len(out.UnprocessedTraceSegments) > 0 {
			t.Fatalf("unprocessed: %+v", out.UnprocessedTraceSegments[0])
		}
		docs = docs[:0]
	}
	services := []string{"frontend", "catalog", "orders"}
	for range n {
		sec := from + rng.Int64N(to-from+1)
		id := fmt.Sprintf("1-%08x-%024x", sec, rng.Uint64())
		status := []int{200, 200, 200, 404, 429, 503}[rng.IntN(6)]
		svc := services[rng.IntN(len(services))]
		start := float64(sec) + rng.Float64()*0.5
		seg := map[string]any{"name": svc, "id": fmt.Sprintf("%016x", rng.Uint64()), "trace_id": id,
			"start_time": start, "end_time": start + 0.01,
			"http": map[string]any{"response": map[string]any{"status": status}}}
		switch {
		case status >= 500:
			seg["fault"] = true
		case status == 429:
			seg["error"], seg["throttle"] = true, true
		case status >= 400:
			seg["error"] = true
		}
		b, _ := json.Marshal(seg)
		docs = append(docs, string(b))
		k.mu.Lock()
		k.c.Total++
		switch {
		case status >= 500:
			k.c.Fault++
		case status == 429:
			k.c.Throttle++
		case status >= 400:
			k.c.Error++
		default:
			k.c.OK++
		}
		if k.c.ByService == nil {
			k.c.ByService = map[string]int{}
		}
		k.c.ByService[svc]++
		k.mu.Unlock()
		if len(docs) == 50 {
			flush()
		}
	}
	flush()
}

func sameCounts(t *testing.T, got, want flow.TraceCounts) {
	t.Helper()
	if got.Total != want.Total || got.OK != want.OK || got.Error != want.Error || got.Fault != want.Fault || got.Throttle != want.Throttle {
		t.Errorf("counts = total %d ok %d error %d fault %d throttle %d, want %d %d %d %d %d",
			got.Total, got.OK, got.Error, got.Fault, got.Throttle, want.Total, want.OK, want.Error, want.Fault, want.Throttle)
	}
	for s, n := range want.ByService {
		if got.ByService[s] != n {
			t.Errorf("service %s: %d, want %d", s, got.ByService[s], n)
		}
	}
	sum := 0
	for _, r := range got.PerMinute {
		sum += r.Count
	}
	if sum != got.Total {
		t.Errorf("per-minute counts add up to %d, total is %d", sum, got.Total)
	}
}

// Exact counts across pages (100 summaries each) and sub-window bounds
// (whole seconds, which X-Ray's range includes at both ends), for many
// ways of cutting the window.
func TestCountIsExactAcrossPagesAndSubWindows(t *testing.T) {
	_, x := xrayOn(t)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	from, to := now.Add(-10*time.Minute).Unix(), now.Unix()
	var k known
	rng := rand.New(rand.NewPCG(1, 2))
	putTraces(t, ctx, x, rng, 2500, from, to, &k)
	// Traces outside the window are not counted.
	var outside known
	putTraces(t, ctx, x, rng, 300, from-300, from-1, &outside)
	for _, o := range []CountOptions{{Parallel: 1, SubWindows: 1}, {Parallel: 4, SubWindows: 7}, {Parallel: 8}, {Parallel: 3, SubWindows: 601}, {Parallel: 16, SubWindows: 5000}} {
		t.Run(fmt.Sprintf("parallel%d-sub%d", o.Parallel, o.SubWindows), func(t *testing.T) {
			c, err := countWindow(ctx, x, time.Unix(from, 0), time.Unix(to, 0).Add(500*time.Millisecond), o)
			if err != nil {
				t.Fatal(err)
			}
			sameCounts(t, c, k.c)
		})
	}
}

// Under a storm of 429s (half the requests) and some 500s the count slows
// down, retries the same pages and still comes out exact.
func TestCountSurvivesThrottleStorm(t *testing.T) {
	a, x := xrayOn(t)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	from, to := now.Add(-5*time.Minute).Unix(), now.Unix()
	var k known
	putTraces(t, ctx, x, rand.New(rand.NewPCG(3, 4)), 800, from, to, &k)
	a.SetFaults(sandbox.Fault{Action: "XRay.GetTraceSummaries", Rate: 0.5, Status: 429},
		sandbox.Fault{Action: "XRay.GetTraceSummaries", Rate: 0.1, Status: 500})
	before := a.Calls()["XRay.GetTraceSummaries"]
	c, err := countWindow(ctx, x, time.Unix(from, 0), time.Unix(to, 0), CountOptions{Parallel: 4, SubWindows: 6})
	if err != nil {
		t.Fatal(err)
	}
	sameCounts(t, c, k.c)
	// 800 traces in 6 sub-windows take 12 pages without faults; with
	// half of the requests throttled, more were made.
	if calls := a.Calls()["XRay.GetTraceSummaries"] - before; calls <= 12 {
		t.Errorf("%d GetTraceSummaries calls: the faults did not happen", calls)
	}
}

// Traces landing while the count pages are counted at most once: the
// count is between what was there before and after, and a second count
// gets them all.
func TestCountWhileTracesLand(t *testing.T) {
	_, x := xrayOn(t)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	from, to := now.Add(-5*time.Minute).Unix(), now.Unix()
	var k known
	rng := rand.New(rand.NewPCG(5, 6))
	putTraces(t, ctx, x, rng, 2000, from, to, &k)
	before := k.c.Total
	done := make(chan struct{})
	go func() {
		defer close(done)
		putTraces(t, ctx, x, rand.New(rand.NewPCG(7, 8)), 1000, from, to, &k)
	}()
	c, err := countWindow(ctx, x, time.Unix(from, 0), time.Unix(to, 0), CountOptions{Parallel: 2, SubWindows: 40})
	if err != nil {
		t.Fatal(err)
	}
	<-done
	if c.Total < before || c.Total > k.c.Total {
		t.Errorf("count during uploads = %d, want between %d and %d", c.Total, before, k.c.Total)
	}
	c, err = countWindow(ctx, x, time.Unix(from, 0), time.Unix(to, 0), CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameCounts(t, c, k.c)
}

// A filter expression goes to X-Ray as it is; X-Ray's refusal comes back.
func TestCountPassesTheFilter(t *testing.T) {
	_, x := xrayOn(t)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	from, to := now.Add(-2*time.Minute).Unix(), now.Unix()
	var k known
	putTraces(t, ctx, x, rand.New(rand.NewPCG(9, 10)), 600, from, to, &k)
	c, err := countWindow(ctx, x, time.Unix(from, 0), time.Unix(to, 0), CountOptions{Filter: `service("orders") AND fault`})
	if err != nil {
		t.Fatal(err)
	}
	if c.Total == 0 || c.Total != c.Fault || c.ByService["orders"] != c.Total || c.Total >= k.c.ByService["orders"] {
		t.Errorf("filtered counts = %+v (orders in all: %d)", c, k.c.ByService["orders"])
	}
	if _, err := countWindow(ctx, x, time.Unix(from, 0), time.Unix(to, 0), CountOptions{Filter: `annotation.x ~~ 3`}); err == nil {
		t.Error("a malformed filter expression was accepted")
	}
}

func TestSplitWindowPartitionsSeconds(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	for _, c := range []struct {
		secs time.Duration
		n    int
	}{{10 * time.Second, 32}, {time.Hour, 32}, {48 * time.Hour, 4}, {0, 8}} {
		end := start.Add(c.secs).Add(300 * time.Millisecond)
		ws := splitWindow(start, end, c.n)
		next := start.Unix()
		for i, w := range ws {
			if w.from != next || (w.to <= w.from && !w.last) || time.Unix(w.to, 0).Sub(time.Unix(w.from, 0)) > maxSubWindow {
				t.Fatalf("%v/%d: sub-window %d = %+v", c.secs, c.n, i, w)
			}
			next = w.to
		}
		if last := ws[len(ws)-1]; !last.last || last.to != end.Unix() || !last.end.Equal(end) {
			t.Errorf("%v/%d: last sub-window %+v", c.secs, c.n, last)
		}
	}
}

// The map from segments with a remote call to a traced service: client →
// frontend → catalog, with the counts, errors and latency X-Ray derives.
func TestServiceGraphFromSegments(t *testing.T) {
	_, x := xrayOn(t)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	var docs []string
	for i := range 10 {
		sec := now.Add(-time.Duration(i) * time.Second).Unix()
		id := fmt.Sprintf("1-%08x-%024x", sec, i+1)
		start := float64(sec)
		status := 200
		if i < 2 {
			status = 500
		}
		front := map[string]any{"name": "frontend", "id": fmt.Sprintf("%016x", 100+i), "trace_id": id,
			"start_time": start, "end_time": start + 0.05, "fault": status == 500,
			"http": map[string]any{"response": map[string]any{"status": status}},
			"subsegments": []any{map[string]any{"name": "catalog", "id": fmt.Sprintf("%016x", 200+i), "namespace": "remote",
				"start_time": start + 0.01, "end_time": start + 0.03,
				"http": map[string]any{"request": map[string]any{"url": "http://catalog/"}, "response": map[string]any{"status": 200}}}}}
		back := map[string]any{"name": "catalog", "id": fmt.Sprintf("%016x", 300+i), "trace_id": id, "parent_id": fmt.Sprintf("%016x", 200+i),
			"start_time": start + 0.012, "end_time": start + 0.028, "http": map[string]any{"response": map[string]any{"status": 200}}}
		for _, d := range []any{front, back} {
			b, _ := json.Marshal(d)
			docs = append(docs, string(b))
		}
	}
	if _, err := x.PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: docs}); err != nil {
		t.Fatal(err)
	}
	g, err := serviceGraph(ctx, x, now.Add(-time.Minute), now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]flow.ServiceNode{}
	for _, n := range g.Nodes {
		byName[n.Name] = n
	}
	front, back, client := byName["frontend"], byName["catalog"], byName["client"]
	if len(g.Nodes) != 3 || !front.Root || front.Stats.Requests != 10 || front.Stats.Faults != 2 || back.Stats.Requests != 10 || client.Type != "client" {
		t.Fatalf("nodes = %+v", g.Nodes)
	}
	if front.Stats.AvgLatencyMs < 45 || front.Stats.AvgLatencyMs > 55 {
		t.Errorf("frontend latency %.1f ms, want 50", front.Stats.AvgLatencyMs)
	}
	edges := map[[2]string]flow.ServiceEdge{}
	for _, e := range g.Edges {
		edges[[2]string{g.Node(e.From).Name, g.Node(e.To).Name}] = e
	}
	if e, ok := edges[[2]string{"client", "frontend"}]; !ok || e.Stats.Requests != 10 || e.Stats.Faults != 2 {
		t.Errorf("client → frontend = %+v (edges %+v)", e, g.Edges)
	}
	if e, ok := edges[[2]string{"frontend", "catalog"}]; !ok || e.Stats.Requests != 10 || e.Stats.Faults != 0 {
		t.Errorf("frontend → catalog = %+v (edges %+v)", e, g.Edges)
	}
	if len(g.Edges) != 2 {
		t.Errorf("edges = %+v", g.Edges)
	}
}
