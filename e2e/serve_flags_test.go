package e2e

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/internal/sandboxtest"
)

// `sandbox serve --seed-traces --latency --throttle-rate`, read with the AWS
// SDK: the totals on stderr are the traces X-Ray has, every answer waits
// the latency, and reads past the rate get X-Ray's 429.
func TestServeFlagsThroughTheSDK(t *testing.T) {
	const latency = 40 * time.Millisecond
	env, stderr := serve(t, "--seed-traces", "1000", "--latency", latency.String(), "--throttle-rate", "10")
	for _, want := range []string{"seeded 1000 traces: 800 ok, 50 4xx, 50 429, 100 5xx",
		"by service: Frontend 1000, Product-Catalog 1000, Product-Detail 500"} {
		if !strings.Contains(stderr, want) {
			t.Fatalf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	x := xray.NewFromConfig(sandboxtest.ConfigAs(env["AWS_REGION"], env["AWS_ENDPOINT_URL"], env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	now := time.Now()
	window := &xray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-16 * time.Minute)), EndTime: aws.Time(now), TimeRangeType: xraytypes.TimeRangeTypeTraceId}

	// Every page waits the latency; ten pages at ten a second pass.
	began := time.Now()
	n, pages, faults := 0, 0, 0
	for p := xray.NewGetTraceSummariesPaginator(x, window); p.HasMorePages(); pages++ {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.TraceSummaries)
		for _, s := range page.TraceSummaries {
			if aws.ToBool(s.HasFault) {
				faults++
			}
		}
	}
	if n != 1000 || pages != 10 || faults != 100 {
		t.Errorf("%d traces in %d pages, %d faults", n, pages, faults)
	}
	if d := time.Since(began); d < 10*latency {
		t.Errorf("10 pages in %s, under 10 × %s", d, latency)
	}

	// Twenty reads at once, a burst of ten: the rest are throttled.
	time.Sleep(time.Second) // the bucket fills again
	var mu sync.Mutex
	ok, throttled := 0, 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := x.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: window.StartTime, EndTime: window.EndTime},
				func(o *xray.Options) { o.RetryMaxAttempts = 1 })
			mu.Lock()
			defer mu.Unlock()
			var te *xraytypes.ThrottledException
			switch {
			case err == nil:
				ok++
			case errors.As(err, &te):
				throttled++
			default:
				t.Errorf("GetServiceGraph: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok < 10 || ok > 12 || ok+throttled != 20 {
		t.Errorf("20 reads at once at --throttle-rate 10: %d answered, %d throttled", ok, throttled)
	}
}
