package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// fakeRun reports a realistic run of the seven steps and asks before the
// three that change things.
func fakeRun(asked *atomic.Int32) func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary {
	return func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary {
		sum := finalSummary()
		sum.Steps = nil
		for _, in := range infos(i18n.En) {
			rep.Report(flow.Event{Step: in.ID, Kind: flow.Started})
			switch in.ID {
			case "oidc", "iamsa", "daemonset":
				plan := flow.Plan{Commands: in.Commands, Changes: []flow.Change{{Action: "create", Kind: "thing", Name: in.ID}}}
				rep.Report(flow.Event{Step: in.ID, Kind: flow.Planning, Plan: &plan})
				ok, err := c.Confirm(ctx, in, plan)
				if err != nil {
					sum.Interrupted = true
					return sum
				}
				asked.Add(1)
				if !ok {
					sum.Steps = append(sum.Steps, flow.StepSummary{ID: in.ID, Status: flow.Skipped})
					rep.Report(flow.Event{Step: in.ID, Kind: flow.Finished, Result: flow.Skipped})
					continue
				}
			case "pods":
				for r := 0; r <= 3; r++ {
					rep.Report(flow.Event{Step: in.ID, Kind: flow.Pods, Pods: pods(r)})
				}
			case "app":
				rep.Report(flow.Event{Step: in.ID, Kind: flow.URL, Message: "http://localhost:40449/"})
			case "traces":
				rep.Report(flow.Event{Step: in.ID, Kind: flow.Traces, Counts: counts})
			}
			rep.Report(flow.Event{Step: in.ID, Kind: flow.Finished, Result: flow.Done, Message: in.ID + " done"})
			sum.Steps = append(sum.Steps, flow.StepSummary{ID: in.ID, Status: flow.Done, Detail: in.ID + " done"})
		}
		return sum
	}
}

// The whole Model in a real Bubble Tea program: Enter at every prompt
// reaches the final screen, whose counts are on the terminal.
func TestTeatestWholeRun(t *testing.T) {
	var asked atomic.Int32
	m := New(context.Background(), Config{Lang: i18n.En, Sandbox: true, Steps: infos(i18n.En), NoColor: true, Start: fakeRun(&asked)})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	var out bytes.Buffer
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		out.Write(b)
		if strings.Contains(out.String(), "X-Ray is set up") {
			return true
		}
		tm.Send(enter) // answers a prompt; ignored while a step runs
		return false
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	tm.Send(enter) // leaves the final screen
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	sum, ok := fm.Summary()
	if !ok || sum.Interrupted || len(sum.Steps) != 7 || sum.Traces.Total != 20 {
		t.Fatalf("summary = %+v", sum)
	}
	for _, s := range sum.Steps {
		if s.Status != flow.Done {
			t.Errorf("step %s: %s", s.ID, s.Status)
		}
	}
	if asked.Load() != 3 {
		t.Errorf("asked %d times, want 3", asked.Load())
	}
	if !strings.Contains(out.String(), "total") || !strings.Contains(out.String(), "PRACTICE SANDBOX") {
		t.Errorf("final output lacks the counts or the sandbox badge")
	}
}

// ctrl+c while a step runs: the step's context is cancelled and the program
// ends with the run marked interrupted.
func TestTeatestCtrlC(t *testing.T) {
	var cancelled atomic.Bool
	start := func(ctx context.Context, rep flow.Reporter, _ flow.Confirmer) flow.Summary {
		rep.Report(flow.Event{Step: "preflight", Kind: flow.Started})
		rep.Report(flow.Event{Step: "preflight", Kind: flow.Progress, Message: "waiting forever"})
		<-ctx.Done()
		cancelled.Store(true)
		return flow.Summary{Interrupted: true}
	}
	m := New(context.Background(), Config{Lang: i18n.En, Steps: infos(i18n.En), NoColor: true, Start: start})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("waiting forever")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(ctrlC)
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if sum, _ := fm.Summary(); !sum.Interrupted {
		t.Errorf("summary not interrupted: %+v", sum)
	}
	if !cancelled.Load() {
		t.Error("the running step's context was not cancelled")
	}
	_, _ = io.Copy(io.Discard, tm.FinalOutput(t))
}

var _ tea.Model = Model{}
