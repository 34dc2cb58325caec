package ui

import (
	"context"
	"os"

	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// DoctorConfig is what the doctor's screen needs.
type DoctorConfig struct {
	Lang    i18n.Lang
	Sandbox bool
	NoColor bool
	// Run runs the checks, reporting a Progress event as each starts, and
	// returns what they found. The screen runs it in a command.
	Run func(ctx context.Context, rep flow.Reporter) flow.Diagnosis
}

// RunDoctor shows the doctor: a spinner with the check being made, then
// every finding, scrollable, until the person leaves.
func RunDoctor(ctx context.Context, cfg DoctorConfig, opts ...tea.ProgramOption) (flow.Diagnosis, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := newPump()
	m := newDoctorModel(ctx, cfg, p)
	final, err := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, opts...)...).Run()
	p.close()
	if dm, ok := final.(doctorModel); ok && dm.done {
		return dm.diag, err
	}
	return flow.Diagnosis{}, err
}

type doctorDoneMsg struct{ d flow.Diagnosis }

type doctorModel struct {
	cfg           DoctorConfig
	ctx           context.Context
	pump          *pump
	st            styles
	spin          spinner.Model
	vp            viewport.Model
	width, height int
	current       string
	done          bool
	diag          flow.Diagnosis
}

func newDoctorModel(ctx context.Context, cfg DoctorConfig, p *pump) doctorModel {
	if cfg.Lang == "" {
		cfg.Lang = i18n.En
	}
	st := newStyles(cfg.NoColor || os.Getenv("NO_COLOR") != "")
	sp := spinner.New(spinner.WithSpinner(spinner.Dot))
	sp.Style = st.spin
	m := doctorModel{cfg: cfg, ctx: ctx, pump: p, st: st, spin: sp, width: 80, height: 24}
	m.vp = viewport.New(viewport.WithWidth(78), viewport.WithHeight(20))
	return m
}

func (m doctorModel) Init() tea.Cmd {
	run, ctx, p := m.cfg.Run, m.ctx, m.pump
	return tea.Batch(m.spin.Tick, p.wait, func() tea.Msg {
		return doctorDoneMsg{run(ctx, p)}
	})
}

func (m doctorModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case spinner.TickMsg:
		if m.done {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case batchMsg:
		for _, it := range msg {
			if e, ok := it.(eventMsg); ok && e.ev.Kind == flow.Progress {
				m.current = e.ev.Message
			}
		}
		if m.done {
			return m, nil
		}
		return m, m.pump.wait
	case doctorDoneMsg:
		m.done, m.diag = true, msg.d
		m.layout()
		return m, nil
	case tea.KeyPressMsg:
		switch msg.String() {
		case "ctrl+c", "q", "esc", "enter":
			return m, tea.Quit
		}
		var cmd tea.Cmd
		m.vp, cmd = m.vp.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *doctorModel) layout() {
	w := max(m.width-2, 20)
	m.vp.SetWidth(w)
	m.vp.SetHeight(max(m.height-4, 3))
	if m.done {
		m.vp.SetContentLines(m.findingLines(w))
	}
}

// findingLines are the findings: a mark, the title and what was found;
// under each that is not ok, the evidence, the fix and its command.
func (m doctorModel) findingLines(w int) []string {
	t := m.cfg.Lang.T
	var out []string
	if m.diag.Healthy() {
		out = append(out, paint(m.st.ok.Bold(true), wrap("✓ "+t(i18n.CLIDoctorHealthy), w))...)
	} else {
		out = append(out, paint(m.st.bad.Bold(true), wrap("✗ "+t(i18n.CLIDoctorUnhealthy, m.diag.Count(flow.CheckFail)), w))...)
	}
	out = append(out, "")
	for _, f := range m.diag.Findings {
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
			out = append(out, paint(m.st.code, indent("  ", wrapCode(f.Command, w-2, "$ ", "  ")))...)
		}
	}
	return out
}

func (m doctorModel) View() tea.View {
	t := m.cfg.Lang.T
	head := m.st.app.Render("xray-wizard doctor")
	if m.cfg.Sandbox {
		head += "  " + m.st.sandbox.Render(t(i18n.UISandbox))
	}
	var body string
	if !m.done {
		body = m.spin.View() + " " + m.current
	} else {
		body = m.vp.View() + "\n" + m.st.dim.Render(t(i18n.UIDoctorKeys))
	}
	v := tea.NewView(lipgloss.JoinVertical(lipgloss.Left, head, "", body))
	v.AltScreen = true
	return v
}
