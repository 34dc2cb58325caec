package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// The bridge between the steps' goroutine and the UI.
//
// Start runs in a command's goroutine. What it reports (events), what it
// asks (confirmations) and how it ended (its summary) go into one ordered
// queue, so the model sees them in the order they happened: a step's
// Finished always comes before the summary. A single "wait" command at a
// time takes everything queued so far as one batchMsg; the model issues the
// next wait after handling the batch. Snapshots (the pod table, traffic,
// trace counts) replace a queued snapshot of the same kind, and batches are
// at least minGap apart, so a flood of pod updates costs a few redraws a
// second, not hundreds.

// minGap is the shortest time between two batches.
const minGap = 50 * time.Millisecond

// Messages from the bridge.
type (
	// batchMsg is everything the steps' side queued since the last batch.
	batchMsg []tea.Msg
	// eventMsg is one event a step reported.
	eventMsg struct{ ev flow.Event }
	// confirmMsg asks the person about a plan; the answer goes to reply.
	confirmMsg struct {
		step  flow.StepInfo
		plan  flow.Plan
		reply chan<- bool
	}
	// doneMsg says Start returned, with its summary.
	doneMsg struct{ sum flow.Summary }
)

// pump is the queue between Start's goroutine and the model. It is the
// flow.Reporter that Start reports to.
type pump struct {
	mu    sync.Mutex
	queue []tea.Msg
	last  time.Time // when the last batch was taken
	step  string    // the step that started last

	wake chan struct{}     // a token: the queue may hold something
	stop chan struct{}     // closed when the UI is gone
	done chan flow.Summary // Start's summary, for Run's bounded wait
	once sync.Once
}

func newPump() *pump {
	return &pump{wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan flow.Summary, 1)}
}

// snapshot reports whether an event carries a whole state that replaces the
// previous one of its kind.
func snapshot(k flow.Kind) bool {
	return k == flow.Pods || k == flow.Traffic || k == flow.Traces
}

// push queues a message. Consecutive snapshots of one step and kind
// collapse into the newest.
func (p *pump) push(msg tea.Msg) {
	p.mu.Lock()
	if e, ok := msg.(eventMsg); ok && e.ev.Kind == flow.Started {
		p.step = e.ev.Step
	}
	if e, ok := msg.(eventMsg); ok && snapshot(e.ev.Kind) && len(p.queue) > 0 {
		if prev, ok := p.queue[len(p.queue)-1].(eventMsg); ok && prev.ev.Kind == e.ev.Kind && prev.ev.Step == e.ev.Step {
			p.queue[len(p.queue)-1] = msg
			p.mu.Unlock()
			return
		}
	}
	p.queue = append(p.queue, msg)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default: // a token is already there
	}
}

// Report implements flow.Reporter; it never blocks.
func (p *pump) Report(e flow.Event) { p.push(eventMsg{e}) }

// finish queues Start's summary, after everything it reported.
func (p *pump) finish(sum flow.Summary) {
	p.push(doneMsg{sum})
	p.done <- sum
}

// close tells the waits and the confirmations that the UI is gone.
func (p *pump) close() { p.once.Do(func() { close(p.stop) }) }

// wait is the command that takes the next batch: it blocks until something
// is queued, keeps batches minGap apart, and returns them as a batchMsg.
func (p *pump) wait() tea.Msg {
	for {
		select {
		case <-p.wake:
		case <-p.stop:
			return nil
		}
		p.mu.Lock()
		gap := minGap - time.Since(p.last)
		p.mu.Unlock()
		if gap > 0 {
			select {
			case <-time.After(gap):
			case <-p.stop:
				return nil
			}
		}
		p.mu.Lock()
		batch := p.queue
		p.queue = nil
		p.last = time.Now()
		p.mu.Unlock()
		if len(batch) > 0 {
			return batchMsg(batch)
		}
		// A stale token: what it announced went out with the last batch.
	}
}

// asker is the flow.Confirmer Start asks through: it queues the question
// and blocks until the person answers, the run is cancelled, or the UI is
// gone.
type asker struct {
	p   *pump
	ctx context.Context // the run's context (ctrl+c cancels it)
}

// Confirm implements flow.Confirmer.
func (a asker) Confirm(ctx context.Context, step flow.StepInfo, plan flow.Plan) (flow.Consent, error) {
	if err := ctx.Err(); err != nil {
		return flow.Declined, err
	}
	reply := make(chan bool, 1)
	a.p.push(confirmMsg{step: step, plan: plan, reply: reply})
	select {
	case ok := <-reply:
		if ok {
			return flow.Approved, nil
		}
		return flow.Declined, nil
	case <-ctx.Done():
		return flow.Declined, ctx.Err()
	case <-a.ctx.Done():
		return flow.Declined, a.ctx.Err()
	case <-a.p.stop:
		return flow.Declined, context.Canceled
	}
}

// startCmd runs Start. It returns no message of its own: the summary goes
// through the queue, behind the events.
func startCmd(ctx context.Context, cfg Config, p *pump) tea.Cmd {
	return func() tea.Msg {
		var sum flow.Summary
		func() {
			// A panic in a step must not leave the terminal in raw mode nor
			// the UI waiting forever: it ends the run as a failure.
			defer func() {
				if r := recover(); r != nil {
					p.mu.Lock()
					id := p.step
					p.mu.Unlock()
					if id == "" && len(cfg.Steps) > 0 {
						id = cfg.Steps[0].ID
					}
					sum = flow.Summary{Sandbox: cfg.Sandbox, DryRun: cfg.DryRun, Steps: []flow.StepSummary{{
						ID: id, Status: flow.Failed, Detail: cfg.Lang.T(i18n.UIInternalError, fmt.Sprint(r)),
					}}}
				}
			}()
			if cfg.Start == nil {
				sum = flow.Summary{Sandbox: cfg.Sandbox, DryRun: cfg.DryRun}
				return
			}
			sum = cfg.Start(ctx, p, asker{p: p, ctx: ctx})
		}()
		p.finish(sum)
		return nil
	}
}
