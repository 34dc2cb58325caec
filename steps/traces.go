package steps

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Traces counts the traces X-Ray received, proof that the whole path works:
// app → daemon → X-Ray.
type Traces struct{}

// ID names the step.
func (Traces) ID() string { return flow.IDTraces }

// Info describes the step.
func (Traces) Info(env *Env) flow.StepInfo {
	return flow.StepInfo{
		ID:    flow.IDTraces,
		Title: env.T(i18n.TracesTitle),
		Why:   env.T(i18n.TracesWhy),
		// The lab looks in the console; the wizard counts through the API.
		Commands: []string{OpenCommand(runtime.GOOS, ConsoleLinks(env.Region())[0])},
		Equivalent: []string{
			fmt.Sprintf("aws xray get-trace-summaries --region %s --start-time $(date -d '-15 min' +%%s) --end-time $(date +%%s) --time-range-type TraceId", env.Region()),
		},
	}
}

// Check: counting changes nothing, so it always runs.
func (Traces) Check(context.Context, *Env) (Status, error) { return Status{}, nil }

// Plan changes nothing.
func (t Traces) Plan(_ context.Context, env *Env) (flow.Plan, error) {
	in := t.Info(env)
	return flow.Plan{Commands: in.Commands, Equivalent: in.Equivalent}, nil
}

// OpenCommand is the command that opens url in a browser on goos: open on
// macOS, start on Windows, xdg-open elsewhere (a terminal with no desktop,
// as Cloud9's, has none: the URL stands alone for the person to copy).
func OpenCommand(goos, url string) string {
	switch goos {
	case "darwin":
		return "open '" + url + "'"
	case "windows":
		return `start "" "` + url + `"`
	}
	return "xdg-open '" + url + "'"
}

// ConsoleLinks are the X-Ray console pages for the region: the service map
// and the traces.
func ConsoleLinks(region string) []string {
	base := fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s", region, region)
	return []string{base + "#xray:service-map/map", base + "#xray:traces/query"}
}

// Window is the trace window: since the wizard started sending traffic
// (trafficStart, when not zero), else the last --since (15 minutes by
// default).
func (env *Env) Window(trafficStart time.Time) (time.Time, time.Time) {
	end := env.Now()
	if t := trafficStart; !t.IsZero() {
		// Trace ids carry whole seconds: start a second early.
		return t.Add(-time.Second).Truncate(time.Second), end
	}
	since := env.Opts.Since
	if since <= 0 {
		since = 15 * time.Minute
	}
	return end.Add(-since), end
}

// CountTraces counts the traces of the window in X-Ray (see countWindow).
// Each trace falls in exactly one of ok, error (4xx other than 429),
// throttle (429) and fault (5xx), by that order of precedence from the
// worst, so they add up to the total.
func CountTraces(ctx context.Context, env *Env, start, end time.Time, filter string) (flow.TraceCounts, error) {
	return countTraces(ctx, env, start, end, filter, env.countPace())
}

func countTraces(ctx context.Context, env *Env, start, end time.Time, filter string, pace aws.Retryer) (flow.TraceCounts, error) {
	c, err := countWindow(ctx, env.XRay, start, end, CountOptions{Filter: filter, Retryer: pace})
	c.Region = env.Region()
	if err != nil && filter != "" && IsCode(err, "InvalidRequestException") && strings.Contains(strings.ToLower(err.Error()), "filter") {
		return c, &flow.Error{Err: err, Usage: true, Cause: env.T(i18n.ErrBadFilter, filter, ErrorMessage(err)), Fix: env.T(i18n.FixBadFilter)}
	}
	if err != nil {
		return c, env.AWSError("xray:GetTraceSummaries", err)
	}
	return c, nil
}

// Snapshot is what the traces screen shows at one moment: the counts of
// the window and, unless noGraph, the service map. A map X-Ray refuses
// (GetServiceGraph not allowed) is left out with a warning on r, since the
// counts are the proof and the map only the picture.
func Snapshot(ctx context.Context, env *Env, trafficStart time.Time, r flow.Reporter, noGraph bool) (flow.TraceCounts, *flow.ServiceGraph, error) {
	start, end := env.Window(trafficStart)
	// When X-Ray throttles the reads, the count slows down and asks again:
	// say so once, rather than look stuck.
	var once sync.Once
	pace := watchThrottles(env.countPace(), func() {
		once.Do(func() {
			if r != nil {
				progress(env, r, flow.IDTraces, env.T(i18n.MsgThrottled))
			}
		})
	})
	if noGraph {
		c, err := countTraces(ctx, env, start, end, env.Opts.Filter, pace)
		if err == nil {
			withIndexing(ctx, env, r, &c)
		}
		return c, nil, err
	}
	// The map is read while the count pages. It comes in one round trip,
	// and its requests from clients are a first figure: reported, marked
	// an estimate, unless the count is done first. (A filter applies to
	// the count only, so then the map says nothing of it.)
	var g *flow.ServiceGraph
	var gerr error
	var mu sync.Mutex
	counted := false
	done := make(chan struct{})
	go func() {
		defer close(done)
		g, gerr = serviceGraphWith(ctx, env, start, end, pace)
		if gerr != nil || r == nil || env.Opts.Filter != "" {
			return
		}
		if est, ok := estimateCounts(g); ok {
			est.Region = env.Region()
			mu.Lock()
			defer mu.Unlock()
			if !counted {
				r.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Time: env.Now(), Counts: &est, Graph: g})
			}
		}
	}()
	c, err := countTraces(ctx, env, start, end, env.Opts.Filter, pace)
	mu.Lock()
	counted = true
	mu.Unlock()
	<-done
	if err != nil {
		return c, nil, err
	}
	withIndexing(ctx, env, r, &c)
	if gerr != nil {
		if ctx.Err() != nil {
			return c, nil, ctx.Err()
		}
		if r != nil {
			warn(env, r, flow.IDTraces, env.T(i18n.MsgNoServiceMap, gerr.Error()))
		}
		return c, nil, nil
	}
	return c, g, nil
}

// Refresh takes a new Snapshot of the run's window (in, as the run handed
// it on) for the live final screen and reports it as a Traces event; the
// summary's counts and map follow it.
func Refresh(ctx context.Context, env *Env, in Handoff, r flow.Reporter) error {
	c, g, err := Snapshot(ctx, env, in.TrafficStart, r, false)
	if err != nil {
		return err
	}
	c.Sampling = SamplingFacts(ctx, env, in)
	r.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Time: env.Now(), Counts: &c, Graph: g})
	return nil
}

// Apply counts until the traces the traffic made have arrived: X-Ray shows a
// trace some seconds after the daemon uploads it, so it asks again every few
// seconds until the count stops growing or the wait ends. Then it reads the
// service map once.
func (Traces) Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	if env.Opts.TracesOnce {
		return tracesOnce(ctx, env, in, r)
	}
	ctx, cancel := context.WithTimeout(ctx, env.Opts.TracesTimeout)
	defer cancel()
	expect := 0
	if !in.TrafficStart.IsZero() {
		expect = env.Opts.Requests
	}
	progress(env, r, flow.IDTraces, env.T(i18n.MsgWaitingTraces))
	// X-Ray shows traces some seconds after the upload, and the SDK's
	// default sampling records fewer traces than requests: stop when all the
	// requests have traces, or when the count has not grown for a while.
	settle := min(max(10*env.pollEvery(), 2*time.Second), 15*time.Second)
	// When nothing has come after as long, the doctor's checks look for
	// why, rather than the wait running out behind a spinner.
	grace := settle
	begun := time.Now()
	diagnosed := false
	var last flow.TraceCounts
	var out Outcome
	var grew time.Time
	for {
		c, _, err := Snapshot(ctx, env, in.TrafficStart, r, true)
		if err != nil {
			if isDeadline(ctx) && last.Total > 0 {
				break
			}
			if isDeadline(ctx) && errors.Is(err, context.DeadlineExceeded) {
				break // the wait ran out during a count
			}
			return out, err
		}
		if c.Total != last.Total || grew.IsZero() {
			grew = env.Now()
		}
		last = c
		out.Counts = &last
		r.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Time: env.Now(), Counts: &c})
		// With Transaction Search X-Ray indexes a share: none may be.
		if (c.Total > 0 || c.Partial()) && (expect == 0 || c.Total >= expect || env.Now().Sub(grew) >= settle) {
			break
		}
		if c.Total == 0 && !diagnosed && time.Since(begun) >= grace {
			diagnosed = true
			if err := diagnoseNoTraces(ctx, env, r, time.Since(begun)); err != nil {
				return out, err
			}
		}
		countdown(ctx, env, r, flow.IDTraces, env.T(i18n.MsgWaitTraces))
		select {
		case <-time.After(env.pollEvery()):
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			if !isDeadline(ctx) {
				return out, ctx.Err()
			}
			break
		}
	}
	if last.Total == 0 && last.Partial() {
		out.Detail = env.T(i18n.MsgIndexedNone, fmt.Sprintf("%g", last.IndexedPercent), env.Opts.Requests)
		return out, nil
	}
	if last.Total == 0 {
		// The wait ran out: the doctor again, as the daemon's log may say
		// more now, else the doctor's command to see every check.
		dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer dcancel()
		if err := diagnoseNoTraces(dctx, env, r, time.Since(begun)); err != nil {
			return out, err
		}
		return out, &flow.Error{Err: ErrNoTraces, Cause: env.T(i18n.ErrNoTraces, env.Region(), env.Opts.Lang.Duration(env.Opts.TracesTimeout)),
			Fix: env.T(i18n.FixTracesDoctor, env.doctorCommand())}
	}
	last.Sampling = SamplingFacts(ctx, env, in)
	// The map of the same window, once the counts have settled.
	gctx, gcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer gcancel()
	start, end := last.Start, last.End
	if g, err := ServiceGraph(gctx, env, start, end); err != nil {
		warn(env, r, flow.IDTraces, env.T(i18n.MsgNoServiceMap, err.Error()))
	} else {
		out.Graph = g
		r.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Time: env.Now(), Counts: &last, Graph: g})
	}
	out.Detail = env.Opts.Lang.Counted(last.Total, last.OK, last.Error, last.Fault, last.Throttle, last.Partial(), last.IndexedPercent, last.EstimatedTotal())
	return out, nil
}

// tracesOnce is the step for a setup made before (xray-wizard traces): one
// count of the window and its map, no waiting for traffic.
func tracesOnce(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	c, g, err := Snapshot(ctx, env, in.TrafficStart, r, false)
	if err != nil {
		return Outcome{}, err
	}
	c.Sampling = SamplingFacts(ctx, env, in)
	out := Outcome{Counts: &c, Graph: g}
	r.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Time: env.Now(), Counts: &c, Graph: g})
	if c.Total == 0 {
		return out, &flow.Error{Cause: env.T(i18n.ErrNoTracesInWindow, env.Region(), c.Start.Format(time.DateTime), c.End.Format(time.DateTime)),
			Fix: env.T(i18n.FixNoTracesInWindow)}
	}
	out.Detail = env.Opts.Lang.Counted(c.Total, c.OK, c.Error, c.Fault, c.Throttle, c.Partial(), c.IndexedPercent, c.EstimatedTotal())
	return out, nil
}

func (env *Env) pollEvery() time.Duration {
	if env.PollInterval > 0 {
		return env.PollInterval
	}
	return 3 * time.Second
}
