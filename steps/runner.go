package steps

import (
	"context"
	"errors"
	"sync"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Runner runs steps in order. The TUI and the non-interactive path both use
// it, with their own Reporter and Confirmer.
type Runner struct {
	Env     *Env
	Steps   []Step
	Confirm flow.Confirmer
	DryRun  bool
	Sandbox bool

	// planOnly: a step needed a change no one could approve (flow.NoOne):
	// the steps after it only plan, as with DryRun.
	planOnly bool

	mu      sync.Mutex
	handoff Handoff // what the steps handed on so far
	counts  *flow.TraceCounts
	graph   *flow.ServiceGraph
}

// Handoff is what the run's steps handed on (the traffic's start, the app's
// URL): the final screen's refresh counts the same window.
func (rn *Runner) Handoff() Handoff {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	return Handoff{AppURL: rn.handoff.AppURL, TrafficStart: rn.handoff.TrafficStart, TrafficEnd: rn.handoff.TrafficEnd,
		RequestsSent: rn.handoff.RequestsSent}
}

// keep takes what a step's Apply handed on.
func (rn *Runner) keep(o Outcome) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.handoff.merge(o)
	if o.Counts != nil {
		rn.counts = o.Counts
	}
	if o.Graph != nil {
		rn.graph = o.Graph
	}
}

// Run runs the steps and returns the summary. It stops at the first failed
// or stopped step; the steps after it are reported as not run.
func (rn *Runner) Run(ctx context.Context, rep flow.Reporter) flow.Summary {
	env := rn.Env
	sum := flow.Summary{Sandbox: rn.Sandbox, DryRun: rn.DryRun}
	if rn.Confirm == nil {
		rn.Confirm = flow.Always{}
	}
	var notRun string // why the steps from here on do not run
	for _, s := range rn.Steps {
		id := s.ID()
		if notRun != "" {
			sum.Steps = append(sum.Steps, flow.StepSummary{ID: id, Status: flow.Skipped, Detail: notRun})
			continue
		}
		ss := rn.runOne(ctx, s, rep)
		sum.Steps = append(sum.Steps, ss)
		switch ss.Status {
		case flow.Failed:
			notRun = env.T(i18n.MsgNotRunAfterFailure)
		case flow.Stopped:
			notRun = env.T(i18n.MsgNotRun)
		}
	}
	if ctx.Err() != nil {
		sum.Interrupted = true
	}
	sum.NotApplied = rn.planOnly
	env.mu.Lock()
	if env.cluster != nil {
		sum.Cluster = env.cluster.Name
	}
	env.mu.Unlock()
	rn.mu.Lock()
	sum.AppURL = rn.handoff.AppURL
	if rn.countsTraces() {
		sum.Traces, sum.Graph = rn.counts, rn.graph
	}
	rn.mu.Unlock()
	sum.Region = env.Region()
	if sum.Region != "" {
		sum.Console = ConsoleLinks(sum.Region)
	}
	return sum
}

func (rn *Runner) countsTraces() bool {
	for _, s := range rn.Steps {
		if s.ID() == flow.IDTraces {
			return true
		}
	}
	return false
}

func (rn *Runner) runOne(ctx context.Context, s Step, rep flow.Reporter) flow.StepSummary {
	env := rn.Env
	id := s.ID()
	finish := func(res flow.Result, detail string, err error, plan *flow.Plan) flow.StepSummary {
		if err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil {
			// The person stopped the run: not a failure of the step.
			res, detail, err = flow.Stopped, env.T(i18n.MsgStoppedByYou), nil
		}
		ev := flow.Event{Step: id, Kind: flow.Finished, Time: env.Now(), Result: res, Message: detail}
		ss := flow.StepSummary{ID: id, Status: res, Detail: detail, Plan: plan}
		if err != nil {
			fe := asFlowError(env, id, err)
			ev.Err = fe
			ev.Message = fe.Cause
			ss.Detail, ss.Fix, ss.Commands = fe.Cause, fe.Fix, fe.Commands
		}
		env.Log.Info("finished", "step", id, "result", res, "detail", ev.Message)
		rep.Report(ev)
		return ss
	}
	rep.Report(flow.Event{Step: id, Kind: flow.Started, Time: env.Now()})
	if err := ctx.Err(); err != nil {
		return finish(flow.Failed, "", err, nil)
	}
	st, err := s.Check(ctx, env)
	if err != nil {
		return finish(flow.Failed, "", err, nil)
	}
	plan, err := s.Plan(ctx, env)
	if err != nil {
		return finish(flow.Failed, "", err, nil)
	}
	rep.Report(flow.Event{Step: id, Kind: flow.Planning, Time: env.Now(), Plan: &plan})
	if rn.DryRun || rn.planOnly {
		detail := st.Detail
		if detail == "" {
			detail = env.T(i18n.MsgPlanned)
		}
		return finish(flow.Planned, detail, nil, &plan)
	}
	if st.Done {
		return finish(flow.Unchanged, st.Detail, nil, nil)
	}
	in := rn.Handoff()
	in.Ask = rn.Confirm
	if plan.Mutates() {
		consent, err := rn.Confirm.Confirm(ctx, s.Info(env), plan)
		if err != nil {
			return finish(flow.Failed, "", err, nil)
		}
		if consent == flow.Unasked {
			// No one to ask and no -y: change nothing, plan the rest.
			rn.planOnly = true
			return finish(flow.Planned, env.T(i18n.MsgNeedsYes), nil, &plan)
		}
		if !consent.Yes() {
			return finish(flow.Skipped, env.T(i18n.MsgDeclined), nil, nil)
		}
		in.Consent = consent
	}
	out, err := s.Apply(ctx, env, in, rep)
	rn.keep(out)
	if err != nil {
		return finish(flow.Failed, "", err, nil)
	}
	return finish(resultOf(plan, out), out.Detail, nil, nil)
}

// resultOf is what an Apply that went well did: what its Outcome says, else
// what its plan said it would do.
func resultOf(plan flow.Plan, out Outcome) flow.Result {
	if out.Result != "" {
		return out.Result
	}
	if !plan.Mutates() {
		return flow.Done
	}
	for _, c := range plan.Changes {
		if c.Action == flow.ActCreate {
			return flow.Created
		}
	}
	return flow.Changed
}

// asFlowError gives every failure a cause, and a fix where one is known.
func asFlowError(env *Env, step string, err error) *flow.Error {
	var fe *flow.Error
	if errors.As(err, &fe) {
		if fe.Step == "" {
			fe.Step = step
		}
		return fe
	}
	if errors.Is(err, context.Canceled) {
		return &flow.Error{Step: step, Cause: env.T(i18n.MsgInterrupted), Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &flow.Error{Step: step, Cause: env.T(i18n.MsgTimedOut), Err: err}
	}
	return &flow.Error{Step: step, Cause: err.Error(), Err: err}
}
