package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Minimum size the layout is drawn for.
const minWidth, minHeight = 40, 12

// View draws the state. It reads the model and does nothing else.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "xray-wizard"
	return v
}

// render is the screen as text, lines no wider than the terminal.
func (m Model) render() string {
	t := m.lang.T
	if m.width < minWidth || m.height < minHeight {
		return fit(t(i18n.UITooSmall, m.width, m.height, minWidth, minHeight), m.width)
	}
	w := m.width
	top := []string{m.header(w), m.breadcrumb(w), m.st.dim.Render(strings.Repeat(m.st.rule, w))}
	foot := m.footer(w)
	room := m.height - len(top) - len(foot)
	var body []string
	if m.phase == phaseDone && m.sum != nil {
		body = m.finalBody(w)
		maxScroll := max(len(body)-room, 0)
		s := min(m.scroll, maxScroll)
		body = body[s:]
	} else {
		body = m.stepBody(w, room)
	}
	if len(body) > room {
		body = body[:room]
	}
	for len(body) < room {
		body = append(body, "")
	}
	lines := append(append(top, body...), foot...)
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	return strings.Join(lines, "\n")
}

// fit truncates a line to the width, ANSI- and wide-character-aware.
func fit(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// wrap wraps text to the width, breaking long words too.
func wrap(s string, w int) []string {
	if w < 1 {
		return []string{s}
	}
	return strings.Split(lipgloss.Wrap(s, w, ""), "\n")
}

// wrapPlain wraps unstyled text at spaces only, so a command or a URL is
// never split at a hyphen; a word longer than the line is cut at the width.
func wrapPlain(s string, w int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		for lipgloss.Width(word) > w {
			if cur != "" {
				lines = append(lines, cur)
				cur = ""
			}
			head := ansi.Truncate(word, w, "")
			lines = append(lines, head)
			word = word[len(head):]
		}
		switch {
		case cur == "":
			cur = word
		case lipgloss.Width(cur)+1+lipgloss.Width(word) <= w:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// styled renders each line with a style.
func styled(st lipgloss.Style, lines []string) []string {
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}

// link draws a URL, wrapped, as a terminal hyperlink where the terminal
// supports them.
func (m Model) link(u string, w int) []string {
	return styled(m.st.url.Hyperlink(u), wrapPlain(u, w))
}

func (m Model) header(w int) string {
	left := m.st.title.Render("xray-wizard")
	if m.target != "" {
		left += m.st.dim.Render("  " + m.target)
	}
	var right string
	if m.cfg.Sandbox {
		right = m.st.badge.Render(m.lang.T(i18n.UISandbox))
	}
	if m.cfg.DryRun {
		right = m.st.dry.Render(m.lang.T(i18n.UIDryRun)) + " " + right
	}
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		left = fit(left, max(w-lipgloss.Width(right)-1, 0))
		gap = max(w-lipgloss.Width(left)-lipgloss.Width(right), 0)
	}
	return left + strings.Repeat(" ", gap) + right
}

// mark is a step's status mark.
func (m Model) mark(i int) string {
	s := m.steps[i]
	switch s.result {
	case flow.Done:
		return m.st.ok.Render("✓")
	case flow.Failed:
		return m.st.bad.Render("✗")
	case flow.Skipped:
		return m.st.warn.Render("–")
	case flow.Planned:
		return m.st.title.Render("•")
	}
	if s.started && m.phase != phaseDone {
		if m.phase == phaseConfirm && i == m.cur {
			return m.st.warn.Render("?")
		}
		return m.spin.View()
	}
	return m.st.dim.Render("○")
}

// breadcrumb is the step list on one line: a mark and the id of each step.
func (m Model) breadcrumb(w int) string {
	parts := make([]string, len(m.steps))
	for i, s := range m.steps {
		name := s.info.ID
		if i == m.cur && m.phase != phaseDone {
			name = m.st.stepNow.Render(name)
		} else {
			name = m.st.step.Render(name)
		}
		parts[i] = m.mark(i) + " " + name
	}
	line := strings.Join(parts, "  ")
	if lipgloss.Width(line) > w {
		line = strings.Join(parts, " ")
	}
	return line
}

func (m Model) footer(w int) []string {
	k := m.keys
	k.state = &m
	h := m.help
	h.SetWidth(w)
	var lines []string
	if m.cancelling {
		lines = append(lines, m.st.warn.Render(m.lang.T(i18n.UICancelling)))
	}
	if m.full {
		note := i18n.UIHelpRunning
		if m.phase == phaseConfirm {
			note = i18n.UIHelpConfirm
		}
		lines = append(lines, wrap(m.st.dim.Render(m.lang.T(note)), w)...)
	}
	return append(lines, h.View(k))
}

// stepBody is the current step: title, why, the command it replaces, then
// what is happening now.
func (m Model) stepBody(w, room int) []string {
	t := m.lang.T
	if len(m.steps) == 0 {
		return nil
	}
	s := m.steps[m.cur]
	var out []string
	out = append(out, m.st.dim.Render(t(i18n.UIStepOf, m.cur+1, len(m.steps)))+"  "+m.st.head.Render(s.info.Title))
	out = append(out, wrap(s.info.Why, w)...)
	cmds := s.info.Commands
	if s.plan != nil && len(s.plan.Commands) > 0 {
		cmds = s.plan.Commands
	}
	if len(cmds) > 0 {
		out = append(out, m.st.dim.Render(t(i18n.UIReplaces)))
		// The lab's command first, wrapped so it can be copied whole.
		out = append(out, styled(m.st.code, wrapPlain("$ "+cmds[0], w))...)
	}
	out = append(out, "")
	switch {
	case s.result == flow.Failed:
		out = append(out, m.failure(s, w)...)
	case m.phase == phaseConfirm && m.confirm != nil:
		out = append(out, m.confirmView(w)...)
	case s.info.ID == flow.IDPods && m.pods != nil:
		out = append(out, m.podTable(w, room-len(out)-1)...)
	case s.info.ID == flow.IDApp && m.url != "":
		out = append(out, m.trafficView(w)...)
	case s.info.ID == flow.IDTraces && m.counts != nil:
		out = append(out, m.spin.View()+" "+t(i18n.MsgTracesCounted, m.counts.Total, m.counts.OK, m.counts.Error, m.counts.Fault, m.counts.Throttle))
	default:
		msg := t(i18n.UIWorking)
		if n := len(s.progress); n > 0 {
			for _, p := range s.progress[:n-1] {
				out = append(out, m.st.dim.Render("  · "+p))
			}
			msg = s.progress[n-1]
		}
		out = append(out, m.spin.View()+" "+msg)
	}
	for _, wn := range s.warnings {
		out = append(out, wrap(m.st.warn.Render(t(i18n.UIWarning)+" "+wn), w)...)
	}
	return out
}

func (m Model) confirmView(w int) []string {
	t := m.lang.T
	p := m.confirm.plan
	out := []string{m.st.head.Render(t(i18n.UIWillChange))}
	for _, c := range p.Changes {
		if c.Action == "none" {
			continue
		}
		line := fmt.Sprintf("  %s %s %s", m.st.warn.Render(c.Action), c.Kind, c.Name)
		out = append(out, line)
		if c.Detail != "" {
			out = append(out, m.st.dim.Render("      "+c.Detail))
		}
	}
	if p.Note != "" {
		out = append(out, wrap(m.st.dim.Render(p.Note), w)...)
	}
	out = append(out, m.st.head.Render(t(i18n.UIConfirm))+"  "+m.st.key.Render("[enter/y]")+" "+t(i18n.UIKeyApply)+"  "+m.st.key.Render("[n]")+" "+t(i18n.UIKeySkip))
	return out
}

func (m Model) failure(s stepState, w int) []string {
	t := m.lang.T
	var out []string
	cause, fix := s.detail, ""
	if s.err != nil {
		cause, fix = s.err.Cause, s.err.Fix
	}
	out = append(out, wrap(m.st.bad.Render(t(i18n.UIFailedCause))+" "+cause, w)...)
	if fix != "" {
		out = append(out, wrap(m.st.head.Render(t(i18n.UIFix))+" "+fix, w)...)
	}
	return out
}

// bar is a progress bar of the given width.
func (m Model) bar(frac float64, w int) string {
	p := progress.New(progress.WithWidth(w), progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))
	if m.cfg.NoColor {
		p = progress.New(progress.WithWidth(w), progress.WithoutPercentage(), progress.WithFillCharacters('#', '.'), progress.WithColors(lipgloss.NoColor{}))
		p.EmptyColor = lipgloss.NoColor{}
	}
	return p.ViewAs(frac)
}

// age formats a pod's age as kubectl does.
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func pad(s string, n int) string {
	s = fit(s, n)
	return s + strings.Repeat(" ", max(n-lipgloss.Width(s), 0))
}

// podTable draws the daemon's pods, as many rows as fit.
func (m Model) podTable(w, room int) []string {
	t := m.lang.T
	p := m.pods
	frac := 0.0
	if p.Desired > 0 {
		frac = float64(p.Ready) / float64(p.Desired)
	}
	label := t(i18n.UIPodsReady, p.Ready, p.Desired)
	out := []string{m.bar(frac, max(w-lipgloss.Width(label)-1, 10)) + " " + label}
	if len(p.Rows) == 0 {
		return append(out, m.spin.View()+" "+t(i18n.UIWaitingPods))
	}
	// Column widths: the node name gets what is left.
	podW, phaseW, readyW, restW, ageW := 18, 17, 5, 8, 4
	nodeW := max(w-podW-phaseW-readyW-restW-ageW-5, 8)
	row := func(a, b, c, d, e, f string) string {
		return pad(a, podW) + " " + pad(b, nodeW) + " " + pad(c, phaseW) + " " + pad(d, readyW) + " " + pad(e, restW) + " " + f
	}
	out = append(out, m.st.dim.Render(row(t(i18n.UIColPod), t(i18n.UIColNode), t(i18n.UIColPhase), t(i18n.UIColReady), t(i18n.UIColRestarts), t(i18n.UIColAge))))
	rows := p.Rows
	more := 0
	if room-2 > 0 && len(rows) > room-2 {
		more = len(rows) - (room - 3)
		rows = rows[:room-3]
	}
	var reasons []string
	for _, r := range rows {
		ready := "0/1"
		phase := r.Phase
		style := m.st.warn
		if r.Ready {
			ready, style = "1/1", m.st.ok
		}
		if strings.Contains(phase, "BackOff") || strings.Contains(phase, "Err") || phase == "Error" {
			style = m.st.bad
			if r.Reason != "" {
				reasons = append(reasons, r.Name+": "+r.Reason)
			}
		}
		out = append(out, row(r.Name, r.Node, style.Render(pad(phase, phaseW)), ready, fmt.Sprint(r.Restarts), age(m.now.Sub(r.Created))))
	}
	if more > 0 {
		out = append(out, m.st.dim.Render(fmt.Sprintf("… +%d", more)))
	}
	for _, r := range reasons {
		out = append(out, m.st.bad.Render(fit(r, w)))
	}
	return out
}

func (m Model) trafficView(w int) []string {
	t := m.lang.T
	out := append([]string{t(i18n.UIAppURL)}, m.link(m.url, w)...)
	if l := m.load; l != nil && l.Total > 0 {
		label := t(i18n.UIRequestsSent, l.Sent, l.Total)
		out = append(out, m.bar(float64(l.Sent)/float64(l.Total), max(w-lipgloss.Width(label)-1, 10))+" "+label)
		out = append(out, m.st.dim.Render(statusLine(l)))
	}
	return out
}

func statusLine(l *flow.TrafficStats) string {
	var parts []string
	for _, c := range l.Codes() {
		parts = append(parts, fmt.Sprintf("%d: %d", c, l.Status[c]))
	}
	if l.Failed > 0 {
		parts = append(parts, fmt.Sprintf("timeout/error: %d", l.Failed))
	}
	return strings.Join(parts, "   ")
}

// finalBody is the last screen: the outcome, the trace counts, where to
// look next, and each step's result; or, after a dry run, every plan.
func (m Model) finalBody(w int) []string {
	t := m.lang.T
	sum := m.sum
	var out []string
	switch {
	case sum.Failed():
		out = append(out, m.st.bad.Render("✗ "+t(i18n.UIDoneFailed)))
	case sum.DryRun:
		out = append(out, m.st.head.Render("• "+t(i18n.UIDoneDryRun)))
	case sum.Traces != nil && sum.Traces.Total > 0:
		out = append(out, m.st.ok.Render("✓ "+t(i18n.UIDoneOK)))
	default:
		out = append(out, m.st.ok.Render("✓ "+t(i18n.UIDoneNoTraces)))
	}
	if sum.DryRun {
		for _, st := range sum.Steps {
			out = append(out, m.mark(m.index(st.ID))+" "+m.st.head.Render(st.ID)+"  "+st.Detail)
			if st.Plan == nil {
				continue
			}
			for _, c := range st.Plan.Changes {
				if c.Action != "none" {
					out = append(out, wrap(fmt.Sprintf("    %s %s %s", m.st.warn.Render(c.Action), c.Kind, c.Name), w)...)
				}
			}
			for _, c := range st.Plan.Commands {
				for _, l := range wrapPlain("$ "+c, w-4) {
					out = append(out, "    "+m.st.code.Render(l))
				}
			}
		}
		return out
	}
	for _, st := range sum.Steps {
		if st.Status == flow.Failed {
			out = append(out, wrap(m.st.bad.Render(t(i18n.UIFailedCause))+" "+st.ID+": "+st.Detail, w)...)
			if st.Fix != "" {
				out = append(out, wrap(m.st.head.Render(t(i18n.UIFix))+" "+st.Fix, w)...)
			}
		}
	}
	if c := sum.Traces; c != nil {
		head := m.st.head.Render(t(i18n.UITraces)) + "  " + t(i18n.UITotal) + " " + m.st.head.Render(fmt.Sprint(c.Total))
		if !c.Start.IsZero() {
			head += m.st.dim.Render("  (" + t(i18n.UIWindow, c.Start.Local().Format("15:04:05")) + ")")
		}
		out = append(out, head)
		barW := max(min(w-16, 40), 5)
		for _, row := range []struct {
			k i18n.Key
			n int
			s lipgloss.Style
		}{{i18n.UIOK, c.OK, m.st.ok}, {i18n.UIErr4xx, c.Error, m.st.warn}, {i18n.UIFault5xx, c.Fault, m.st.bad}, {i18n.UIThrottle429, c.Throttle, m.st.warn}} {
			n := 0
			if c.Total > 0 {
				n = (row.n*barW + c.Total - 1) / c.Total
			}
			out = append(out, fmt.Sprintf("  %s %5d %s", pad(t(row.k), 6), row.n, row.s.Render(strings.Repeat("█", n))))
		}
		names := make([]string, 0, len(c.ByService))
		for n := range c.ByService {
			names = append(names, n)
		}
		sort.Strings(names)
		var parts []string
		for _, n := range names {
			parts = append(parts, fmt.Sprintf("%s %d", n, c.ByService[n]))
		}
		if len(parts) > 0 {
			out = append(out, wrap(t(i18n.UIPerService)+" "+strings.Join(parts, " · "), w)...)
		}
	}
	if sum.AppURL != "" {
		out = append(out, t(i18n.UIAppURL)+" "+m.st.url.Hyperlink(sum.AppURL).Render(sum.AppURL))
	}
	for i, u := range sum.Console {
		label := t(i18n.UIServiceMap)
		if i == 1 {
			label = t(i18n.UITracesConsole)
		}
		out = append(out, label)
		out = append(out, m.link(u, w)...)
	}
	var marks []string
	for _, st := range sum.Steps {
		i := m.index(st.ID)
		if i >= 0 {
			marks = append(marks, m.mark(i)+" "+st.ID)
		}
	}
	out = append(out, t(i18n.UISteps)+" "+strings.Join(marks, "  "))
	return out
}
