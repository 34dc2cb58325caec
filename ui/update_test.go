package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// isQuit reports whether cmd is tea.Quit. A command that takes longer
// than a moment (a tick) is not.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	res := make(chan tea.Msg, 1)
	go func() { res <- cmd() }()
	select {
	case msg := <-res:
		_, ok := msg.(tea.QuitMsg)
		return ok
	case <-time.After(50 * time.Millisecond):
		return false
	}
}

func askFor(l i18n.Lang, id string) (confirmMsg, chan bool) {
	reply := make(chan bool, 1)
	return confirmMsg{step: info(l, id), plan: *plan(id), reply: reply}, reply
}

func TestWindowSizeReflows(t *testing.T) {
	m := newModel(i18n.En, 80, 24)
	if m.wide() || m.paneWidth() != 80 {
		t.Fatalf("80 columns: wide=%v pane=%d", m.wide(), m.paneWidth())
	}
	m = feed(m, append(upTo(flow.IDIAMSA), tea.WindowSizeMsg{Width: 120, Height: 40})...)
	if m.width != 120 || m.height != 40 || !m.wide() {
		t.Fatalf("after resize: %dx%d wide=%v", m.width, m.height, m.wide())
	}
	// The wrapped text follows the pane's new width.
	for _, l := range m.steps[2].why {
		if w := len([]rune(l)); w > m.paneWidth() {
			t.Errorf("why line wider than the pane: %q", l)
		}
	}
	if len(m.steps[2].why) != 2 {
		t.Errorf("at %d columns the why takes %d lines, want 2", m.paneWidth(), len(m.steps[2].why))
	}
	m = feed(m, tea.WindowSizeMsg{Width: 60, Height: 20})
	if m.wide() || m.vp.Width() != 60 {
		t.Errorf("60 columns: wide=%v viewport=%d", m.wide(), m.vp.Width())
	}
}

func TestEventsFoldIntoState(t *testing.T) {
	m := newModel(i18n.En, 80, 24)
	m = feed(m, preflightDone()...)
	if m.steps[0].status != stDone || m.steps[0].detail != details[flow.IDPreflight] {
		t.Errorf("preflight: %+v", m.steps[0])
	}
	if m.target != "eksworkshop-eksctl · us-west-2 · 123456789012" {
		t.Errorf("target = %q", m.target)
	}
	m = feed(m, started(flow.IDOIDC))
	if m.cur != 1 || m.steps[1].status != stRunning {
		t.Errorf("Started: cur=%d status=%v", m.cur, m.steps[1].status)
	}
	// Planning: the plan's commands replace the info's.
	p := flow.Plan{Commands: []string{"eksctl utils associate-iam-oidc-provider --approve"}}
	m = feed(m, ev(flow.IDOIDC, flow.Planning, func(e *flow.Event) { e.Plan = &p }))
	if m.steps[1].plan == nil || len(m.steps[1].cmds) != 1 || !strings.Contains(m.steps[1].cmds[0][0], "--approve") {
		t.Errorf("Planning: cmds = %v", m.steps[1].cmds)
	}
	for i := range 6 {
		m = feed(m, progressed(flow.IDOIDC, "line "+string(rune('a'+i))))
	}
	if got := m.steps[1].progress; len(got) != keepProgress || got[len(got)-1] != "line f" {
		t.Errorf("Progress keeps the last %d: %v", keepProgress, got)
	}
	m = feed(m, ev(flow.IDOIDC, flow.Warning, func(e *flow.Event) { e.Message = "thumbprint not needed" }))
	if len(m.steps[1].warnings) != 1 {
		t.Errorf("Warning: %v", m.steps[1].warnings)
	}
	m = feed(m, ev(flow.IDPods, flow.Pods, func(e *flow.Event) { e.Pods = pods(1) }),
		ev(flow.IDApp, flow.Traffic, func(e *flow.Event) { e.Load = traffic }),
		ev(flow.IDTraces, flow.Traces, func(e *flow.Event) { e.Counts = counts }))
	if m.pods == nil || m.pods.Ready != 1 || m.load != traffic || m.counts != counts {
		t.Errorf("snapshots: pods=%v load=%v counts=%v", m.pods, m.load, m.counts)
	}
	if m.url != appURL {
		t.Errorf("Traffic without a URL event: url = %q", m.url)
	}
	m = feed(m, ev(flow.IDApp, flow.URL, func(e *flow.Event) { e.Message = "http://other/" }))
	if m.url != "http://other/" {
		t.Errorf("URL: %q", m.url)
	}
	m = feed(m, ev(flow.IDOIDC, flow.Finished, func(e *flow.Event) {
		e.Result, e.Message, e.Err = flow.Failed, "denied", &flow.Error{Cause: "denied", Fix: "allow it"}
	}))
	if s := m.steps[1]; s.status != stFailed || s.err == nil || s.err.Fix != "allow it" {
		t.Errorf("Finished failed: %+v", s)
	}
	// Events of a step the UI does not show are ignored, not a panic.
	m = feed(m, started("unknown"), ev("unknown", flow.Finished, nil))
	if m.cur != 1 {
		t.Errorf("unknown step moved the current step to %d", m.cur)
	}
}

// There is one model: Update changes it in place and returns it, so the
// program and the caller of Run see the same state.
func TestUpdateChangesTheOneModel(t *testing.T) {
	m := newModel(i18n.En, 80, 24)
	for _, msg := range []tea.Msg{started(flow.IDPreflight), finished(flow.IDPreflight, flow.Done, "ok"), keyH, tea.WindowSizeMsg{Width: 100, Height: 30}} {
		if nm, _ := m.Update(msg); nm != m {
			t.Fatalf("%T: Update returned another model", msg)
		}
	}
	if m.steps[0].status != stDone || !m.help.ShowAll || m.width != 100 {
		t.Errorf("the model did not change: status=%v help=%v width=%d", m.steps[0].status, m.help.ShowAll, m.width)
	}
}

func TestConfirmRequestShowsThePrompt(t *testing.T) {
	msg, reply := askFor(i18n.En, flow.IDOIDC)
	m := feed(newModel(i18n.En, 80, 24), append(preflightDone(), started(flow.IDOIDC), msg)...)
	if m.phase != phaseConfirm || m.ask == nil || m.cur != 1 {
		t.Fatalf("phase=%v ask=%v cur=%d", m.phase, m.ask != nil, m.cur)
	}
	s := screen(m)
	contains(t, "confirm screen", s, "? oidc", "Go ahead?", "[ Apply ]", "Skip", "+ create IAM OIDC provider", "enter/y apply", "n skip")
	select {
	case v := <-reply:
		t.Fatalf("answered %v before any key", v)
	default:
	}
}

// y and Enter apply, n skips, → then Enter skips: the answer goes to the
// reply channel the steps wait on, and the screen goes back to running.
func TestConfirmKeysAnswer(t *testing.T) {
	cases := []struct {
		name string
		keys []tea.KeyPressMsg
		want bool
	}{
		{"enter", []tea.KeyPressMsg{enter}, true},
		{"y", []tea.KeyPressMsg{keyY}, true},
		{"n", []tea.KeyPressMsg{keyN}, false},
		{"right enter", []tea.KeyPressMsg{right, enter}, false},
		{"right right enter", []tea.KeyPressMsg{right, right, enter}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg, reply := askFor(i18n.En, flow.IDOIDC)
			m := feed(newModel(i18n.En, 80, 24), append(preflightDone(), started(flow.IDOIDC), msg)...)
			for _, k := range c.keys {
				m, _ = press(t, m, k)
			}
			select {
			case got := <-reply:
				if got != c.want {
					t.Errorf("answered %v, want %v", got, c.want)
				}
			default:
				t.Fatalf("no answer; screen:\n%s", screen(m))
			}
			if m.phase != phaseRun || m.ask != nil {
				t.Errorf("after the answer: phase=%v ask=%v", m.phase, m.ask != nil)
			}
			if m.ctx.Err() != nil {
				t.Error("answering cancelled the run")
			}
		})
	}
}

func TestKeysWhileRunningDoNothing(t *testing.T) {
	m := feed(newModel(i18n.En, 80, 24), upTo(flow.IDDaemonSet)...)
	for _, k := range []tea.KeyPressMsg{enter, keyY, keyN, right} {
		var cmd tea.Cmd
		nm, cmd := m.Update(k)
		m = nm.(*Model)
		if cmd != nil || m.ctx.Err() != nil || m.phase != phaseRun {
			t.Errorf("%s while running: cmd=%v cancelled=%v", k, cmd != nil, m.ctx.Err() != nil)
		}
	}
}

// ctrl+c cancels the steps' context and waits for Start to return: the
// pending question is not answered (Confirm returns the context's error),
// nothing quits until the summary comes, and the summary is interrupted.
func TestCtrlCCancelsAndWaitsForStart(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{ctrlC, keyQ} {
		t.Run(k.String(), func(t *testing.T) {
			msg, reply := askFor(i18n.En, flow.IDOIDC)
			m := feed(newModel(i18n.En, 80, 24), append(preflightDone(), started(flow.IDOIDC), msg)...)
			nm, cmd := m.Update(k)
			m = nm.(*Model)
			if !errors.Is(m.ctx.Err(), context.Canceled) {
				t.Fatal("the steps' context is not cancelled")
			}
			if !m.cancelling() || m.ask != nil || m.quitting {
				t.Errorf("cancelling=%v ask=%v quitting=%v", m.cancelling(), m.ask != nil, m.quitting)
			}
			select {
			case v := <-reply:
				t.Errorf("the question was answered %v", v)
			default:
			}
			if cmd == nil || isQuit(cmd) {
				t.Fatal("want the bounded wait (a tick), not nothing and not an immediate quit")
			}
			contains(t, "cancelling screen", screen(m), "Stopping the running step")
			nm, cmd = m.Update(doneMsg{flow.Summary{Steps: []flow.StepSummary{{ID: flow.IDPreflight, Status: flow.Done}}}})
			m = nm.(*Model)
			sum, ok := m.Summary()
			if !ok || !sum.Interrupted || !isQuit(cmd) {
				t.Errorf("after Start returned: summary=%+v quit=%v", sum, isQuit(cmd))
			}
		})
	}
}

func TestCtrlCTwiceQuitsAtOnce(t *testing.T) {
	m := feed(newModel(i18n.En, 80, 24), upTo(flow.IDPods)...)
	m = feed(m, ctrlC)
	nm, cmd := m.Update(ctrlC)
	m = nm.(*Model)
	sum, ok := m.Summary()
	if !isQuit(cmd) || !ok || !sum.Interrupted {
		t.Fatalf("second ctrl+c: quit=%v summary=%+v", isQuit(cmd), sum)
	}
	if len(sum.Steps) != 5 || sum.Steps[4].ID != flow.IDPods || sum.Steps[4].Status != flow.Stopped || sum.Steps[4].Detail != "stopped by you" {
		t.Errorf("the partial summary = %+v", sum.Steps)
	}
}

func TestGiveUpWaitingForStart(t *testing.T) {
	m := feed(newModel(i18n.En, 80, 24), upTo(flow.IDApp)...)
	m = feed(m, ctrlC)
	nm, cmd := m.Update(giveUpMsg{})
	m = nm.(*Model)
	if sum, ok := m.Summary(); !isQuit(cmd) || !ok || !sum.Interrupted || !sum.Sandbox {
		t.Errorf("give up: quit=%v summary=%+v", isQuit(cmd), sum)
	}
	// A late give-up after the final screen changes nothing.
	f := phases(i18n.En, 80, 24)["final"]
	if _, cmd := f.Update(giveUpMsg{}); cmd != nil {
		t.Error("give-up on the final screen did something")
	}
}

func TestDoneShowsTheFinalScreen(t *testing.T) {
	m := phases(i18n.En, 80, 24)["final"]
	if m.phase != phaseFinal || m.sum == nil || m.quitting {
		t.Fatalf("phase=%v", m.phase)
	}
	// Nothing animates any more: ticks stop.
	if _, cmd := m.Update(spinner.TickMsg{ID: m.spin.ID()}); cmd != nil {
		t.Error("the spinner still ticks on the final screen")
	}
	if _, cmd := m.Update(clockMsg(clock)); cmd != nil {
		t.Error("the clock still ticks on the final screen")
	}
	// ↓ scrolls (the screen is longer than 80×24), enter and q leave.
	if m.vp.TotalLineCount() <= m.vp.Height() {
		t.Fatalf("final screen fits (%d lines in %d): the scroll test needs more", m.vp.TotalLineCount(), m.vp.Height())
	}
	s := feed(m, down, down)
	if s.vp.YOffset() != 2 {
		t.Errorf("↓↓ scrolled to %d", s.vp.YOffset())
	}
	for _, k := range []tea.KeyPressMsg{enter, keyQ, ctrlC} {
		if _, cmd := m.Update(k); !isQuit(cmd) {
			t.Errorf("%s does not leave the final screen", k)
		}
	}
	if sum, _ := m.Summary(); sum.Interrupted || sum.Traces.Total != 20 {
		t.Errorf("summary = %+v", sum)
	}
}

func TestFailedRunMarksTheStepsAfter(t *testing.T) {
	m := phases(i18n.En, 80, 24)["failed_final"]
	want := []status{stDone, stDone, stFailed, stSkipped, stSkipped, stSkipped, stSkipped, stSkipped}
	for i, s := range m.steps {
		if s.status != want[i] {
			t.Errorf("%s: %v, want %v", s.info.ID, s.status, want[i])
		}
	}
}

// Start returning while a step still runs (it was cut short) leaves no
// spinner on the final screen.
func TestStepRunningAtDoneIsNotLeftSpinning(t *testing.T) {
	m := feed(newModel(i18n.En, 80, 24), append(upTo(flow.IDPods), doneMsg{flow.Summary{}})...)
	if m.steps[4].status != stFailed {
		t.Errorf("pods: %v", m.steps[4].status)
	}
}

// A batch applies its messages in order and asks for the next batch,
// except after the summary.
func TestBatchAndTheNextWait(t *testing.T) {
	m := newModel(i18n.En, 80, 24)
	nm, cmd := m.Update(batchMsg(preflightDone()))
	m = nm.(*Model)
	if cmd == nil || m.steps[0].status != stDone {
		t.Fatalf("batch: cmd=%v preflight=%v", cmd != nil, m.steps[0].status)
	}
	nm, cmd = m.Update(batchMsg{doneMsg{finalSummary()}})
	m = nm.(*Model)
	if cmd != nil || m.phase != phaseFinal {
		t.Errorf("after the summary: cmd=%v phase=%v", cmd != nil, m.phase)
	}
}

func TestHelpToggles(t *testing.T) {
	m := feed(newModel(i18n.Ja, 80, 24), upTo(flow.IDDaemonSet)...)
	short := len(m.footer(80))
	m = feed(m, keyH)
	if !m.help.ShowAll || len(m.footer(80)) <= short {
		t.Fatalf("? did not open the full help")
	}
	contains(t, "full help", screen(m), "ctrl+c", "再実行")
	m = feed(m, keyH)
	if m.help.ShowAll {
		t.Error("? did not close the full help")
	}
}

func TestColourProfile(t *testing.T) {
	m := New(context.Background(), Config{Lang: i18n.En, Steps: infos(i18n.En)})
	if m.st.noColor {
		t.Fatal("colours off without NO_COLOR")
	}
	m = feed(m, tea.ColorProfileMsg{Profile: colorprofile.ASCII})
	if !m.st.noColor {
		t.Error("an ASCII terminal still gets colours")
	}
	m = feed(m, tea.ColorProfileMsg{Profile: colorprofile.ANSI256})
	if m.st.noColor {
		t.Error("a 256-colour terminal gets none")
	}
	m = New(context.Background(), Config{Lang: i18n.En, Steps: infos(i18n.En), NoColor: true})
	m = feed(m, tea.ColorProfileMsg{Profile: colorprofile.TrueColor})
	if !m.st.noColor {
		t.Error("Config.NoColor lost to the terminal's profile")
	}
}

func TestClockMovesAges(t *testing.T) {
	m := phases(i18n.En, 80, 24)["pods"]
	m = feed(m, clockMsg(clock.Add(2*time.Minute)))
	contains(t, "pods two minutes later", screen(m), "2m5s", "2m7s")
}

// The help line follows the prompt's focus: once Skip has it, Enter skips.
func TestHelpFollowsThePromptsFocus(t *testing.T) {
	msg, _ := askFor(i18n.En, flow.IDOIDC)
	m := feed(newModel(i18n.En, 80, 24), append(preflightDone(), started(flow.IDOIDC), msg)...)
	contains(t, "Apply focused", screen(m), "enter/y apply", "n skip", "[ Apply ]")
	m, _ = press(t, m, right)
	contains(t, "Skip focused", screen(m), "y apply", "enter/n skip", "[ Skip ]")
	if strings.Contains(screen(m), "enter/y apply") {
		t.Error("the help still says Enter applies")
	}
}

func TestNoStepsNoPanic(t *testing.T) {
	m := New(context.Background(), Config{Lang: i18n.Ja, NoColor: true})
	m = feed(m, tea.WindowSizeMsg{Width: 80, Height: 24}, started("x"), doneMsg{flow.Summary{}})
	if m.phase != phaseFinal {
		t.Errorf("phase %v", m.phase)
	}
	_ = m.View()
}
