package steps

import (
	"context"
	"fmt"
	"time"


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
		Commands: []string{
			fmt.Sprintf("aws xray get-trace-summaries --region %s --start-time $(date -d '-15 min' +%%s) --end-time $(date +%%s) --time-range-type TraceId", env.Region()),
			"open " + ConsoleLinks(env.Region())[0],
		},
	}
}

// Check: counting changes nothing, so it always runs.
func (Traces) Check(context.Context, *Env) (Status, error) { return Status{}, nil }

// Plan changes nothing.
func (t Traces) Plan(_ context.Context, env *Env) (flow.Plan, error) {
	return flow.Plan{Commands: t.Info(env).Commands}, nil
}

// ConsoleLinks are the X-Ray console pages for the region: the service map
// and the traces.
func ConsoleLinks(region string) []string {
	base := fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s", region, region)
	return []string{base + "#xray:service-map/map", base + "#xray:traces/query"}
}

// Window is the trace window: since the wizard started sending traffic, else
// the last --since (15 minutes by default).
func (env *Env) Window() (time.Time, time.Time) {
	end := env.Now()
	if t := env.TrafficStart(); !t.IsZero() {
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
	c, err := countWindow(ctx, env.XRay, start, end, CountOptions{Filter: filter, Retryer: env.countPace()})
	c.Region = env.Region()
	if err != nil {
		return c, env.awsError("xray:GetTraceSummaries", err)
	}
	return c, nil
}

// Apply counts until the traces the traffic made have arrived: X-Ray shows a
// trace some seconds after the daemon uploads it, so it asks again every few
// seconds until the count stops growing or the wait ends.
func (Traces) Apply(ctx context.Context, env *Env, r flow.Reporter) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, env.Opts.TracesTimeout)
	defer cancel()
	expect := 0
	if !env.TrafficStart().IsZero() {
		expect = env.Opts.Requests
	}
	progress(env, r, flow.IDTraces, env.T(i18n.MsgWaitingTraces))
	// X-Ray shows traces some seconds after the upload, and the SDK's
	// default sampling records fewer traces than requests: stop when all the
	// requests have traces, or when the count has not grown for a while.
	settle := min(max(10*env.pollEvery(), 2*time.Second), 15*time.Second)
	var last flow.TraceCounts
	var grew time.Time
	for {
		start, end := env.Window()
		c, err := CountTraces(ctx, env, start, end, "")
		if err != nil {
			if isDeadline(ctx) && last.Total > 0 {
				break
			}
			return "", err
		}
		if c.Total != last.Total || grew.IsZero() {
			grew = env.Now()
		}
		last = c
		env.setCounts(c)
		r.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Time: env.Now(), Counts: &c})
		if c.Total > 0 && (expect == 0 || c.Total >= expect || env.Now().Sub(grew) >= settle) {
			break
		}
		select {
		case <-time.After(env.pollEvery()):
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			if !isDeadline(ctx) {
				return "", ctx.Err()
			}
			break
		}
	}
	if last.Total == 0 {
		return "", &flow.Error{Cause: env.T(i18n.ErrNoTraces, env.Region(), env.Opts.TracesTimeout), Fix: env.T(i18n.FixNoTraces, env.Opts.Namespace)}
	}
	return env.T(i18n.MsgTracesCounted, last.Total, last.OK, last.Error, last.Fault, last.Throttle), nil
}

func (env *Env) pollEvery() time.Duration {
	if env.PollInterval > 0 {
		return env.PollInterval
	}
	return 3 * time.Second
}

func (env *Env) setCounts(c flow.TraceCounts) {
	env.mu.Lock()
	env.counts = &c
	env.mu.Unlock()
}

// LastCounts are the latest trace counts, or nil.
func (env *Env) LastCounts() *flow.TraceCounts {
	env.mu.Lock()
	defer env.mu.Unlock()
	return env.counts
}
