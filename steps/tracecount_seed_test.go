package steps

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/sandboxtest"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

// The sandbox's seeded traces, through a throttled, slow X-Ray: the count
// equals what was seeded, total, outcomes and services, although many of
// its requests were refused with 429 on the way.
func TestCountSeededUnderThrottleRate(t *testing.T) {
	a := sandbox.NewAWS(sandbox.AWSOptions{Latency: 2 * time.Millisecond, XRayReadRate: 20})
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	now := time.Now()
	st, err := a.SeedTraces(3000, now)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 3000 || st.OK+st.Error+st.Throttle+st.Fault != 3000 || st.ByService["Frontend"] != 3000 {
		t.Fatalf("seeded %+v", st)
	}
	x := sandboxtest.XRay(a.Region(), url)
	ctx := context.Background()

	// Past the rate, X-Ray's own throttling error, as the SDK types it.
	throttled := 0
	for range 60 {
		_, err := x.GetTraceSummaries(ctx, &xray.GetTraceSummariesInput{StartTime: aws.Time(st.From), EndTime: aws.Time(st.To)},
			func(o *xray.Options) { o.RetryMaxAttempts = 1 })
		var te *xraytypes.ThrottledException
		if errors.As(err, &te) {
			throttled++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if throttled == 0 {
		t.Fatal("60 requests at once, none throttled at 20 a second")
	}

	before := a.Calls()["XRay.GetTraceSummaries"]
	began := time.Now()
	c, err := countWindow(ctx, x, st.From, st.To, CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	calls := a.Calls()["XRay.GetTraceSummaries"] - before
	want := flow.TraceCounts{Total: st.Total, OK: st.OK, Error: st.Error, Throttle: st.Throttle, Fault: st.Fault, ByService: st.ByService}
	sameCounts(t, c, want)
	// 3000 traces in 64 sub-windows: at least 64 pages; at 20 a second
	// with a burst of 20 that is over two seconds, and some were refused.
	if calls <= 64 || time.Since(began) < 2*time.Second {
		t.Errorf("%d calls in %s: the limit did not bite", calls, time.Since(began))
	}
	// The latency is there: one request takes at least 2 ms.
	t0 := time.Now()
	if _, err := x.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: aws.Time(st.From), EndTime: aws.Time(st.To)}); err != nil && !errors.As(err, new(*xraytypes.ThrottledException)) {
		t.Fatal(err)
	}
	if time.Since(t0) < 2*time.Millisecond {
		t.Errorf("a request took %s, under the 2 ms latency", time.Since(t0))
	}
}
