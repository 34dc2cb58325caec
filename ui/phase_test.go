package ui

import (
	"context"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Update tables: a model in a phase, a message in, and what comes out —
// the phase after it and the kind of command it returns.

type cmdKind int

const (
	noCmd   cmdKind = iota
	someCmd         // a command that is not tea.Quit (a wait, a tick)
	quitCmd
)

func kindOf(cmd tea.Cmd) cmdKind {
	switch {
	case cmd == nil:
		return noCmd
	case isQuit(cmd):
		return quitCmd
	}
	return someCmd
}

func (k cmdKind) String() string { return [...]string{"no command", "a command", "tea.Quit"}[k] }

func doctorAt(p phase) *Model {
	m := newDoctor(context.Background(), DoctorConfig{Lang: i18n.En, Sandbox: true, NoColor: true})
	m = feed(m, tea.WindowSizeMsg{Width: 80, Height: 12})
	if p == phaseDiagnosis {
		m = feed(m, doctorDoneMsg{diagnosis()})
	}
	return m
}

func TestDoctorUpdate(t *testing.T) {
	checking := batchMsg{eventMsg{flow.Event{Kind: flow.Progress, Message: "checking the region"}}}
	cases := []struct {
		name  string
		from  phase
		msg   tea.Msg
		phase phase
		cmd   cmdKind
		check func(t *testing.T, m *Model)
	}{
		{"a check starts", phaseDoctor, checking, phaseDoctor, someCmd, func(t *testing.T, m *Model) {
			if m.doc.current != "checking the region" {
				t.Errorf("current = %q", m.doc.current)
			}
		}},
		{"the spinner turns", phaseDoctor, spinner.TickMsg{}, phaseDoctor, someCmd, nil},
		{"the findings come", phaseDoctor, doctorDoneMsg{diagnosis()}, phaseDiagnosis, noCmd, func(t *testing.T, m *Model) {
			if len(m.doc.diag.Findings) != 4 || m.vp.TotalLineCount() == 0 {
				t.Errorf("findings %d, lines %d", len(m.doc.diag.Findings), m.vp.TotalLineCount())
			}
		}},
		{"q while checking leaves", phaseDoctor, keyQ, phaseDoctor, quitCmd, nil},
		{"the spinner stops", phaseDiagnosis, spinner.TickMsg{}, phaseDiagnosis, noCmd, nil},
		{"no more waits", phaseDiagnosis, checking, phaseDiagnosis, noCmd, nil},
		{"q leaves", phaseDiagnosis, keyQ, phaseDiagnosis, quitCmd, nil},
		{"enter leaves", phaseDiagnosis, enter, phaseDiagnosis, quitCmd, nil},
		{"esc leaves", phaseDiagnosis, tea.KeyPressMsg{Code: tea.KeyEscape}, phaseDiagnosis, quitCmd, nil},
		{"ctrl+c leaves", phaseDiagnosis, ctrlC, phaseDiagnosis, quitCmd, nil},
		{"↓ scrolls", phaseDiagnosis, down, phaseDiagnosis, noCmd, func(t *testing.T, m *Model) {
			if m.vp.YOffset() != 1 {
				t.Errorf("offset %d", m.vp.YOffset())
			}
		}},
		{"? is no key of the doctor's", phaseDiagnosis, keyH, phaseDiagnosis, noCmd, func(t *testing.T, m *Model) {
			if m.help.ShowAll {
				t.Error("the full help opened")
			}
		}},
		{"a resize lays out again", phaseDiagnosis, tea.WindowSizeMsg{Width: 60, Height: 30}, phaseDiagnosis, noCmd, func(t *testing.T, m *Model) {
			if m.vp.Width() != 58 || m.vp.Height() != 26 {
				t.Errorf("viewport %dx%d", m.vp.Width(), m.vp.Height())
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := doctorAt(c.from)
			nm, cmd := m.Update(c.msg)
			m = nm.(*Model)
			if m.phase != c.phase {
				t.Errorf("phase %v, want %v", m.phase, c.phase)
			}
			if got := kindOf(cmd); got != c.cmd {
				t.Errorf("%v, want %v", got, c.cmd)
			}
			if c.check != nil {
				c.check(t, m)
			}
		})
	}
}

// The doctor's colours follow the same frame as the wizard's: the
// caller's NoColor, and the terminal's colour profile.
func TestDoctorColourProfile(t *testing.T) {
	m := newDoctor(context.Background(), DoctorConfig{Lang: i18n.En})
	m = feed(m, doctorDoneMsg{diagnosis()})
	if m.st.noColor || len(colours(m.doctorScreen())) == 0 {
		t.Fatal("no colours on a terminal that has them")
	}
	m = feed(m, tea.ColorProfileMsg{Profile: colorprofile.ASCII})
	if !m.st.noColor || len(colours(m.doctorScreen())) > 0 {
		t.Error("an ASCII terminal still gets colours")
	}
	m = feed(m, tea.ColorProfileMsg{Profile: colorprofile.ANSI256})
	if m.st.noColor {
		t.Error("a 256-colour terminal gets none")
	}
	m = newDoctor(context.Background(), DoctorConfig{Lang: i18n.En, NoColor: true})
	m = feed(m, tea.ColorProfileMsg{Profile: colorprofile.TrueColor}, doctorDoneMsg{diagnosis()})
	if !m.st.noColor || len(colours(m.doctorScreen())) > 0 {
		t.Error("DoctorConfig.NoColor lost to the terminal's profile")
	}
}

// The wizard's confirm and cancel phases. Every answer to a step goes out
// in a command: right after Update the step has heard nothing.
func TestConfirmAndCancelUpdate(t *testing.T) {
	type state struct {
		m      *Model
		reply  chan bool // the pending question's
		second chan bool // a second question's, when the case asks one
	}
	asking := func() state {
		msg, reply := askFor(i18n.En, flow.IDOIDC)
		return state{m: feed(newModel(i18n.En, 80, 24), append(preflightDone(), started(flow.IDOIDC), msg)...), reply: reply}
	}
	cancelling := func() state {
		s := asking()
		s.m = feed(s.m, ctrlC)
		return s
	}
	running := func() state {
		return state{m: feed(newModel(i18n.En, 80, 24), append(preflightDone(), started(flow.IDOIDC))...)}
	}
	second, secondReply := askFor(i18n.En, flow.IDIAMSA)
	cases := []struct {
		name  string
		from  func() state
		msg   tea.Msg
		phase phase
		cmd   cmdKind
		// What the steps hear once the command ran: the pending question's
		// answer (nil: none) and the second question's.
		answer, answer2 *bool
	}{
		{"a question while running", running, second, phaseConfirm, noCmd, nil, nil},
		{"a second question settles the first as no", asking, second, phaseConfirm, someCmd, ptr(false), nil},
		{"y answers yes", asking, keyY, phaseConfirm, someCmd, nil, nil}, // huh answers in its own messages
		{"ctrl+c cancels, unanswered", asking, ctrlC, phaseCancel, someCmd, nil, nil},
		{"q cancels too", asking, keyQ, phaseCancel, someCmd, nil, nil},
		{"a question while cancelling goes unanswered", cancelling, second, phaseCancel, noCmd, nil, nil},
		{"Start returns while cancelling", cancelling, doneMsg{flow.Summary{}}, phaseCancel, quitCmd, nil, nil},
		{"ctrl+c again leaves at once", cancelling, ctrlC, phaseCancel, quitCmd, nil, nil},
		{"giving up waiting leaves", cancelling, giveUpMsg{}, phaseCancel, quitCmd, nil, nil},
		{"keys while cancelling do nothing", cancelling, keyY, phaseCancel, noCmd, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.from()
			drain(secondReply)
			nm, cmd := s.m.Update(c.msg)
			m := nm.(*Model)
			if m.phase != c.phase {
				t.Errorf("phase %v, want %v", m.phase, c.phase)
			}
			// Nothing was sent inside Update.
			if v, ok := heard(s.reply); ok {
				t.Fatalf("Update itself answered %v", v)
			}
			if got := kindOf(cmd); got != c.cmd {
				t.Errorf("%v, want %v", got, c.cmd)
			}
			if v, ok := heard(s.reply); ok != (c.answer != nil) || ok && v != *c.answer {
				t.Errorf("the question heard %v (%v), want %v", v, ok, c.answer)
			}
			if v, ok := heard(secondReply); ok != (c.answer2 != nil) || ok && v != *c.answer2 {
				t.Errorf("the second question heard %v (%v), want %v", v, ok, c.answer2)
			}
			if m.phase == phaseCancel && m.ctx.Err() == nil {
				t.Error("cancelling, yet the steps' context is not cancelled")
			}
			if sum, ok := m.Summary(); c.cmd == quitCmd && (!ok || !sum.Interrupted) {
				t.Errorf("left without an interrupted summary: %+v", sum)
			}
		})
	}
}

// answer settles the question in the state at once and replies in the
// command it returns.
func TestAnswerRepliesInItsCommand(t *testing.T) {
	msg, reply := askFor(i18n.En, flow.IDOIDC)
	m := feed(newModel(i18n.En, 80, 24), append(preflightDone(), started(flow.IDOIDC), msg)...)
	cmd := m.answer(true)
	if m.ask != nil || m.phase != phaseRun || m.steps[1].status != stRunning {
		t.Errorf("after answer: ask=%v phase=%v status=%v", m.ask != nil, m.phase, m.steps[1].status)
	}
	if _, ok := heard(reply); ok {
		t.Fatal("answered before the command ran")
	}
	if cmd() != nil {
		t.Error("the reply command returned a message")
	}
	if v, ok := heard(reply); !ok || !v {
		t.Errorf("heard %v (%v), want true", v, ok)
	}
	// A second run of the command (or a late one) never blocks.
	cmd()
	cmd()
	if m.answer(false) != nil {
		t.Error("an answer with no question pending")
	}
}

func ptr[T any](v T) *T { return &v }

// heard takes what the steps' side would read, without waiting.
func heard(c chan bool) (bool, bool) {
	if c == nil {
		return false, false
	}
	select {
	case v := <-c:
		return v, true
	default:
		return false, false
	}
}

func drain(c chan bool) { heard(c) }
