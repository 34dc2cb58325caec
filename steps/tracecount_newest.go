package steps

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// NewestTrace finds the newest trace X-Ray holds from the back before
// before, for a window that holds none: "nothing in the console" when the
// traces are there, only earlier than the time range looked at. It asks
// the nearest hour first, then parts of at most maxSubWindow further back,
// and stops at the first part that holds a trace; found is false when none
// does. A trace's time is the second its id carries (TimeRangeType
// TraceId, as the counts use).
func NewestTrace(ctx context.Context, env *Env, before time.Time, back time.Duration) (newest time.Time, found bool, err error) {
	return newestTrace(ctx, env.XRay, before, back)
}

// newestTries bounds how often a part is asked again above the newest
// trace its first page showed: X-Ray lists the newest first, so once is
// enough; an order that is not would cost a few more requests.
const newestTries = 8

func newestTrace(ctx context.Context, api summaryAPI, before time.Time, back time.Duration) (time.Time, bool, error) {
	floor := before.Add(-back)
	to := before
	for step := time.Hour; to.After(floor); step = maxSubWindow {
		from := to.Add(-step)
		if from.Before(floor) {
			from = floor
		}
		sec, ok, err := newestIn(ctx, api, from, to)
		if err != nil || ok {
			return time.Unix(sec, 0), ok, err
		}
		to = from
	}
	return time.Time{}, false, nil
}

// newestIn is the newest trace id second in [from, to]: the largest of a
// first non-empty page, then asked again above it until nothing newer is
// there.
func newestIn(ctx context.Context, api summaryAPI, from, to time.Time) (int64, bool, error) {
	best, found := int64(0), false
	for range newestTries {
		sec, ok, err := largestOnFirstPage(ctx, api, from, to)
		if err != nil {
			return best, found, err
		}
		if !ok {
			return best, found, nil
		}
		best, found = sec, true
		from = time.Unix(sec+1, 0)
		if from.After(to) {
			break
		}
	}
	return best, found, nil
}

// largestOnFirstPage is the largest id second on the first page of
// [from, to] that lists any trace (X-Ray may answer empty pages with a
// token for more).
func largestOnFirstPage(ctx context.Context, api summaryAPI, from, to time.Time) (int64, bool, error) {
	in := &xray.GetTraceSummariesInput{StartTime: aws.Time(from), EndTime: aws.Time(to), TimeRangeType: xraytypes.TimeRangeTypeTraceId}
	for {
		out, err := api.GetTraceSummaries(ctx, in)
		if err != nil {
			return 0, false, err
		}
		best, found := int64(0), false
		for _, s := range out.TraceSummaries {
			if sec, ok := traceIDEpoch(aws.ToString(s.Id)); ok && sec >= from.Unix() && sec <= to.Unix() && (!found || sec > best) {
				best, found = sec, true
			}
		}
		if found || aws.ToString(out.NextToken) == "" {
			return best, found, nil
		}
		in.NextToken = out.NextToken
	}
}

// SinceFor is the --since that reaches back to a trace age old: the first
// of a few round durations longer than it by a minute at least.
func SinceFor(age time.Duration) string {
	for _, d := range []struct {
		d time.Duration
		s string
	}{{30 * time.Minute, "30m"}, {time.Hour, "1h"}, {2 * time.Hour, "2h"}, {3 * time.Hour, "3h"}, {6 * time.Hour, "6h"},
		{12 * time.Hour, "12h"}, {24 * time.Hour, "24h"}, {48 * time.Hour, "48h"}} {
		if age+time.Minute <= d.d {
			return d.s
		}
	}
	return "720h"
}
