package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/report"
)

// finalLines is the last screen, for the viewport: the outcome first; then
// after a failure its cause and fix, after a dry run every step's plan,
// and otherwise the trace counts, the app and the console's links; and
// each step's outcome last.
func (m *Model) finalLines(w int) []string {
	t := m.lang.T
	sum := m.sum
	var out []string
	failed := ""
	skipped := 0
	for _, s := range sum.Steps {
		switch s.Status {
		case flow.Failed:
			if failed == "" {
				failed = s.ID
			}
		case flow.Skipped:
			skipped++
		}
	}
	switch {
	case failed != "":
		out = append(out, paint(m.st.bad, wrap("✗ "+t(i18n.UIDoneFailed, failed), w))...)
	case sum.DryRun:
		out = append(out, paint(m.st.head, wrap("• "+t(i18n.UIDoneDryRun), w))...)
	case sum.Traces != nil && sum.Traces.Total > 0:
		out = append(out, paint(m.st.ok.Bold(true), wrap("✓ "+t(i18n.UIDoneOK), w))...)
	case skipped > 0:
		out = append(out, paint(m.st.warn, wrap("– "+t(i18n.UIDoneSkipped, skipped), w))...)
	default:
		out = append(out, paint(m.st.ok.Bold(true), wrap("✓ "+t(i18n.UIDoneNoTraces), w))...)
	}
	out = append(out, "")

	if failed != "" {
		if i := m.index(failed); i >= 0 {
			s := m.steps[i]
			out = append(out, m.st.head.Render(s.info.Title))
			out = append(out, m.failureLines(s.err, s.detail, w)...)
		} else {
			for _, s := range sum.Steps {
				if s.ID == failed {
					out = append(out, m.failureLines(&flow.Error{Cause: s.Detail, Fix: s.Fix, Commands: s.Commands}, "", w)...)
				}
			}
		}
		out = append(out, "")
	}

	if sum.DryRun {
		return append(out, m.planLines(w)...)
	}

	// The summary's count and map, else the latest Traces event's.
	c, g := sum.Traces, sum.Graph
	if c == nil {
		c = m.counts
	}
	if g == nil {
		g = m.graph
	}
	if c != nil {
		out = append(out, m.traceLines(c, w)...)
		if l := m.chartLine(c.PerMinute, w); l != "" && c.Total > 0 {
			out = append(out, l)
		}
		if c.Partial() {
			// Transaction Search: the count is X-Ray's indexed share only.
			out = append(out, paint(m.st.warn, wrap(t(i18n.MsgIndexedShare, c.IndexedPercent, c.EstimatedTotal()), w))...)
		}
		if l := report.SamplingLine(m.lang, c); l != "" {
			out = append(out, paint(m.st.dim, wrap(l, w))...)
		}
		if m.cfg.Refresh != nil {
			switch {
			case m.refreshErr != "":
				out = append(out, paint(m.st.warn, wrap(t(i18n.UIRefreshFailed, m.refreshErr), w))...)
			case !m.refreshedAt.IsZero():
				out = append(out, paint(m.st.dim, wrap(t(i18n.UIRefreshed, m.refreshedAt.Local().Format("15:04:05"), int(refreshEvery/time.Second)), w))...)
			}
		}
		out = append(out, "")
	}
	if g != nil {
		out = append(out, m.serviceMapLines(g, w)...)
		out = append(out, "")
	}
	if sum.AppURL != "" {
		out = append(out, m.labelledLink(t(i18n.UIAppURL)+":", sum.AppURL, w)...)
	}
	if len(sum.Console) > 0 {
		if sum.AppURL != "" {
			out = append(out, "")
		}
		out = append(out, m.st.head.Render(t(i18n.UIConsole)))
		for _, u := range sum.Console {
			label := ""
			switch {
			case strings.Contains(u, "service-map"):
				label = t(i18n.UIServiceMap)
			case strings.Contains(u, "traces"):
				label = t(i18n.UITraceList)
			}
			out = append(out, m.labelledLink(label, u, w)...)
		}
		if sum.Sandbox {
			out = append(out, paint(m.st.dim, wrap(t(i18n.UISandboxLinks), w))...)
		}
	}
	if sum.AppURL != "" || len(sum.Console) > 0 {
		out = append(out, "")
	}
	return append(out, m.outcomeLines(w)...)
}

// traceLines are the counts; a first figure (an estimate from the service
// map, the exact count still paging) says so in its head: "total ≈ N".
func (m *Model) traceLines(c *flow.TraceCounts, w int) []string {
	out := m.countLines(c, w)
	if !c.Estimate || len(out) == 0 {
		return out
	}
	t := m.lang.T
	out[0] = fit(m.st.head.Render(t(i18n.UITraces))+"  "+t(i18n.UITotal)+" "+m.st.head.Render(fmt.Sprintf("≈ %d", c.Total))+
		m.st.dim.Render("   "+t(i18n.UIEstimateNote)), w)
	return out
}

// labelledLink is a label and a URL: on one line when both fit, else the
// label on a line and the URL, whole, on the lines below.
func (m *Model) labelledLink(label, u string, w int) []string {
	lw := lipgloss.Width(label)
	if label != "" && lw+1+lipgloss.Width(u) <= w {
		return []string{m.st.dim.Render(label) + " " + m.st.url.Hyperlink(u).Render(u)}
	}
	var out []string
	if label != "" {
		out = append(out, m.st.dim.Render(label))
	}
	return append(out, m.link(u, w)...)
}

// outcomeLines are the steps, each with its mark, id and what came of it.
func (m *Model) outcomeLines(w int) []string {
	out := []string{m.st.head.Render(m.lang.T(i18n.UISteps))}
	idW := 0
	for _, s := range m.sum.Steps {
		idW = max(idW, lipgloss.Width(s.ID))
	}
	for _, s := range m.sum.Steps {
		mark := m.resultMark(s.Status)
		detail := s.Detail
		st := m.st.text
		switch s.Status {
		case flow.Failed:
			st = m.st.bad
		case flow.Skipped:
			st = m.st.dim
		}
		out = append(out, fit(mark+" "+pad(s.ID, idW)+"  "+st.Render(detail), w))
	}
	return out
}

// planLines are every step's plan after a dry run: what it would change
// and the commands it replaces, whole, wrapped to the width.
func (m *Model) planLines(w int) []string {
	t := m.lang.T
	var out []string
	for _, s := range m.sum.Steps {
		title := s.ID
		if i := m.index(s.ID); i >= 0 && m.steps[i].info.Title != "" {
			title = s.ID + "  " + m.steps[i].info.Title
		}
		out = append(out, fit(m.resultMark(s.Status)+" "+m.st.head.Render(title), w))
		if s.Detail != "" && s.Detail != t(i18n.MsgPlanned) {
			out = append(out, paint(m.st.dim, indent("  ", wrap(s.Detail, w-2)))...)
		}
		p := s.Plan
		if p == nil {
			if i := m.index(s.ID); i >= 0 {
				p = m.steps[i].plan
			}
		}
		if p == nil {
			out = append(out, "")
			continue
		}
		changed := false
		for _, c := range p.Changes {
			if !c.Action.Changes() {
				continue
			}
			changed = true
			sym, level := c.Action.Sign()
			st := m.st.level(level)
			act := m.lang.ActionWord(string(c.Action))
			lines := wrapCode(m.lang.KindWord(c.Kind)+" "+c.Name, w-4-lipgloss.Width(act)-3, "", "")
			for i, l := range lines {
				if i == 0 {
					out = append(out, "  "+st.Render(sym+" "+act)+" "+l)
				} else {
					out = append(out, strings.Repeat(" ", 5+lipgloss.Width(act))+l)
				}
			}
			if c.Detail != "" {
				out = append(out, paint(m.st.dim, indent("      ", wrapCode(c.Detail, w-6, "", "")))...)
			}
		}
		if !changed && len(p.Changes) > 0 {
			out = append(out, "  "+m.st.dim.Render(t(i18n.UINoChanges)))
		}
		for _, c := range p.Commands {
			out = append(out, paint(m.st.code, indent("  ", wrapCommand(c, w-2, "$ ", "  ")))...)
		}
		if len(p.Equivalent) > 0 {
			out = append(out, "  "+m.st.dim.Render(t(i18n.UIEquivalent)))
		}
		for _, c := range p.Equivalent {
			out = append(out, paint(m.st.code, indent("  ", wrapCommand(c, w-2, "$ ", "  ")))...)
		}
		if p.Note != "" {
			out = append(out, paint(m.st.dim, indent("  ", wrap(p.Note, w-2)))...)
		}
		out = append(out, "")
	}
	return out
}
