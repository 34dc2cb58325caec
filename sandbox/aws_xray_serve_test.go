package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// What `sandbox serve`'s flags rest on: SeedTraces (--seed-traces),
// AWSOptions.Latency (--latency) and AWSOptions.XRayReadRate
// (--throttle-rate).

// seededSummaries pages GetTraceSummaries over the seeded window.
func seededSummaries(t *testing.T, xc *xray.Client, st SeedStats, typ xraytypes.TimeRangeType) []xraytypes.TraceSummary {
	t.Helper()
	sums, _, _ := awsTSummaries(t, xc, &xray.GetTraceSummariesInput{StartTime: aws.Time(st.From), EndTime: aws.Time(st.To), TimeRangeType: typ})
	return sums
}

// The seeded mix is the one SeedTraces promises, and X-Ray's reads find
// exactly it: by trace id and by event, the flags, the services, the map.
func TestSeedTraces(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	xc, ctx := xray.NewFromConfig(cfg), context.Background()
	now := time.Now()
	st, err := a.SeedTraces(2000, now)
	if err != nil {
		t.Fatal(err)
	}
	want := SeedStats{Total: 2000, OK: 1600, Error: 100, Throttle: 100, Fault: 200,
		ByService: map[string]int{"Frontend": 2000, "Product-Catalog": 2000, "Product-Detail": 1000}}
	if st.Total != want.Total || st.OK != want.OK || st.Error != want.Error || st.Throttle != want.Throttle || st.Fault != want.Fault ||
		fmt.Sprint(st.ByService) != fmt.Sprint(want.ByService) {
		t.Errorf("seeded %+v, want %+v", st, want)
	}
	if d := now.Sub(st.From); d < seedSpan || d > seedSpan+time.Second || st.To.After(now) {
		t.Errorf("window %s – %s for now %s", st.From, st.To, now)
	}
	if a.Segments() != 5000 {
		t.Errorf("%d segments stored, want 5000", a.Segments())
	}
	idRe := regexp.MustCompile(`^1-([0-9a-f]{8})-[0-9a-f]{24}$`)
	for _, typ := range []xraytypes.TimeRangeType{xraytypes.TimeRangeTypeTraceId, xraytypes.TimeRangeTypeEvent} {
		sums := seededSummaries(t, xc, st, typ)
		var errs, throttles, faults int
		services := map[string]int{}
		seen := map[string]bool{}
		for _, s := range sums {
			id := aws.ToString(s.Id)
			m := idRe.FindStringSubmatch(id)
			if m == nil || seen[id] {
				t.Fatalf("%s: trace id %q (again: %v)", typ, id, seen[id])
			}
			seen[id] = true
			sec, _ := strconv.ParseInt(m[1], 16, 64)
			if sec < st.From.Unix() || sec > st.To.Unix() || s.StartTime.Unix() != sec {
				t.Errorf("%s: %s starts %s", typ, id, s.StartTime)
			}
			if aws.ToBool(s.HasError) {
				errs++
			}
			if aws.ToBool(s.HasThrottle) {
				throttles++
			}
			if aws.ToBool(s.HasFault) {
				faults++
			}
			for _, svc := range s.ServiceIds {
				services[aws.ToString(svc.Name)]++
				if aws.ToString(svc.Type) != "AWS::EKS::Container" {
					t.Errorf("%s: service %+v", typ, svc)
				}
			}
			if aws.ToString(s.EntryPoint.Name) != "Frontend" {
				t.Errorf("%s: entry point %+v", typ, s.EntryPoint)
			}
		}
		// X-Ray's flags overlap: a 429 is an error and a throttle.
		if len(sums) != 2000 || errs != 200 || throttles != 100 || faults != 200 || fmt.Sprint(services) != fmt.Sprint(want.ByService) {
			t.Errorf("%s: %d traces, %d errors, %d throttles, %d faults, services %v", typ, len(sums), errs, throttles, faults, services)
		}
	}

	g, err := xc.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: aws.Time(st.From), EndTime: aws.Time(st.To)})
	if err != nil {
		t.Fatal(err)
	}
	names := map[int32]string{}
	for _, s := range g.Services {
		names[aws.ToInt32(s.ReferenceId)] = aws.ToString(s.Name)
	}
	edges := map[string]int64{}
	for _, s := range g.Services {
		for _, e := range s.Edges {
			edges[aws.ToString(s.Name)+" → "+names[aws.ToInt32(e.ReferenceId)]] = aws.ToInt64(e.SummaryStatistics.TotalCount)
		}
	}
	if fmt.Sprint(edges) != fmt.Sprint(map[string]int64{"client → Frontend": 2000, "Frontend → Product-Catalog": 2000, "Product-Catalog → Product-Detail": 1000}) {
		t.Errorf("edges %v", edges)
	}
	for _, s := range g.Services {
		if aws.ToString(s.Name) != "Frontend" {
			continue
		}
		ss := s.SummaryStatistics
		if aws.ToInt64(ss.OkCount) != 1600 || aws.ToInt64(ss.ErrorStatistics.OtherCount) != 100 || aws.ToInt64(ss.ErrorStatistics.ThrottleCount) != 100 ||
			aws.ToInt64(ss.FaultStatistics.TotalCount) != 200 {
			t.Errorf("Frontend's statistics %+v %+v %+v", ss, ss.ErrorStatistics, ss.FaultStatistics)
		}
	}

	// The same n and now seed the same traces.
	again := NewAWS(AWSOptions{})
	st2, err := again.SeedTraces(2000, now)
	if err != nil || fmt.Sprint(st2) != fmt.Sprint(st) {
		t.Errorf("seeding again: %+v %v", st2, err)
	}
	if _, err := a.SeedTraces(-1, now); err == nil {
		t.Error("SeedTraces(-1) did not fail")
	}
}

// A seeded trace is what PutTraceSegments stores for the documents
// BatchGetTraces gives for it: uploaded to another account, they are all
// accepted and summarised the same.
func TestSeededDocumentsRoundTrip(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	_, cfg2 := awsTStart(t, AWSOptions{})
	xc, xc2, ctx := xray.NewFromConfig(cfg), xray.NewFromConfig(cfg2), context.Background()
	st, err := a.SeedTraces(40, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sums := seededSummaries(t, xc, st, xraytypes.TimeRangeTypeTraceId)
	var docs []string
	for i := 0; i < len(sums); i += 5 {
		var ids []string
		for _, s := range sums[i:min(i+5, len(sums))] {
			ids = append(ids, aws.ToString(s.Id))
		}
		out, err := xc.BatchGetTraces(ctx, &xray.BatchGetTracesInput{TraceIds: ids})
		if err != nil || len(out.Traces) != len(ids) {
			t.Fatalf("BatchGetTraces: %+v %v", out, err)
		}
		for _, tr := range out.Traces {
			for _, s := range tr.Segments {
				var doc struct {
					ID string `json:"id"`
				}
				if err := json.Unmarshal([]byte(aws.ToString(s.Document)), &doc); err != nil || doc.ID != aws.ToString(s.Id) {
					t.Fatalf("document %s: %v", aws.ToString(s.Document), err)
				}
				docs = append(docs, aws.ToString(s.Document))
			}
		}
	}
	if len(docs) != 100 {
		t.Fatalf("%d documents for 40 traces, want 100", len(docs))
	}
	awsTPut(t, xc2, docs)
	again := seededSummaries(t, xc2, st, xraytypes.TimeRangeTypeTraceId)
	j1, _ := json.Marshal(sums)
	j2, _ := json.Marshal(again)
	if !bytes.Equal(j1, j2) {
		t.Errorf("uploaded again, the summaries differ:\n%s\n%s", j1, j2)
	}
}

// 100,000 traces seed in well under the few seconds `sandbox serve` may
// take, in a slim store; the summaries page at the pace of their copying.
func TestSeedTracesAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 traces")
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	a := NewAWS(AWSOptions{})
	before := heap()
	began := time.Now()
	st, err := a.SeedTraces(100_000, time.Now())
	took := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	perTrace := (int64(heap()) - int64(before)) / 100_000
	t.Logf("seeded 100,000 traces in %s, %d bytes each", took, perTrace)
	if took > 5*time.Second {
		t.Errorf("seeding took %s", took)
	}
	if perTrace > 1200 {
		t.Errorf("%d bytes a trace", perTrace)
	}
	// Paging by trace id: every page a binary search and 100 summaries.
	store := a.xrayIn("")
	var token *string
	n, pages := 0, 0
	began = time.Now()
	for {
		body, _ := json.Marshal(map[string]any{"StartTime": epoch(st.From), "EndTime": epoch(st.To), "TimeRangeType": "TraceId", "NextToken": token})
		out, e := a.traceSummaries(store, body)
		if e != nil {
			t.Fatal(e.message)
		}
		var page struct {
			TraceSummaries []json.RawMessage
			NextToken      *string
		}
		pj := out.(pooledJSON)
		if err := json.Unmarshal(pj.b.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		pageBuffers.Put(pj.b)
		n += len(page.TraceSummaries)
		pages++
		if token = page.NextToken; token == nil {
			break
		}
	}
	t.Logf("%d pages in %s", pages, time.Since(began))
	if n != 100_000 || pages != 1000 {
		t.Errorf("%d traces in %d pages", n, pages)
	}
}

// A page's NextToken holds its place while traces arrive: newer ones wait
// for a new query, older ones join the pages still to come, none twice.
func TestTraceSummariesCursorWhileTracesArrive(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	xc, ctx := xray.NewFromConfig(cfg), context.Background()
	st, err := a.SeedTraces(300, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []xraytypes.TimeRangeType{xraytypes.TimeRangeTypeTraceId, xraytypes.TimeRangeTypeEvent} {
		in := &xray.GetTraceSummariesInput{StartTime: aws.Time(st.From), EndTime: aws.Time(st.To.Add(time.Minute)), TimeRangeType: typ}
		first, err := xc.GetTraceSummaries(ctx, in)
		if err != nil || first.NextToken == nil || len(first.TraceSummaries) != 100 {
			t.Fatalf("%s: first page %v", typ, err)
		}
		// One trace newer than all, one older than the first page's last.
		newer := awsTNewReq(st.To.Add(2*time.Second), 200, 10*time.Millisecond)
		older := awsTNewReq(st.From.Add(30*time.Second), 500, 10*time.Millisecond)
		awsTSend(t, xc, []awsTReq{newer, older})
		seen := map[string]int{}
		for _, s := range first.TraceSummaries {
			seen[aws.ToString(s.Id)]++
		}
		next := *in
		next.NextToken = first.NextToken
		rest, _, _ := awsTSummaries(t, xc, &next)
		for _, s := range rest {
			seen[aws.ToString(s.Id)]++
		}
		// The Event round also finds the TraceId round's two traces.
		want := 301
		if typ == xraytypes.TimeRangeTypeEvent {
			want = 303
		}
		if seen[newer.id] != 0 || seen[older.id] != 1 || len(seen) != want {
			t.Errorf("%s: newer %d, older %d, %d traces", typ, seen[newer.id], seen[older.id], len(seen))
		}
		for id, n := range seen {
			if n > 1 {
				t.Errorf("%s: %s on %d pages", typ, id, n)
			}
		}
	}
}

// Latency delays every answer, and a caller that gives up is let go at
// once rather than holding a request open for the rest of it.
func TestLatency(t *testing.T) {
	const latency = 300 * time.Millisecond
	a, cfg := awsTStart(t, AWSOptions{Latency: latency})
	xc := xray.NewFromConfig(cfg)
	began := time.Now()
	if _, err := xc.GetServiceGraph(context.Background(), &xray.GetServiceGraphInput{StartTime: aws.Time(began.Add(-time.Minute)), EndTime: aws.Time(began)}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d < latency {
		t.Errorf("answered in %s, under the %s latency", d, latency)
	}
	// A request whose caller left: the handler returns as soon as it does.
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/ServiceGraph", bytes.NewReader([]byte(`{}`)))
	done := make(chan struct{})
	w := httptest.NewRecorder()
	go func() { a.ServeHTTP(w, req); close(done) }()
	time.Sleep(20 * time.Millisecond)
	began = time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(latency / 2):
		t.Fatal("the handler still waits after its request was cancelled")
	}
	if d := time.Since(began); d > latency/2 || w.Body.Len() != 0 {
		t.Errorf("returned %s after the cancel, wrote %q", d, w.Body.String())
	}
	if n := a.Calls()["XRay.GetServiceGraph"]; n != 1 {
		t.Errorf("%d GetServiceGraph calls counted, want 1 (the cancelled one never ran)", n)
	}
	// Many callers that give up: none of them is left waiting.
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			_, err := xc.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: aws.Time(began.Add(-time.Minute)), EndTime: aws.Time(began)},
				func(o *xray.Options) { o.RetryMaxAttempts = 1 })
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("a call past its deadline: %v", err)
			}
		}()
	}
	wg.Wait()
}

// rawRecorder keeps the last X-Ray answer as it came over the wire.
type rawRecorder struct {
	mu     sync.Mutex
	status int
	header http.Header
	body   []byte
}

func (r *rawRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	r.mu.Lock()
	r.status, r.header, r.body = resp.StatusCode, resp.Header.Clone(), b
	r.mu.Unlock()
	return resp, nil
}

// XRayReadRate is a token bucket for X-Ray's reads with a burst of the
// rate: past it they answer 429 ThrottledException as X-Ray does, and
// writes are never held back.
func TestXRayReadRate(t *testing.T) {
	_, cfg := awsTStart(t, AWSOptions{XRayReadRate: 5})
	rec := &rawRecorder{}
	cfg.HTTPClient = &http.Client{Transport: rec}
	once := func(o *xray.Options) { o.RetryMaxAttempts = 1 }
	xc, ctx := xray.NewFromConfig(cfg), context.Background()
	now := time.Now()
	in := &xray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-time.Minute)), EndTime: aws.Time(now)}
	ok, throttled := 0, 0
	for range 8 {
		_, err := xc.GetTraceSummaries(ctx, in, once)
		var te *xraytypes.ThrottledException
		switch {
		case err == nil:
			ok++
		case errors.As(err, &te):
			throttled++
			if code, status := awsTCode(t, err); code != "ThrottledException" || status != 429 {
				t.Errorf("throttled as %s %d", code, status)
			}
		default:
			t.Fatal(err)
		}
	}
	if ok != 5 || throttled != 3 {
		t.Errorf("8 reads at once, burst 5: %d answered, %d throttled", ok, throttled)
	}
	// The wire: 429, the code in X-Amzn-ErrorType, the message in Message
	// (X-Ray's model names the member so).
	var body map[string]string
	if err := json.Unmarshal(rec.body, &body); err != nil || rec.status != 429 || rec.header.Get("X-Amzn-Errortype") != "ThrottledException" ||
		body["Message"] == "" || rec.header.Get("X-Amzn-Requestid") == "" {
		t.Errorf("throttled answer: %d %v %s", rec.status, rec.header, rec.body)
	}
	// The other reads share the bucket; writes do not take from it.
	if _, err := xc.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: in.StartTime, EndTime: in.EndTime}, once); !errors.As(err, new(*xraytypes.ThrottledException)) {
		t.Errorf("GetServiceGraph past the rate: %v", err)
	}
	if _, err := xc.BatchGetTraces(ctx, &xray.BatchGetTracesInput{TraceIds: []string{"1-00000000-000000000000000000000000"}}, once); !errors.As(err, new(*xraytypes.ThrottledException)) {
		t.Errorf("BatchGetTraces past the rate: %v", err)
	}
	for i := range 10 {
		r := awsTNewReq(now.Add(-time.Duration(i)*time.Second), 200, 10*time.Millisecond)
		if _, err := xc.PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: []string{r.docs()["Frontend"]}}, once); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	// A token comes back every 1/5 s.
	time.Sleep(250 * time.Millisecond)
	if _, err := xc.GetTraceSummaries(ctx, in, once); err != nil {
		t.Errorf("a read 250 ms later: %v", err)
	}
	// Without a rate, no read is refused.
	_, cfg0 := awsTStart(t, AWSOptions{})
	x0 := xray.NewFromConfig(cfg0)
	for i := range 50 {
		if _, err := x0.GetTraceSummaries(ctx, in, once); err != nil {
			t.Fatalf("read %d without a rate: %v", i, err)
		}
	}
}

// BenchmarkTraceSummariesPage is one page of 100 summaries out of 100,000
// seeded traces, by trace id, through the handler's query and encoding.
func BenchmarkTraceSummariesPage(b *testing.B) {
	a := NewAWS(AWSOptions{})
	st, err := a.SeedTraces(100_000, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	store := a.xrayIn("")
	body, _ := json.Marshal(map[string]any{"StartTime": epoch(st.From), "EndTime": epoch(st.To), "TimeRangeType": "TraceId"})
	for b.Loop() {
		a.mu.Lock()
		out, _ := a.traceSummaries(store, body)
		a.mu.Unlock()
		pageBuffers.Put(out.(pooledJSON).b)
	}
}

// BenchmarkSeedTraces is seeding 100,000 traces.
func BenchmarkSeedTraces(b *testing.B) {
	for b.Loop() {
		if _, err := NewAWS(AWSOptions{}).SeedTraces(100_000, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
