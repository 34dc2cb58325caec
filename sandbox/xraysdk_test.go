package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	xraysdk "github.com/aws/aws-xray-sdk-go/xray"

	"github.com/xray-wizard/xray-wizard/internal/sandboxtest"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Segments the real X-Ray SDK for Go makes — a Frontend handler that calls
// a Product-Catalog handler through xray.Client, answering 200, 404, 429
// and 500 — caught on UDP as the daemon catches them, uploaded as the
// daemon uploads them (PutTraceSegments), then read back: every segment
// accepted, the traces counted with X-Ray's flags, and the call on the map.
func TestRealSDKSegments(t *testing.T) {
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	var mu sync.Mutex
	var docs []string
	segments := map[string]bool{} // the ids of the segments sent
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := udp.ReadFrom(buf)
			if err != nil {
				return
			}
			// The daemon's protocol: a header line, then the document.
			header, doc, ok := bytes.Cut(buf[:n], []byte("\n"))
			if !ok || !bytes.Contains(header, []byte(`"format":"json"`)) && !bytes.Contains(header, []byte(`"format": "json"`)) {
				t.Errorf("datagram without the daemon header: %q", buf[:n])
				continue
			}
			var seg struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(doc, &seg)
			mu.Lock()
			docs = append(docs, string(doc))
			segments[seg.ID] = true
			mu.Unlock()
		}
	}()
	all, err := sampling.NewLocalizedStrategyFromJSONBytes([]byte(`{"version":2,"default":{"fixed_target":1000,"rate":1.0},"rules":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := xraysdk.Configure(xraysdk.Config{DaemonAddr: udp.LocalAddr().String(), SamplingStrategy: all, ServiceVersion: "1.0"}); err != nil {
		t.Fatal(err)
	}

	catalog := httptest.NewServer(xraysdk.Handler(xraysdk.NewFixedSegmentNamer("Product-Catalog"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[{"id":1}]`))
	})))
	defer catalog.Close()
	client := xraysdk.Client(nil)
	frontend := httptest.NewServer(xraysdk.Handler(xraysdk.NewFixedSegmentNamer("Frontend"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, catalog.URL+"/products", nil)
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		resp.Body.Close()
		switch {
		case strings.HasSuffix(r.URL.Path, "/404"):
			http.NotFound(w, r)
		case strings.HasSuffix(r.URL.Path, "/busy"):
			http.Error(w, "slow down", http.StatusTooManyRequests)
		case strings.HasSuffix(r.URL.Path, "/boom"):
			http.Error(w, "boom", http.StatusInternalServerError)
		default:
			_, _ = w.Write([]byte("ok"))
		}
	})))
	defer frontend.Close()
	start := time.Now().Add(-time.Second)
	for _, p := range []string{"/", "/products/404", "/busy", "/boom", "/"} {
		resp, err := http.Get(frontend.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// Two segments a request: Frontend's and Product-Catalog's. Under load
	// the SDK may send one twice (the second copy listing a subsegment
	// twice): wait for ten different ones, and upload every datagram.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(segments)
		mu.Unlock()
		if n >= 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d segments arrived, want 10", n)
		}
		time.Sleep(50 * time.Millisecond)
	}

	a := sandbox.NewAWS(sandbox.AWSOptions{})
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	x := sandboxtest.XRay(a.Region(), url)
	ctx := context.Background()
	mu.Lock()
	out, err := x.PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: docs})
	mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if len(out.UnprocessedTraceSegments) > 0 {
		u := out.UnprocessedTraceSegments[0]
		t.Fatalf("%d segments refused, e.g. %s: %s", len(out.UnprocessedTraceSegments), aws.ToString(u.ErrorCode), aws.ToString(u.Message))
	}
	end := time.Now().Add(time.Second)
	sums, err := x.GetTraceSummaries(ctx, &xray.GetTraceSummariesInput{StartTime: aws.Time(start), EndTime: aws.Time(end)})
	if err != nil {
		t.Fatal(err)
	}
	if len(sums.TraceSummaries) != 5 {
		t.Fatalf("%d traces, want 5", len(sums.TraceSummaries))
	}
	var errs, throttles, faults int
	for _, s := range sums.TraceSummaries {
		names := map[string]bool{}
		for _, id := range s.ServiceIds {
			names[aws.ToString(id.Name)] = true
		}
		if !names["Frontend"] || !names["Product-Catalog"] {
			t.Errorf("trace %s has services %v", aws.ToString(s.Id), names)
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
	}
	// X-Ray's flags overlap: a 429 is an error and a throttle.
	if errs != 2 || throttles != 1 || faults != 1 {
		t.Errorf("errors %d, throttles %d, faults %d; want 2, 1, 1", errs, throttles, faults)
	}
	// The wizard's own count of them: exclusive categories, worst first.
	env := steps.NewEnv(sandboxtest.Config(a.Region(), url), nil, steps.Options{})
	c, err := steps.CountTraces(ctx, env, start, end, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != 5 || c.OK != 2 || c.Error != 1 || c.Throttle != 1 || c.Fault != 1 || c.ByService["Frontend"] != 5 || c.ByService["Product-Catalog"] != 5 {
		t.Errorf("the wizard's count = %+v", c)
	}
	g, err := x.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: aws.Time(start), EndTime: aws.Time(end)})
	if err != nil {
		t.Fatal(err)
	}
	// The map: client → Frontend → Product-Catalog and nothing else (the
	// xray.Client subsegment named after the host is answered by a traced
	// service, so it is no inferred node), with the answers counted where
	// they were given.
	type stats struct{ total, ok, errOther, throttle, fault int64 }
	read := func(s *xraytypes.EdgeStatistics) stats {
		return stats{aws.ToInt64(s.TotalCount), aws.ToInt64(s.OkCount), aws.ToInt64(s.ErrorStatistics.OtherCount),
			aws.ToInt64(s.ErrorStatistics.ThrottleCount), aws.ToInt64(s.FaultStatistics.TotalCount)}
	}
	names := map[int32]string{}
	for _, s := range g.Services {
		names[aws.ToInt32(s.ReferenceId)] = aws.ToString(s.Name)
	}
	edges, nodes := map[string]stats{}, map[string]stats{}
	for _, s := range g.Services {
		for _, e := range s.Edges {
			edges[aws.ToString(s.Name)+" → "+names[aws.ToInt32(e.ReferenceId)]] = read(e.SummaryStatistics)
		}
		if ss := s.SummaryStatistics; ss != nil {
			nodes[aws.ToString(s.Name)] = read(&xraytypes.EdgeStatistics{TotalCount: ss.TotalCount, OkCount: ss.OkCount,
				ErrorStatistics: ss.ErrorStatistics, FaultStatistics: ss.FaultStatistics})
		}
	}
	wantEdges := map[string]stats{
		"client → Frontend":          {5, 2, 1, 1, 1},
		"Frontend → Product-Catalog": {5, 5, 0, 0, 0},
	}
	wantNodes := map[string]stats{"Frontend": {5, 2, 1, 1, 1}, "Product-Catalog": {5, 5, 0, 0, 0}}
	if fmt.Sprint(edges) != fmt.Sprint(wantEdges) || fmt.Sprint(nodes) != fmt.Sprint(wantNodes) || len(g.Services) != 3 {
		t.Errorf("service map: edges %v, nodes %v (%d services)", edges, nodes, len(g.Services))
	}

	// X-Ray gives back the documents as the SDK wrote them.
	sent := map[string]bool{}
	for _, d := range docs {
		sent[d] = true
	}
	var ids []string
	for _, s := range sums.TraceSummaries {
		ids = append(ids, aws.ToString(s.Id))
	}
	bt, err := x.BatchGetTraces(ctx, &xray.BatchGetTracesInput{TraceIds: ids})
	if err != nil || len(bt.Traces) != 5 {
		t.Fatalf("BatchGetTraces: %+v %v", bt, err)
	}
	for _, tr := range bt.Traces {
		if len(tr.Segments) != 2 {
			t.Errorf("trace %s: %d segments", aws.ToString(tr.Id), len(tr.Segments))
		}
		for _, seg := range tr.Segments {
			if !sent[aws.ToString(seg.Document)] {
				t.Errorf("segment %s: a document the SDK did not send: %s", aws.ToString(seg.Id), aws.ToString(seg.Document))
			}
		}
	}
}
