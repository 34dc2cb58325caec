package sandbox_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	xraysdk "github.com/aws/aws-xray-sdk-go/xray"

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
			mu.Lock()
			docs = append(docs, string(doc))
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
	// Two segments a request: Frontend's and Product-Catalog's.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(docs)
		mu.Unlock()
		if n >= 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d segment documents arrived, want 10", n)
		}
		time.Sleep(50 * time.Millisecond)
	}

	a := sandbox.NewAWS(sandbox.AWSOptions{})
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	x := xray.NewFromConfig(aws.Config{Region: a.Region(), BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.SandboxAccessKeyID, sandbox.SandboxSecretAccessKey, "")})
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
	env := steps.NewEnv(aws.Config{Region: a.Region(), BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.SandboxAccessKeyID, sandbox.SandboxSecretAccessKey, "")}, nil, steps.Options{})
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
	ids := map[string]int32{}
	for _, s := range g.Services {
		ids[aws.ToString(s.Name)] = aws.ToInt32(s.ReferenceId)
	}
	found := false
	for _, s := range g.Services {
		if aws.ToString(s.Name) != "Frontend" {
			continue
		}
		for _, e := range s.Edges {
			if aws.ToInt32(e.ReferenceId) == ids["Product-Catalog"] && e.SummaryStatistics != nil && aws.ToInt64(e.SummaryStatistics.TotalCount) == 5 {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("no Frontend → Product-Catalog edge with 5 calls in %+v", ids)
	}
}
