package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// fake is a Start that reports what the real steps report, in the lab's
// order, and asks before the three that change things.
type fake struct {
	lang    i18n.Lang
	asked   chan string   // the step of each question, as it is asked
	answers atomic.Int32  // questions answered
	podsAt  chan struct{} // closed when the pods step waits
	block   bool          // the pods step waits for ctx to end
	ctxErr  atomic.Value  // the context's error when Start returned
	reports atomic.Int32
}

func newFake(l i18n.Lang) *fake {
	return &fake{lang: l, asked: make(chan string, 8), podsAt: make(chan struct{})}
}

func (f *fake) start(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary {
	report := func(e flow.Event) {
		if e.Time.IsZero() {
			e.Time = time.Now()
		}
		f.reports.Add(1)
		rep.Report(e)
	}
	sum := flow.Summary{Sandbox: true, Region: "us-west-2", Cluster: "eksworkshop-eksctl", Console: consoleLinks}
	defer func() { f.ctxErr.Store(fmt.Sprint(ctx.Err())) }()
	finish := func(id string, r flow.Result, detail string, err *flow.Error) {
		report(flow.Event{Step: id, Kind: flow.Finished, Result: r, Message: detail, Err: err})
		ss := flow.StepSummary{ID: id, Status: r, Detail: detail}
		if err != nil {
			ss.Detail, ss.Fix = err.Cause, err.Fix
		}
		sum.Steps = append(sum.Steps, ss)
	}
	for _, in := range infos(f.lang) {
		id := in.ID
		report(flow.Event{Step: id, Kind: flow.Started})
		p := plans[id]
		report(flow.Event{Step: id, Kind: flow.Planning, Plan: &p})
		if p.Mutates() {
			f.asked <- id
			consent, err := c.Confirm(ctx, in, p)
			ok := consent.Yes()
			if err != nil {
				finish(id, flow.Failed, "", &flow.Error{Cause: "interrupted", Err: err})
				sum.Interrupted = true
				return sum
			}
			f.answers.Add(1)
			if !ok {
				finish(id, flow.Skipped, "declined", nil)
				continue
			}
		}
		switch id {
		case flow.IDPreflight:
			report(flow.Event{Step: id, Kind: flow.Target, Message: "eksworkshop-eksctl · us-west-2 · 123456789012"})
			report(flow.Event{Step: id, Kind: flow.Progress, Message: "AWS identity: arn:aws:sts::123456789012:assumed-role/workshop-admin/i-0abc"})
		case flow.IDDaemonSet:
			for _, o := range []string{"ConfigMap default/xray-config", "Service default/xray-service", "DaemonSet default/xray-daemon"} {
				report(flow.Event{Step: id, Kind: flow.Progress, Message: "applying " + o})
			}
		case flow.IDPods:
			// An informer's flood: hundreds of tables in a few milliseconds.
			for i := range 300 {
				report(flow.Event{Step: id, Kind: flow.Pods, Pods: pods(i * 3 / 300)})
			}
			if f.block {
				close(f.podsAt)
				<-ctx.Done()
				finish(id, flow.Failed, "", &flow.Error{Cause: "interrupted", Err: ctx.Err()})
				sum.Interrupted = true
				return sum
			}
			report(flow.Event{Step: id, Kind: flow.Pods, Pods: pods(3)})
		case flow.IDApp:
			report(flow.Event{Step: id, Kind: flow.URL, Message: appURL})
			for sent := 5; sent <= 20; sent += 5 {
				report(flow.Event{Step: id, Kind: flow.Traffic, Load: &flow.TrafficStats{URL: appURL, Sent: sent, Total: 20, Status: map[int]int{200: sent - 2, 404: 1, 500: 1}}})
			}
			sum.AppURL = appURL
		case flow.IDTraces:
			report(flow.Event{Step: id, Kind: flow.Progress, Message: "asking X-Ray for traces"})
			report(flow.Event{Step: id, Kind: flow.Traces, Counts: counts})
			sum.Traces = counts
		}
		finish(id, flow.Done, details[id], nil)
	}
	return sum
}

// answer presses Enter at each of n questions: once a question is asked,
// Enter goes until it is answered (an Enter that comes before the prompt
// is drawn does nothing).
func (f *fake) answer(t *testing.T, tm *teatest.TestModel, n int) {
	t.Helper()
	for i := range n {
		select {
		case <-f.asked:
		case <-time.After(10 * time.Second):
			t.Fatalf("question %d never came", i+1)
		}
		deadline := time.Now().Add(10 * time.Second)
		for f.answers.Load() <= int32(i) {
			if time.Now().After(deadline) {
				t.Fatalf("question %d never answered", i+1)
			}
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			time.Sleep(60 * time.Millisecond)
		}
	}
}

func waitOutput(t *testing.T, tm *teatest.TestModel, out *bytes.Buffer, wants ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		out.Write(b)
		s := out.String()
		for _, w := range wants {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// The whole model in a real Bubble Tea program, 80×24: Enter at every
// prompt reaches the final screen with the trace counts, Enter there
// leaves, and the summary is what Start returned.
func TestProgramWholeRun(t *testing.T) {
	for _, l := range langs {
		t.Run(string(l), func(t *testing.T) {
			f := newFake(l)
			m := New(context.Background(), Config{Lang: l, Sandbox: true, Steps: infos(l), Start: f.start})
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
			f.answer(t, tm, 4)
			var out bytes.Buffer
			done, total := "X-Ray is set up", "total 20"
			if l == i18n.Ja {
				done, total = "X-Ray のセットアップが完了", "合計 20"
			}
			waitOutput(t, tm, &out, done, total)
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
			sum, ok := fm.Summary()
			if !ok || sum.Interrupted || sum.Failed() || len(sum.Steps) != 8 || sum.Traces == nil || sum.Traces.Total != 20 || sum.AppURL != appURL {
				t.Fatalf("summary = %+v", sum)
			}
			for i, s := range sum.Steps {
				if s.ID != flow.AllIDs[i] || s.Status != flow.Done {
					t.Errorf("step %d: %s %s", i, s.ID, s.Status)
				}
			}
			if f.answers.Load() != 4 {
				t.Errorf("%d questions answered, want 4 (oidc, iamsa, daemonset, sampling)", f.answers.Load())
			}
			if fm.ctx.Err() != nil && f.ctxErr.Load() != "<nil>" {
				t.Errorf("the run's context was cancelled during the run: %v", f.ctxErr.Load())
			}
		})
	}
}

// ctrl+c while the pods step waits: Start's context is cancelled, Start
// returns, the program ends and the summary is interrupted.
func TestProgramCtrlC(t *testing.T) {
	f := newFake(i18n.En)
	f.block = true
	m := New(context.Background(), Config{Lang: i18n.En, Sandbox: true, Steps: infos(i18n.En), Start: f.start})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	f.answer(t, tm, 3)
	select {
	case <-f.podsAt:
	case <-time.After(10 * time.Second):
		t.Fatal("the pods step never started")
	}
	var out bytes.Buffer
	waitOutput(t, tm, &out, "Ready")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	sum, ok := fm.Summary()
	if !ok || !sum.Interrupted {
		t.Fatalf("summary = %+v", sum)
	}
	if got := f.ctxErr.Load(); got != context.Canceled.Error() {
		t.Errorf("Start's context ended with %v, want cancelled", got)
	}
	if n := len(sum.Steps); n != 5 || sum.Steps[4].Status != flow.Failed {
		t.Errorf("steps = %+v", sum.Steps)
	}
}

// Run itself, as the command line calls it, with ctrl+c typed on its
// input: it returns the summary marked interrupted, with no error, after
// Start has returned.
func TestRunInterrupted(t *testing.T) {
	f := newFake(i18n.En)
	f.block = true
	in, typing := io.Pipe()
	defer typing.Close()
	type result struct {
		sum flow.Summary
		err error
	}
	res := make(chan result, 1)
	go func() {
		sum, err := Run(context.Background(), Config{Lang: i18n.En, Sandbox: true, Steps: infos(i18n.En), Start: f.start},
			tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24), tea.WithoutSignals())
		res <- result{sum, err}
	}()
	for range 3 {
		select {
		case <-f.asked:
		case <-time.After(10 * time.Second):
			t.Fatal("no question")
		}
		for n := f.answers.Load(); f.answers.Load() == n; time.Sleep(60 * time.Millisecond) {
			if _, err := typing.Write([]byte("\r")); err != nil {
				t.Fatal(err)
			}
		}
	}
	<-f.podsAt
	if _, err := typing.Write([]byte{0x03}); err != nil { // ctrl+c
		t.Fatal(err)
	}
	select {
	case r := <-res:
		if r.err != nil || !r.sum.Interrupted {
			t.Fatalf("Run = %+v, %v", r.sum, r.err)
		}
		if got := f.ctxErr.Load(); got != context.Canceled.Error() {
			t.Errorf("Start's context: %v", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctrl+c")
	}
}

// A Start that ignores its context does not keep the person waiting: Run
// gives up after a bounded wait.
func TestRunGivesUpOnAStuckStart(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	begun := make(chan struct{})
	in, typing := io.Pipe()
	defer typing.Close()
	stuck := func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary {
		rep.Report(flow.Event{Step: flow.IDPreflight, Kind: flow.Started})
		close(begun)
		<-release // ignores ctx
		return flow.Summary{}
	}
	res := make(chan flow.Summary, 1)
	go func() {
		sum, err := Run(context.Background(), Config{Lang: i18n.En, Steps: infos(i18n.En), Start: stuck},
			tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24), tea.WithoutSignals())
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		res <- sum
	}()
	<-begun
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if _, err := typing.Write([]byte{0x03}); err != nil {
		t.Fatal(err)
	}
	select {
	case sum := <-res:
		if !sum.Interrupted {
			t.Errorf("summary = %+v", sum)
		}
		if d := time.Since(start); d < giveUpAfter-100*time.Millisecond || d > giveUpAfter+2*time.Second {
			t.Errorf("gave up after %s, want about %s", d, giveUpAfter)
		}
	case <-time.After(giveUpAfter + 5*time.Second):
		t.Fatal("Run waits for ever on a Start that ignores ctrl+c")
	}
}

// The caller's context ending (a signal handler, a deadline) ends the UI
// and the run, and is an interruption, not an error.
func TestRunCallerContextEnds(t *testing.T) {
	f := newFake(i18n.En)
	ctx, cancel := context.WithCancel(context.Background())
	in, typing := io.Pipe()
	defer typing.Close()
	res := make(chan error, 1)
	var sum flow.Summary
	go func() {
		var err error
		sum, err = Run(ctx, Config{Lang: i18n.En, Steps: infos(i18n.En), Start: f.start},
			tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24), tea.WithoutSignals())
		res <- err
	}()
	<-f.asked
	cancel()
	select {
	case err := <-res:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
		if err != nil {
			t.Errorf("Run returned %v; an ended context is an interruption", err)
		}
		if !sum.Interrupted {
			t.Errorf("summary = %+v", sum)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
}

// NO_COLOR reaches the terminal: through a real program with a terminal
// that has colours, the bytes written have none when NO_COLOR is set, and
// have some when it is not.
func TestProgramNoColor(t *testing.T) {
	run := func(env []string) string {
		f := newFake(i18n.En)
		m := New(context.Background(), Config{Lang: i18n.En, Sandbox: true, Steps: infos(i18n.En), Start: f.start})
		tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
			teatest.WithProgramOptions(tea.WithEnvironment(env)))
		<-f.asked
		var out bytes.Buffer
		waitOutput(t, tm, &out, "Go ahead?", "PRACTICE SANDBOX")
		tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
		b, _ := io.ReadAll(tm.FinalOutput(t))
		return out.String() + string(b)
	}
	term := []string{"TERM=xterm-256color", "TTY_FORCE=1"}
	if c := colours(run(append(term, "NO_COLOR=1"))); len(c) > 0 {
		t.Errorf("NO_COLOR=1: colour sequences reached the terminal: %q", c[:min(len(c), 5)])
	}
	if c := colours(run(term)); len(c) == 0 {
		t.Error("without NO_COLOR the same terminal gets no colour: the check above proves nothing")
	}
}
