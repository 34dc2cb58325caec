package steps

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/xray"

	"github.com/xray-wizard/xray-wizard/flow"
)

// summaryAPI is the part of the X-Ray client a count uses.
type summaryAPI interface {
	GetTraceSummaries(context.Context, *xray.GetTraceSummariesInput, ...func(*xray.Options)) (*xray.GetTraceSummariesOutput, error)
}

// CountOptions shape a count.
type CountOptions struct {
	// Filter is an X-Ray filter expression, passed through.
	Filter string
	// Parallel is how many sub-windows are paged at once (default 16).
	Parallel int
	// SubWindows is how many sub-windows the window is first cut into
	// (default 4 × Parallel, fewer for a window of fewer seconds, more
	// when a sub-window would be longer than maxSubWindow). A sub-window
	// whose first page shows more traces than a few pages hold is cut
	// again (see pieces), so the time a count takes follows the traces,
	// not the window.
	SubWindows int
	// Retryer paces the requests; nil makes one (countRetryer). Share one
	// between counts to keep the pace X-Ray allowed.
	Retryer aws.Retryer
}

// maxSubWindow is the longest time range one GetTraceSummaries request asks
// for. X-Ray's API reference names no limit, but the console queries traces
// at most 6 hours at a time and X-Ray answers long ranges slowly; a window
// longer than this (--since 24h) is always cut into parts this long or
// shorter.
const maxSubWindow = 6 * time.Hour

// countRetryer paces requests to X-Ray: the SDK's adaptive mode, which slows
// the request rate down when X-Ray throttles (429) and speeds it up again,
// retrying the same page (the same NextToken) so no page is lost or counted
// twice. Its retry quota is off, since a 429 storm would otherwise empty it
// and fail the count; a page that still fails after the attempts fails it.
func countRetryer() aws.Retryer {
	return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
			so.MaxAttempts = 15
			so.MaxBackoff = 5 * time.Second
			so.RateLimiter = ratelimit.None
		})
	})
}

// watchThrottles is pace, calling throttled whenever it waits because X-Ray
// throttled a request (429 ThrottledException, and the SDK's other
// throttling codes).
func watchThrottles(pace aws.Retryer, throttled func()) aws.Retryer {
	v2, ok := pace.(aws.RetryerV2)
	if !ok {
		return pace
	}
	return throttleWatch{RetryerV2: v2, throttled: throttled}
}

type throttleWatch struct {
	aws.RetryerV2
	throttled func()
}

// RetryDelay notes a throttle before the pace waits.
func (w throttleWatch) RetryDelay(attempt int, err error) (time.Duration, error) {
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary {
		w.throttled()
	}
	return w.RetryerV2.RetryDelay(attempt, err)
}

// traceIDEpoch reads the epoch second of a trace id, 1-5f84c7a2-….
func traceIDEpoch(id string) (int64, bool) {
	parts := strings.SplitN(id, "-", 3)
	if len(parts) < 3 || parts[0] != "1" || len(parts[1]) != 8 {
		return 0, false
	}
	v, err := strconv.ParseUint(parts[1], 16, 32)
	return int64(v), err == nil
}

// tally is a count in progress. Each of a count's workers keeps one, so
// its per-minute counts are small numbers, made the chart's series once
// the count ends (counts).
type tally struct {
	counts    flow.TraceCounts // without PerMinute
	minute    int64            // the chart's first minute, epoch seconds
	perMinute []int32
}

func newTally(start, end time.Time) tally {
	m0 := start.Truncate(time.Minute)
	n := int(end.Sub(m0)/time.Minute) + 1
	if n < 1 {
		n = 1
	}
	return tally{counts: flow.TraceCounts{ByService: map[string]int{}, Start: start, End: end}, minute: m0.Unix(), perMinute: make([]int32, n)}
}

// add counts one trace. The outcomes are exclusive, worst first: fault
// (5xx), throttle (429), error (other 4xx), ok; so they add up to the total.
// A service the trace names twice counts once.
func (t *tally) add(s *slimSummary) {
	c := &t.counts
	c.Total++
	switch {
	case s.HasFault:
		c.Fault++
	case s.HasThrottle:
		c.Throttle++
	case s.HasError:
		c.Error++
	default:
		c.OK++
	}
	ids := s.ServiceIds
	for i := range ids {
		name := ids[i].Name
		if name == "" || slices.ContainsFunc(ids[:i], func(o struct{ Name string }) bool { return o.Name == name }) {
			continue
		}
		c.ByService[name]++
	}
	if sec, ok := traceIDEpoch(s.Id); ok {
		if i := (sec - t.minute) / 60; i >= 0 && i < int64(len(t.perMinute)) {
			t.perMinute[i]++
		}
	}
}

func (t *tally) merge(o *tally) {
	c := &t.counts
	c.Total += o.counts.Total
	c.OK += o.counts.OK
	c.Error += o.counts.Error
	c.Fault += o.counts.Fault
	c.Throttle += o.counts.Throttle
	for k, v := range o.counts.ByService {
		c.ByService[k] += v
	}
	for i := range t.perMinute {
		t.perMinute[i] += o.perMinute[i]
	}
}

// result is the count with its per-minute series: every minute of the
// window, oldest first, those without traces with 0.
func (t *tally) result() flow.TraceCounts {
	c := t.counts
	c.PerMinute = make([]flow.TraceRate, len(t.perMinute))
	for i, n := range t.perMinute {
		c.PerMinute[i] = flow.TraceRate{Minute: time.Unix(t.minute+int64(i)*60, 0), Count: int(n)}
	}
	return c
}
