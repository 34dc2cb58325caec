package ui

import (
	"context"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// The doctor's screen: the same model in two phases of its own,
// phaseDoctor (a spinner and the check being made) and phaseDiagnosis
// (every finding, scrollable, until the person leaves), in the same
// frame as the wizard's.

// DoctorConfig is what the doctor's screen needs.
type DoctorConfig struct {
	Lang    i18n.Lang
	Sandbox bool
	// NoColor draws without colours; the command line sets it from
	// NO_COLOR (iostreams). A terminal without colours turns them off too.
	NoColor bool
	// ASCII draws every symbol in ASCII (see Config.ASCII).
	ASCII bool
	// Run runs the checks, reporting a Progress event as each starts, and
	// returns what they found. The screen runs it in a command.
	Run func(ctx context.Context, rep flow.Reporter) flow.Diagnosis
}

// RunDoctor shows the doctor: a spinner with the check being made, then
// every finding, scrollable, until the person leaves.
func RunDoctor(ctx context.Context, cfg DoctorConfig, opts ...tea.ProgramOption) (flow.Diagnosis, error) {
	m := newDoctor(ctx, cfg)
	final, err := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, opts...)...).Run()
	m.pump.close()
	m.cancel()
	if dm, ok := final.(*Model); ok && dm.phase == phaseDiagnosis {
		return dm.doc.diag, err
	}
	return flow.Diagnosis{}, err
}

// doctor is the state of the doctor's screen.
type doctor struct {
	run     func(ctx context.Context, rep flow.Reporter) flow.Diagnosis
	current string // the check being made
	diag    flow.Diagnosis
}

// doctorDoneMsg is what the checks found.
type doctorDoneMsg struct{ d flow.Diagnosis }

// newDoctor makes the model in the doctor's first phase; ctx bounds the
// checks.
func newDoctor(ctx context.Context, cfg DoctorConfig) *Model {
	if cfg.Lang == "" {
		cfg.Lang = i18n.En
	}
	ctx, cancel := context.WithCancel(ctx)
	m := &Model{
		frame: newFrame(cfg.Lang, cfg.NoColor, cfg.ASCII, spinner.Dot),
		cfg:   Config{Lang: cfg.Lang, Sandbox: cfg.Sandbox, NoColor: cfg.NoColor, ASCII: cfg.ASCII},
		phase: phaseDoctor,
		doc:   &doctor{run: cfg.Run},
		ctx:   ctx, cancel: cancel, pump: newPump(),
	}
	m.vp = viewport.New()
	m.reflow()
	return m
}

// diagnoseCmd runs the checks; they report to p as they go.
func diagnoseCmd(ctx context.Context, run func(context.Context, flow.Reporter) flow.Diagnosis, p *pump) tea.Cmd {
	return func() tea.Msg {
		if run == nil {
			return doctorDoneMsg{}
		}
		return doctorDoneMsg{run(ctx, p)}
	}
}

// updateDoctor is Update in the doctor's phases.
func (m *Model) updateDoctor(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if m.phase == phaseDiagnosis {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case batchMsg:
		for _, it := range msg {
			if e, ok := it.(eventMsg); ok && e.ev.Kind == flow.Progress {
				m.doc.current = e.ev.Message
			}
		}
		if m.phase == phaseDiagnosis {
			return m, nil
		}
		return m, m.pump.wait
	case doctorDoneMsg:
		m.phase, m.doc.diag = phaseDiagnosis, msg.d
		m.reflow()
		return m, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Leave) {
			m.quitting = true
			return m, tea.Quit
		}
		return m, scroll(&m.vp, m.keys, msg)
	}
	return m, nil
}

// layoutDoctor sizes the findings' viewport and fills it once they are in.
func (m *Model) layoutDoctor() {
	w := max(m.width-2, 20)
	m.help.SetWidth(max(m.width-2, 1))
	m.vp.SetWidth(w)
	m.vp.SetHeight(max(m.height-4, 3))
	if m.phase == phaseDiagnosis {
		m.vp.SetContentLines(m.findingLines(w))
	}
}

// findingLines are the findings: a mark, the title and what was found;
// under each that is not ok, the evidence, the fix and its command.
func (m *Model) findingLines(w int) []string {
	t := m.lang.T
	d := m.doc.diag
	var out []string
	if d.Healthy() {
		out = append(out, paint(m.st.ok.Bold(true), wrap("✓ "+t(i18n.CLIDoctorHealthy), w))...)
	} else {
		out = append(out, paint(m.st.bad.Bold(true), wrap("✗ "+t(i18n.CLIDoctorUnhealthy, d.Count(flow.CheckFail)), w))...)
	}
	out = append(out, "")
	for _, f := range d.Findings {
		mark, level := f.Status.Mark()
		out = append(out, fit(m.st.level(level).Render(mark)+" "+m.st.head.Render(f.Title), w))
		out = append(out, paint(m.st.text, indent("  ", wrap(f.Summary, w-2)))...)
		if f.Status == flow.CheckOK {
			continue
		}
		for _, e := range f.Evidence {
			out = append(out, paint(m.st.dim, indent("    ", wrap(e, w-4)))...)
		}
		if f.Fix != "" {
			out = append(out, paint(m.st.text, indent("  ", wrap("→ "+f.Fix, w-2)))...)
		}
		if f.Command != "" {
			out = append(out, paint(m.st.code, indent("  ", wrapCommand(f.Command, w-2, "$ ", "  ")))...)
		}
	}
	return out
}

// doctorScreen is the doctor's screen as text: the frame's title with the
// sandbox's badge, then the check being made or the findings and the keys.
func (m *Model) doctorScreen() string {
	badge := ""
	if m.cfg.Sandbox {
		badge = m.st.sandbox.Render(m.lang.T(i18n.UISandbox))
	}
	head := m.title("xray-wizard doctor", badge)
	var body string
	if m.phase == phaseDoctor {
		body = m.spin.View() + " " + m.doc.current
	} else {
		help := m.helpLine(m.phase, nil)
		if note := m.scrollNote(&m.vp); note != "" {
			help = spread(help, m.st.dim.Render(note), m.width)
		}
		body = m.vp.View() + "\n" + help
	}
	return m.glyphs(lipgloss.JoinVertical(lipgloss.Left, head, "", body))
}
