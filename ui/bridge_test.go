package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

func waitBatch(t *testing.T, p *pump) batchMsg {
	t.Helper()
	res := make(chan tea.Msg, 1)
	go func() { res <- p.wait() }()
	select {
	case msg := <-res:
		b, ok := msg.(batchMsg)
		if !ok {
			t.Fatalf("wait returned %T", msg)
		}
		return b
	case <-time.After(2 * time.Second):
		t.Fatal("no batch")
	}
	return nil
}

// A flood of pod tables costs one message: the newest table, in its place
// among the other events.
func TestPumpCoalescesSnapshots(t *testing.T) {
	p := newPump()
	p.Report(flow.Event{Step: flow.IDPods, Kind: flow.Started})
	for i := range 500 {
		p.Report(flow.Event{Step: flow.IDPods, Kind: flow.Pods, Pods: &flow.PodTable{Ready: i, Desired: 3}})
	}
	p.Report(flow.Event{Step: flow.IDPods, Kind: flow.Progress, Message: "restarting"})
	p.Report(flow.Event{Step: flow.IDPods, Kind: flow.Pods, Pods: &flow.PodTable{Ready: 3, Desired: 3}})
	b := waitBatch(t, p)
	if len(b) != 4 {
		t.Fatalf("batch of %d messages, want 4: %v", len(b), b)
	}
	kinds := []flow.Kind{flow.Started, flow.Pods, flow.Progress, flow.Pods}
	for i, msg := range b {
		e := msg.(eventMsg).ev
		if e.Kind != kinds[i] {
			t.Errorf("message %d is %v, want %v", i, e.Kind, kinds[i])
		}
	}
	if got := b[1].(eventMsg).ev.Pods.Ready; got != 499 {
		t.Errorf("the coalesced table is #%d, want the newest (499)", got)
	}
}

// Batches are at least minGap apart, so a flood is a few redraws a second.
func TestPumpSpacesBatches(t *testing.T) {
	p := newPump()
	p.Report(flow.Event{Step: flow.IDPods, Kind: flow.Progress, Message: "a"})
	waitBatch(t, p)
	start := time.Now()
	p.Report(flow.Event{Step: flow.IDPods, Kind: flow.Progress, Message: "b"})
	waitBatch(t, p)
	if d := time.Since(start); d < minGap-5*time.Millisecond {
		t.Errorf("second batch after %s, want ≥ %s", d, minGap)
	}
}

func TestPumpWaitEndsWhenClosed(t *testing.T) {
	p := newPump()
	res := make(chan tea.Msg, 1)
	go func() { res <- p.wait() }()
	p.close()
	select {
	case msg := <-res:
		if msg != nil {
			t.Errorf("wait returned %v after close", msg)
		}
	case <-time.After(time.Second):
		t.Fatal("wait still blocks after close")
	}
}

// The summary comes after everything Start reported, whatever the timing.
func TestStartSummaryComesLast(t *testing.T) {
	p := newPump()
	cfg := Config{Lang: i18n.En, Steps: infos(i18n.En), Start: func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary {
		for _, id := range flow.AllIDs {
			rep.Report(flow.Event{Step: id, Kind: flow.Started})
			rep.Report(flow.Event{Step: id, Kind: flow.Finished, Result: flow.Done})
		}
		return flow.Summary{Cluster: "c"}
	}}
	if msg := startCmd(context.Background(), cfg, p)(); msg != nil {
		t.Errorf("startCmd returned %v", msg)
	}
	b := waitBatch(t, p)
	if len(b) != 17 {
		t.Fatalf("%d messages, want 16 events and the summary", len(b))
	}
	if d, ok := b[16].(doneMsg); !ok || d.sum.Cluster != "c" {
		t.Errorf("last message is %T, want the summary", b[16])
	}
	select {
	case <-p.done:
	default:
		t.Error("Run's wait would not see the summary")
	}
}

func TestStartPanicIsAFailedStep(t *testing.T) {
	p := newPump()
	cfg := Config{Lang: i18n.En, Steps: infos(i18n.En), Start: func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary {
		rep.Report(flow.Event{Step: flow.IDIAMSA, Kind: flow.Started})
		panic("boom")
	}}
	startCmd(context.Background(), cfg, p)()
	b := waitBatch(t, p)
	d, ok := b[len(b)-1].(doneMsg)
	if !ok || !d.sum.Failed() || d.sum.Steps[0].ID != flow.IDIAMSA {
		t.Fatalf("summary after a panic = %+v", d.sum)
	}
}

func TestAskerAnswersAndCancels(t *testing.T) {
	p := newPump()
	ctx, cancel := context.WithCancel(context.Background())
	a := asker{p: p, ctx: ctx}
	type res struct {
		ok  bool
		err error
	}
	got := make(chan res, 1)
	go func() {
		c, err := a.Confirm(ctx, info(i18n.En, flow.IDOIDC), *plan(flow.IDOIDC))
		got <- res{c == flow.Approved, err}
	}()
	b := waitBatch(t, p)
	q, isAsk := b[0].(confirmMsg)
	if !isAsk || q.step.ID != flow.IDOIDC || len(q.plan.Changes) != 1 {
		t.Fatalf("queued %v", b)
	}
	q.reply <- true
	if r := <-got; !r.ok || r.err != nil {
		t.Errorf("answered yes: %+v", r)
	}

	go func() {
		c, err := a.Confirm(ctx, info(i18n.En, flow.IDIAMSA), *plan(flow.IDIAMSA))
		got <- res{c.Yes(), err}
	}()
	waitBatch(t, p)
	cancel()
	select {
	case r := <-got:
		if r.ok || !errors.Is(r.err, context.Canceled) {
			t.Errorf("cancelled: %+v", r)
		}
	case <-time.After(time.Second):
		t.Fatal("Confirm still blocks after the run was cancelled")
	}
	if c, err := a.Confirm(ctx, info(i18n.En, flow.IDIAMSA), flow.Plan{}); c.Yes() || err == nil {
		t.Error("Confirm on a cancelled run asked anyway")
	}
}
