package steps

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
	"golang.org/x/sync/errgroup"

	"github.com/xray-wizard/xray-wizard/flow"
)

// How a count finds where the traces are. The window is first cut evenly
// (CountOptions.SubWindows); each sub-window's first page is its probe. A
// sub-window whose first page says more follow is cut again into pieces of
// about pagesPerPiece pages, judged from how many seconds that page's
// traces span, and the page is dropped (its pieces will read those traces
// again). So traces bunched in 15 minutes of a 24-hour window are paged
// by many workers at once instead of by the one or two sub-windows that
// hold them, and empty sub-windows cost one request each.
//
// Whatever order X-Ray returns summaries in, the count stays exact: a page
// is either dropped whole or kept whole, and every piece keeps only the
// trace ids of its own seconds. An order that says nothing about density
// (a page spanning its whole sub-window) only means no cut.
const (
	// pagesPerPiece is the pages a piece is meant to take: enough that
	// dropping each probe page costs little, few enough that 100,000
	// traces make some 60 pieces for 16 workers.
	pagesPerPiece = 16
	// maxPieces bounds one cut; a piece still too full is cut again.
	maxPieces = 64
)

// subWindow is one part of the window: traces whose id carries an epoch
// second in [from, to) — or [from, to] for the last.
type subWindow struct {
	from, to int64
	last     bool
	end      time.Time // the query's end: to, or the window's end for the last
}

// splitWindow cuts [start, end] into n sub-windows on whole seconds, more
// when one would be longer than maxSubWindow. Trace ids carry whole seconds
// (TimeRangeType TraceId), so the parts hold every trace of the window
// exactly once.
func splitWindow(start, end time.Time, n int) []subWindow {
	whole := subWindow{from: start.Unix(), to: end.Unix(), last: true, end: end}
	secs := whole.seconds()
	n = int(min(int64(max(n, 1)), secs))
	if long := int((secs + int64(maxSubWindow/time.Second) - 1) / int64(maxSubWindow/time.Second)); n < long {
		n = long
	}
	return whole.cut(n)
}

// seconds is how many id seconds the sub-window holds.
func (w subWindow) seconds() int64 {
	if w.last {
		return w.to - w.from + 1
	}
	return w.to - w.from
}

// cut divides the sub-window into k parts on whole seconds; the last part
// ends where the sub-window ends.
func (w subWindow) cut(k int) []subWindow {
	secs := w.seconds()
	k = int(min(int64(max(k, 1)), max(secs, 1)))
	out := make([]subWindow, 0, k)
	for i := range k {
		a := w.from + secs*int64(i)/int64(k)
		b := w.from + secs*int64(i+1)/int64(k)
		p := subWindow{from: a, to: b, end: time.Unix(b, 0)}
		if i == k-1 {
			p.to, p.last, p.end = w.to, w.last, w.end
		}
		out = append(out, p)
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

// pieces is how many parts a sub-window whose first page was not its last
// should be cut into: the page's traces span some seconds, so a piece gets
// about pagesPerPiece pages' worth of seconds. The page's traces of the
// query's end second count too, though they belong to the next sub-window:
// they tell the density as well, and a page listing the newest traces
// first may hold nothing else. One means: page it through.
func (w subWindow) pieces(page *slimPage) int {
	secs := w.seconds()
	if secs < 2 || len(page.TraceSummaries) == 0 {
		return 1
	}
	seen := 0
	lo, hi := w.to, w.from
	for i := range page.TraceSummaries {
		if sec, ok := traceIDEpoch(page.TraceSummaries[i].Id); ok && sec >= w.from && sec <= w.to {
			seen++
			lo, hi = min(lo, sec), max(hi, sec)
		}
	}
	if seen == 0 {
		return 1
	}
	span := hi - lo + 1
	per := max(pagesPerPiece*int64(len(page.TraceSummaries))*span/int64(seen), 1)
	return int(min((secs+per-1)/per, maxPieces, secs))
}

// countWindow counts the traces of [start, end] (start taken down to its
// second): o.Parallel workers page the sub-windows, cutting those that hold
// many traces again (see pieces), each page folded into the worker's counts
// as it arrives so memory does not grow with the number of traces.
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
		return total.result(), nil
	}
	c := &counter{api: api, filter: o.Filter, pace: func(opts *xray.Options) {
		opts.Retryer = o.Retryer
		opts.APIOptions = append(opts.APIOptions, slimSummaries)
	}}
	q := newWindowQueue(splitWindow(start, end, o.SubWindows))
	g, ctx := errgroup.WithContext(ctx)
	var mu sync.Mutex
	for range o.Parallel {
		g.Go(func() error {
			part := newTally(start, end)
			for {
				w, ok := q.take()
				if !ok {
					break
				}
				more, err := c.page(ctx, w, &part)
				if err != nil {
					q.halt()
					return err
				}
				q.done(more)
			}
			mu.Lock()
			total.merge(&part)
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	return total.result(), err
}

// counter is what every worker of a count shares.
type counter struct {
	api    summaryAPI
	filter string
	pace   func(*xray.Options)
}

// page pages one sub-window into t, or, when its first page shows it holds
// many pages, returns the pieces to page instead, having counted nothing.
func (c *counter) page(ctx context.Context, w subWindow, t *tally) ([]subWindow, error) {
	in := &xray.GetTraceSummariesInput{
		StartTime:     aws.Time(time.Unix(w.from, 0)),
		EndTime:       aws.Time(w.end),
		TimeRangeType: xraytypes.TimeRangeTypeTraceId,
	}
	if c.filter != "" {
		in.FilterExpression = aws.String(c.filter)
	}
	p := xray.NewGetTraceSummariesPaginator(c.api, in)
	first := true
	for p.HasMorePages() {
		out, err := p.NextPage(ctx, c.pace)
		if err != nil {
			return nil, err
		}
		page := pageOf(out)
		if first && aws.ToString(out.NextToken) != "" {
			if k := w.pieces(page); k > 1 {
				return w.cut(k), nil
			}
		}
		first = false
		for i := range page.TraceSummaries {
			if s := &page.TraceSummaries[i]; w.holds(s.Id) {
				t.add(s)
			}
		}
	}
	return nil, nil
}

// pageOf is the page an output carries: the slim page the count's decoder
// left, else one made from the SDK's types.
func pageOf(out *xray.GetTraceSummariesOutput) *slimPage {
	if page := slimOf(out); page != nil {
		return page
	}
	page := &slimPage{NextToken: out.NextToken, TraceSummaries: make([]slimSummary, len(out.TraceSummaries))}
	for i, s := range out.TraceSummaries {
		d := &page.TraceSummaries[i]
		d.Id, d.HasFault, d.HasThrottle, d.HasError = aws.ToString(s.Id), aws.ToBool(s.HasFault), aws.ToBool(s.HasThrottle), aws.ToBool(s.HasError)
		for _, sid := range s.ServiceIds {
			d.ServiceIds = append(d.ServiceIds, struct{ Name string }{aws.ToString(sid.Name)})
		}
	}
	return page
}

// windowQueue holds the sub-windows still to page. Workers take from it and
// put back the pieces of those they cut; it is empty for good when nothing
// is queued and no worker is paging.
type windowQueue struct {
	mu      sync.Mutex
	wake    sync.Cond
	todo    []subWindow
	working int
	stopped bool
}

func newWindowQueue(ws []subWindow) *windowQueue {
	q := &windowQueue{todo: ws}
	q.wake.L = &q.mu
	return q
}

// take waits for a sub-window; false when there is none left to page.
func (q *windowQueue) take() (subWindow, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.todo) == 0 && q.working > 0 && !q.stopped {
		q.wake.Wait()
	}
	if q.stopped || len(q.todo) == 0 {
		return subWindow{}, false
	}
	w := q.todo[0]
	q.todo = q.todo[1:]
	q.working++
	return w, true
}

// done ends a take, queueing the pieces it was cut into.
func (q *windowQueue) done(more []subWindow) {
	q.mu.Lock()
	q.todo = append(q.todo, more...)
	q.working--
	q.mu.Unlock()
	q.wake.Broadcast()
}

// halt stops every worker: the count failed.
func (q *windowQueue) halt() {
	q.mu.Lock()
	q.stopped = true
	q.mu.Unlock()
	q.wake.Broadcast()
}
