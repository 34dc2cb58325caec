package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// The layout is made for 80×24 first (Cloud9's default): the header, the
// steps as a one-line breadcrumb, a rule that carries the sandbox and
// dry-run badges, the current step, and the help line. From sideMinWidth
// columns the steps become a list at the left, with their titles.
const (
	minWidth, minHeight = 40, 12
	sideMinWidth        = 110
	sideWidth           = 33
	maxBarWidth         = 40
)

// wide reports whether the steps are drawn as a side list.
func (m *Model) wide() bool { return m.width >= sideMinWidth }

// paneWidth is the width of the current step's pane.
func (m *Model) paneWidth() int {
	if m.wide() {
		return m.width - sideWidth - 3
	}
	return m.width
}

// topLines is how many lines the header takes.
func (m *Model) topLines() int {
	if m.wide() {
		return 2
	}
	return 3
}

// bodyHeight is what is left between the header and the footer.
func (m *Model) bodyHeight() int {
	return max(m.height-m.topLines()-len(m.footer(m.width)), 0)
}

// reflow redoes what depends on the size, the styles or the phase: the
// wrapped text of each step, the help's width, the bars, the prompt's
// width and the final screen's content.
func (m *Model) reflow() {
	if m.doc != nil {
		m.layoutDoctor()
		return
	}
	for i := range m.steps {
		m.reflowStep(i)
	}
	// Room for help's "…" when it drops keys (it adds a key that does
	// not fit when even the "…" would not).
	m.help.SetWidth(max(m.width-2, 1))
	m.pbar = m.st.bar(barWidth(m.paneWidth()))
	if m.ask != nil {
		m.ask.form = m.ask.form.WithWidth(max(m.paneWidth(), 20))
	}
	m.vp.SetWidth(m.paneWidth())
	m.vp.SetHeight(m.bodyHeight())
	if m.phase == phaseFinal && m.sum != nil {
		m.vp.SetContentLines(m.finalLines(m.paneWidth()))
	}
	m.pager.SetWidth(m.paneWidth())
	m.pager.SetHeight(m.bodyHeight())
	switch m.over {
	case ovIntro:
		m.pager.SetContentLines(m.introLines(m.paneWidth()))
	case ovDetails:
		if m.detailsOf < len(m.steps) {
			m.pager.SetContentLines(m.detailsLines(&m.steps[m.detailsOf], m.paneWidth()))
		}
	}
}

// refreshDetails redraws an open details view after the steps reported
// something (a plan, a question), keeping its place.
func (m *Model) refreshDetails() {
	if m.over != ovDetails || m.detailsOf >= len(m.steps) {
		return
	}
	y, x := m.pager.YOffset(), m.pager.XOffset()
	m.pager.SetContentLines(m.detailsLines(&m.steps[m.detailsOf], m.paneWidth()))
	m.pager.SetYOffset(y)
	m.pager.SetXOffset(x)
}

// activePager is the scrollable view on screen, if any.
func (m *Model) activePager() *viewport.Model {
	switch {
	case m.over != ovNone:
		return &m.pager
	case m.phase == phaseFinal:
		return &m.vp
	}
	return nil
}

// reflowStep wraps one step's why and commands to the pane.
func (m *Model) reflowStep(i int) {
	s := &m.steps[i]
	w := m.paneWidth()
	s.why = wrap(s.info.Why, w)
	cmds, eqs := s.commands()
	s.cmds, s.eqs = wrapCommands(cmds, w), wrapCommands(eqs, w)
}

// commands are the lab's commands and the wizard's equivalent for a step:
// its plan's, once there is one, else its description's.
func (s *stepState) commands() (lab, eq []string) {
	lab, eq = s.info.Commands, s.info.Equivalent
	if s.plan != nil && len(s.plan.Commands)+len(s.plan.Equivalent) > 0 {
		lab, eq = s.plan.Commands, s.plan.Equivalent
	}
	return lab, eq
}

// wrapCommands wraps each command to w cells, as "$ " lines.
func wrapCommands(cmds []string, w int) [][]string {
	out := make([][]string, 0, len(cmds))
	for _, c := range cmds {
		out = append(out, wrapCommand(c, w, "$ ", "  "))
	}
	return out
}

// View draws the state; it only reads the model.
func (m *Model) View() tea.View {
	if m.doc != nil {
		v := tea.NewView(m.doctorScreen())
		v.AltScreen = true
		return v
	}
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "xray-wizard"
	return v
}

// render is the screen as text: exactly the terminal's height, no line
// wider than the terminal.
func (m *Model) render() string {
	w, h := m.width, m.height
	if w < minWidth || h < minHeight {
		return m.tooSmall()
	}
	var lines []string
	lines = append(lines, m.header(w))
	if !m.wide() {
		lines = append(lines, m.breadcrumb(w))
	}
	lines = append(lines, m.ruleLine(w))
	foot := m.footer(w)
	room := max(h-len(lines)-len(foot), 0)
	var body []string
	switch {
	case m.over != ovNone:
		body = strings.Split(m.pager.View(), "\n")
	case m.phase == phaseFinal && m.sum != nil:
		body = strings.Split(m.vp.View(), "\n")
	default:
		body = m.stepPane(m.paneWidth(), room)
	}
	body = exactly(body, room)
	if m.wide() {
		body = m.withSide(body)
	}
	lines = append(lines, body...)
	lines = append(lines, foot...)
	lines = exactly(lines, h)
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	return m.glyphs(strings.Join(lines, "\n"))
}

// exactly cuts or pads lines to n.
func exactly(lines []string, n int) []string {
	if len(lines) > n {
		return lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines
}

func (m *Model) tooSmall() string {
	w := max(m.width, 1)
	var lines []string
	if m.cfg.Sandbox {
		lines = append(lines, m.st.sandbox.Render(fit(m.lang.T(i18n.UISandbox), max(w-2, 1))))
	}
	lines = append(lines, wrap(m.lang.T(i18n.UITooSmall, m.width, m.height, minWidth, minHeight), w)...)
	lines = exactly(lines, max(m.height, 1))
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	return strings.Join(lines, "\n")
}

// header is the app's name and what it works on: the cluster, region and
// account as preflight reported them, shortened from the right to fit.
func (m *Model) header(w int) string {
	room := w - lipgloss.Width(m.title("xray-wizard", "")) - 2
	parts := strings.Split(m.target, " · ")
	for n := len(parts); n > 0 && m.target != ""; n-- {
		t := strings.Join(parts[:n], " · ")
		if lipgloss.Width(t) <= room || n == 1 {
			return m.title("xray-wizard", m.st.target.Render(fit(t, room)))
		}
	}
	return m.title("xray-wizard", "")
}

// ruleLine separates the header from the body and carries the badges:
// the practice sandbox's (on every screen) and the dry run's.
func (m *Model) ruleLine(w int) string {
	t := m.lang.T
	type badge struct {
		long, short string
		st          lipgloss.Style
	}
	var bs []badge
	if m.cfg.Sandbox {
		bs = append(bs, badge{t(i18n.UISandboxLong), t(i18n.UISandbox), m.st.sandbox})
	}
	if m.cfg.DryRun {
		bs = append(bs, badge{t(i18n.UIDryRunLong), t(i18n.UIDryRun), m.st.dryRun})
	}
	render := func(longs int) string {
		parts := make([]string, len(bs))
		for i, b := range bs {
			text := b.short
			if i < longs {
				text = b.long
			}
			parts[i] = b.st.Render(text)
		}
		return strings.Join(parts, " ")
	}
	line := ""
	for longs := len(bs); longs >= 0; longs-- {
		line = render(longs)
		if lipgloss.Width(line)+4 <= w {
			break
		}
	}
	lw := lipgloss.Width(line)
	if lw == 0 {
		return m.st.rule.Render(strings.Repeat("─", w))
	}
	return fit(line, w) + " " + m.st.rule.Render(strings.Repeat("─", max(w-lw-1, 0)))
}

// mark is a step's status mark: ○ pending, a spinner while it runs, ? while
// it asks, ✓ done, – skipped, ✗ failed, • planned.
func (m *Model) mark(i int) string {
	s := m.steps[i]
	switch s.status {
	case stDone:
		return m.resultMark(flow.Done)
	case stSkipped:
		return m.resultMark(flow.Skipped)
	case stFailed:
		return m.resultMark(flow.Failed)
	case stPlanned:
		return m.resultMark(flow.Planned)
	case stRunning:
		if m.ask != nil && i == m.cur {
			return m.st.warn.Render("?")
		}
		return m.spin.View()
	}
	if m.ask != nil && i == m.cur {
		return m.st.warn.Render("?")
	}
	return m.st.dim.Render("○")
}

// current reports whether step i is the one being worked on.
func (m *Model) current(i int) bool {
	return i == m.cur && m.phase != phaseFinal && (m.steps[i].status == stRunning || m.ask != nil)
}

// breadcrumb is the steps on one line: each one's mark and id. When the
// line is too narrow, only the current step keeps its name.
func (m *Model) breadcrumb(w int) string {
	parts := make([]string, len(m.steps))
	marks := make([]string, len(m.steps))
	for i, s := range m.steps {
		name := m.st.crumb.Render(s.info.ID)
		if m.current(i) {
			name = m.st.crumbNow.Render(s.info.ID)
		}
		marks[i] = m.mark(i)
		parts[i] = marks[i] + " " + name
	}
	for _, sep := range []string{"  ", " "} {
		if line := strings.Join(parts, sep); lipgloss.Width(line) <= w {
			return line
		}
	}
	for i := range marks {
		if m.current(i) {
			marks[i] = parts[i]
		}
	}
	return strings.Join(marks, " ")
}

// withSide puts the step list at the left of the body.
func (m *Model) withSide(body []string) []string {
	side := []string{m.st.head.Render(m.lang.T(i18n.UISteps)), ""}
	titleW := sideWidth - 2 - 5
	for i, s := range m.steps {
		title := pad(s.info.Title, titleW)
		if m.current(i) {
			title = m.st.crumbNow.Render(title)
		} else if s.status == stPending {
			title = m.st.dim.Render(title)
		}
		took := m.took(i)
		if m.ask != nil && i == m.cur {
			took = "" // waiting for the person
		}
		side = append(side, m.mark(i)+" "+title+m.st.dim.Render(fmt.Sprintf("%5s", took)))
	}
	sep := m.st.rule.Render("│")
	out := make([]string, len(body))
	for r := range body {
		left := ""
		if r < len(side) {
			left = side[r]
		}
		out[r] = pad(left, sideWidth) + " " + sep + " " + body[r]
	}
	return out
}

// took is how long step i ran (or has run so far).
func (m *Model) took(i int) string {
	s := m.steps[i]
	if s.started.IsZero() {
		return ""
	}
	end := s.ended
	if end.IsZero() {
		if s.status != stRunning || m.phase == phaseFinal {
			return ""
		}
		end = m.now
	}
	return duration(end.Sub(s.started))
}

// duration is short: 4s, 1m05s, 2h03m.
func duration(d time.Duration) string {
	switch {
	case d < 0:
		d = 0
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// footer is the help line (bubbles help), the full help with a sentence
// on what the keys do when ? was pressed, and the cancelling notice.
func (m *Model) footer(w int) []string {
	var lines []string
	if m.cancelling() {
		lines = append(lines, m.st.warn.Render(fit(m.lang.T(i18n.UICancelling), w)))
	}
	vp := m.activePager()
	scrollable := vp != nil && vp.TotalLineCount() > vp.Height()
	help := m.helpLine(m.phase, func(k *keyMap) {
		k.over = m.over
		if m.ask != nil && !*m.ask.yes {
			// Skip has the focus: Enter skips.
			k.Apply.SetHelp("y", k.Apply.Help().Desc)
			k.Skip.SetHelp("enter/n", k.Skip.Help().Desc)
		}
		k.scrollable = scrollable
	})
	if m.help.ShowAll {
		note := i18n.UIHelpRunning
		switch {
		case m.over == ovIntro:
			note = i18n.UIHelpIntro
		case m.over == ovDetails:
			note = i18n.UIHelpDetails
		case m.phase == phaseConfirm:
			note = i18n.UIHelpConfirm
		case m.phase == phaseFinal:
			note = i18n.UIHelpFinal
		}
		lines = append(lines, paint(m.st.dim, wrap(m.lang.T(note), w))...)
		return append(lines, strings.Split(help, "\n")...)
	}
	line := help
	if scrollable {
		line = spread(line, m.st.dim.Render(m.scrollNote(vp)), w)
	}
	return append(lines, line)
}

// bar draws frac of the pane's progress bar (bubbles progress).
func (m *Model) bar(frac float64) string {
	return m.pbar.ViewAs(min(max(frac, 0), 1))
}

// barWidth is the width of the pods' and the traffic's bars in a pane.
func barWidth(pane int) int {
	return max(min(maxBarWidth, pane-22), 8)
}

// resultMark is a mark for a result the UI may not have seen as an event.
func (m *Model) resultMark(r flow.Result) string {
	mark, level := r.Mark()
	return m.st.level(level).Render(mark)
}
