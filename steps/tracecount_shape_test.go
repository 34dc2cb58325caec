package steps

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/sandboxtest"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

// watchedAPI is the X-Ray client with X-Ray's longest time range enforced
// (a range over maxSubWindow is refused, as a request over the API's limit
// would be) and every request's range noted.
type watchedAPI struct {
	api      summaryAPI
	mu       sync.Mutex
	calls    int
	tooLong  int
	perRange map[[2]float64]int
}

func (w *watchedAPI) GetTraceSummaries(ctx context.Context, in *xray.GetTraceSummariesInput, opts ...func(*xray.Options)) (*xray.GetTraceSummariesOutput, error) {
	w.mu.Lock()
	w.calls++
	if w.perRange == nil {
		w.perRange = map[[2]float64]int{}
	}
	w.perRange[[2]float64{float64(in.StartTime.UnixMilli()), float64(in.EndTime.UnixMilli())}]++
	long := in.EndTime.Sub(*in.StartTime) > maxSubWindow
	if long {
		w.tooLong++
	}
	w.mu.Unlock()
	if long {
		return nil, &xraytypes.InvalidRequestException{Message: aws.String("the time range is longer than the API allows")}
	}
	return w.api.GetTraceSummaries(ctx, in, opts...)
}

// longest is the most pages one range (one sub-window) took: the count's
// longest chain of requests one after another.
func (w *watchedAPI) longest() int {
	n := 0
	for _, v := range w.perRange {
		n = max(n, v)
	}
	return n
}

// The shapes of the benchmark, smaller: traces spread over 6 hours, bunched
// in 15 minutes (and as densely as the benchmark's, in 3 minutes) at the
// end of 6 hours and in the middle of 24 hours, and
// spread over 30 hours (a window five times the API's longest range). Each
// counts exactly; no request asks for more than the API allows; and no
// sub-window pages through the bunch alone: the longest chain of pages
// stays near pagesPerPiece whatever the window, and the requests near the
// pages the traces fill.
func TestCountShapesExactAndSpread(t *testing.T) {
	const n = 20000
	now := time.Now().Truncate(time.Second)
	shapes := []struct {
		name         string
		window       time.Duration
		from, to     time.Duration // before now
		sub          int
		maxLongest   int
		maxCallRatio float64 // calls / minimal pages
	}{
		{"even-6h", 6 * time.Hour, 6*time.Hour - time.Minute, 5 * time.Second, 0, 2 * pagesPerPiece, 1.6},
		{"bunched-15m-end-of-6h", 6 * time.Hour, 15 * time.Minute, 5 * time.Second, 0, 2 * pagesPerPiece, 1.6},
		// 110 traces a second: a page is less than the end second of the
		// sub-window before, which X-Ray's answer includes.
		{"dense-3m-end-of-6h", 6 * time.Hour, 3 * time.Minute, 5 * time.Second, 0, 2 * pagesPerPiece, 1.6},
		{"bunched-15m-mid-24h", 24 * time.Hour, 12 * time.Hour, 12*time.Hour - 15*time.Minute, 0, 2 * pagesPerPiece, 1.6},
		{"spread-30h-one-cut", 30 * time.Hour, 30*time.Hour - time.Minute, 5 * time.Second, 1, 2 * pagesPerPiece, 1.6},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			a := sandbox.NewAWS(sandbox.AWSOptions{})
			url, err := a.Listen("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			st, err := a.SeedTracesOver(n, now.Add(-s.from), now.Add(-s.to))
			if err != nil {
				t.Fatal(err)
			}
			w := &watchedAPI{api: sandboxtest.XRay(a.Region(), url)}
			began := time.Now()
			c, err := countWindow(context.Background(), w, now.Add(-s.window), now, CountOptions{SubWindows: s.sub})
			if err != nil {
				t.Fatal(err)
			}
			sameCounts(t, c, flow.TraceCounts{Total: st.Total, OK: st.OK, Error: st.Error, Throttle: st.Throttle, Fault: st.Fault, ByService: st.ByService})
			if w.tooLong > 0 {
				t.Errorf("%d requests over the API's longest range", w.tooLong)
			}
			pages := (n + 99) / 100
			t.Logf("%d calls for %d pages of traces; longest chain %d pages; %d ranges; %s", w.calls, pages, w.longest(), len(w.perRange), time.Since(began))
			if got := w.longest(); got > s.maxLongest {
				t.Errorf("one sub-window took %d pages in a row, want ≤ %d", got, s.maxLongest)
			}
			if r := float64(w.calls) / float64(pages); r > s.maxCallRatio {
				t.Errorf("%d calls for %d pages of traces (%.2f×), want ≤ %.1f×", w.calls, pages, r, s.maxCallRatio)
			}
		})
	}
}

// A window over the API's longest range is cut into parts it allows, even
// asked for one sub-window, and a count of nothing is 0, not an error.
func TestCountLongWindowIsCut(t *testing.T) {
	_, x := xrayOn(t)
	w := &watchedAPI{api: x}
	now := time.Now()
	for _, d := range []time.Duration{6*time.Hour + time.Second, 25 * time.Hour, 72 * time.Hour} {
		t.Run(fmt.Sprint(d), func(t *testing.T) {
			c, err := countWindow(context.Background(), w, now.Add(-d), now, CountOptions{SubWindows: 1, Parallel: 2})
			if err != nil || c.Total != 0 {
				t.Fatalf("count = %d, %v", c.Total, err)
			}
			if w.tooLong > 0 {
				t.Errorf("%d requests over the API's longest range", w.tooLong)
			}
		})
	}
}

func TestSubWindowPieces(t *testing.T) {
	w := subWindow{from: 1000, to: 2000}
	page := func(lo, hi int64, n int) *slimPage {
		p := &slimPage{}
		for i := range n {
			sec := lo + (hi-lo)*int64(i)/int64(max(n-1, 1))
			p.TraceSummaries = append(p.TraceSummaries, slimSummary{Id: fmt.Sprintf("1-%08x-%024x", sec, i)})
		}
		return p
	}
	for _, c := range []struct {
		name string
		p    *slimPage
		want int
	}{
		{"dense: 100 traces in one second: 16 s a piece", page(1990, 1990, 100), 63},
		{"10 s a page: 160 s a piece", page(1990, 1999, 100), 7},
		{"the page spans the whole sub-window: no cut", page(1000, 1999, 100), 1},
		{"only the next sub-window's second: as dense", page(2000, 2000, 100), 63},
		{"outside the range", page(2001, 2005, 100), 1},
		{"empty", &slimPage{}, 1},
	} {
		if got := w.pieces(c.p); got != c.want {
			t.Errorf("%s: pieces = %d, want %d", c.name, got, c.want)
		}
	}
	if got := (subWindow{from: 5, to: 6}).pieces(page(5, 5, 100)); got != 1 {
		t.Errorf("a one-second sub-window cut into %d", got)
	}
	// Pieces partition the seconds, the last keeping the end.
	for _, w := range []subWindow{{from: 10, to: 110}, {from: 10, to: 110, last: true, end: time.Unix(110, 5e8)}, {from: 10, to: 13}} {
		for k := 1; k <= 120; k++ {
			ps := w.cut(k)
			next, secs := w.from, int64(0)
			for _, p := range ps {
				if p.from != next {
					t.Fatalf("%+v cut %d: gap at %+v", w, k, p)
				}
				next = p.to
				secs += p.seconds()
			}
			last := ps[len(ps)-1]
			if secs != w.seconds() || last.to != w.to || last.last != w.last || !last.end.Equal(w.end) && w.last {
				t.Fatalf("%+v cut %d: %+v", w, k, ps)
			}
		}
	}
}
