package steps

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
	"golang.org/x/sync/errgroup"

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
	// SubWindows is how many sub-windows the window is split into
	// (default 4 × Parallel, fewer for a window of fewer seconds, more
	// when a sub-window would be longer than maxSubWindow).
	SubWindows int
	// Retryer paces the requests; nil makes one (countRetryer). Share one
	// between counts to keep the pace X-Ray allowed.
	Retryer aws.Retryer
}

// maxSubWindow is the longest time range one GetTraceSummaries request asks
// for: X-Ray answers long ranges slowly, and the sub-windows keep each one
// short.
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

// subWindow is one part of the window: traces whose id carries an epoch
// second in [from, to) — or [from, to] for the last.
type subWindow struct {
	from, to int64
	last     bool
	end      time.Time // the query's end: to, or the window's end for the last
}

// splitWindow cuts [start, end] into n sub-windows on whole seconds. Trace
// ids carry whole seconds (TimeRangeType TraceId), so the parts hold every
// trace of the window exactly once.
func splitWindow(start, end time.Time, n int) []subWindow {
	from := start.Unix()
	to := end.Unix()
	secs := to - from + 1
	n = int(min(int64(max(n, 1)), secs))
	if long := int((secs + int64(maxSubWindow/time.Second) - 1) / int64(maxSubWindow/time.Second)); n < long {
		n = long
	}
	out := make([]subWindow, 0, n)
	for i := range n {
		a := from + secs*int64(i)/int64(n)
		b := from + secs*int64(i+1)/int64(n)
		w := subWindow{from: a, to: b, end: time.Unix(b, 0)}
		if i == n-1 {
			w.last, w.to, w.end = true, to, end
		}
		out = append(out, w)
	}
	return out
}

// holds says whether a trace id belongs to the sub-window. X-Ray's answer
// for a time range may include the traces of its end second; this keeps
// each in the sub-window that starts with it.
func (w subWindow) holds(id string) bool {
	sec, ok := traceIDEpoch(id)
	if !ok {
		return true // not a trace id we can read: count what X-Ray gave
	}
	if w.last {
		return sec >= w.from && sec <= w.to
	}
	return sec >= w.from && sec < w.to
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

// countWindow counts the traces of [start, end] (start taken down to its
// second): the window is split into sub-windows paged concurrently, at most
// o.Parallel at a time, each page folded into the counts as it arrives so
// memory does not grow with the number of traces.
func countWindow(ctx context.Context, api summaryAPI, start, end time.Time, o CountOptions) (flow.TraceCounts, error) {
	start = start.Truncate(time.Second)
	if o.Parallel <= 0 {
		o.Parallel = 16
	}
	if o.SubWindows <= 0 {
		o.SubWindows = 4 * o.Parallel
	}
	if o.Retryer == nil {
		o.Retryer = countRetryer()
	}
	total := newTally(start, end)
	if !end.After(start) {
		return total.counts, nil
	}
	pace := func(opts *xray.Options) {
		opts.Retryer = o.Retryer
		opts.APIOptions = append(opts.APIOptions, slimSummaries)
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Parallel)
	var mu sync.Mutex
	for _, w := range splitWindow(start, end, o.SubWindows) {
		g.Go(func() error {
			part := newTally(start, end)
			in := &xray.GetTraceSummariesInput{
				StartTime:     aws.Time(time.Unix(w.from, 0)),
				EndTime:       aws.Time(w.end),
				TimeRangeType: xraytypes.TimeRangeTypeTraceId,
			}
			if o.Filter != "" {
				in.FilterExpression = aws.String(o.Filter)
			}
			p := xray.NewGetTraceSummariesPaginator(api, in)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx, pace)
				if err != nil {
					return err
				}
				if page := slimOf(out); page != nil {
					for i := range page.TraceSummaries {
						if s := &page.TraceSummaries[i]; w.holds(s.Id) {
							part.add(s.Id, s.HasFault, s.HasThrottle, s.HasError, s.serviceNames())
						}
					}
					continue
				}
				for i := range out.TraceSummaries {
					s := &out.TraceSummaries[i]
					if id := aws.ToString(s.Id); w.holds(id) {
						names := make([]string, len(s.ServiceIds))
						for j, sid := range s.ServiceIds {
							names[j] = aws.ToString(sid.Name)
						}
						part.add(id, aws.ToBool(s.HasFault), aws.ToBool(s.HasThrottle), aws.ToBool(s.HasError), names)
					}
				}
			}
			mu.Lock()
			total.merge(&part)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return total.counts, err
	}
	return total.counts, nil
}

// tally is a count in progress.
type tally struct {
	counts flow.TraceCounts
	minute int64 // the chart's first minute, epoch seconds
}

func newTally(start, end time.Time) tally {
	m0 := start.Truncate(time.Minute)
	n := int(end.Sub(m0)/time.Minute) + 1
	if n < 1 {
		n = 1
	}
	per := make([]flow.TraceRate, n)
	for i := range per {
		per[i].Minute = m0.Add(time.Duration(i) * time.Minute)
	}
	return tally{counts: flow.TraceCounts{ByService: map[string]int{}, Start: start, End: end, PerMinute: per}, minute: m0.Unix()}
}

// add counts one trace. The outcomes are exclusive, worst first: fault
// (5xx), throttle (429), error (other 4xx), ok; so they add up to the total.
func (t *tally) add(id string, fault, throttle, isErr bool, services []string) {
	c := &t.counts
	c.Total++
	switch {
	case fault:
		c.Fault++
	case throttle:
		c.Throttle++
	case isErr:
		c.Error++
	default:
		c.OK++
	}
	for i, name := range services {
		if name == "" || slices.Contains(services[:i], name) {
			continue
		}
		c.ByService[name]++
	}
	if sec, ok := traceIDEpoch(id); ok {
		if i := (sec - t.minute) / 60; i >= 0 && i < int64(len(c.PerMinute)) {
			c.PerMinute[i].Count++
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
	for i := range c.PerMinute {
		c.PerMinute[i].Count += o.counts.PerMinute[i].Count
	}
}
