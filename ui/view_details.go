package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Views over the steps' screen, each in the pager (a bubbles viewport):
// the opening screen, before the steps start, and a step's details — its
// commands in full, what it changes, the trust policy and the manifest it
// applies — opened with c while the steps go on, so nothing has to be
// read after quitting.

// overlay is the view drawn over the steps' screen, if any.
type overlay int

const (
	ovNone overlay = iota
	ovIntro
	ovDetails
)

// planOf is the plan to show for step s: the question's while it asks,
// else the one it reported.
func (m *Model) planOf(s *stepState) *flow.Plan {
	if m.ask != nil && m.ask.step.ID == s.info.ID {
		return &m.ask.plan
	}
	return s.plan
}

// hasDetails reports whether step s has more to show than its pane can:
// a manifest or a policy document.
func (m *Model) hasDetails(s *stepState) bool {
	if s.info.Manifest != "" {
		return true
	}
	if p := m.planOf(s); p != nil {
		for _, c := range p.Changes {
			if len(c.Document) > 0 {
				return true
			}
		}
	}
	return false
}

// openDetails shows the current step's details from the top.
func (m *Model) openDetails() {
	if m.detailsOf >= len(m.steps) {
		return
	}
	m.over = ovDetails
	m.reflow()
	m.pager.GotoTop()
	m.pager.SetXOffset(0)
}

// detailsLines are step s's commands whole, what it changes, its policy
// documents and its manifest, for the pager. Commands are wrapped to the
// width so they copy; a word, a JSON or YAML line wider than the screen
// runs past its edge (←/→ scroll).
func (m *Model) detailsLines(s *stepState, w int) []string {
	t := m.lang.T
	out := []string{m.st.head.Render(t(i18n.UIDetailsTitle, s.info.Title)), ""}
	lab, eq := s.commands()
	block := func(label string, cmds []string) {
		if len(cmds) == 0 {
			return
		}
		out = append(out, m.st.dim.Render(label))
		for _, c := range cmds {
			out = append(out, paint(m.st.code, wrapCommand(c, w, "$ ", "  "))...)
		}
		out = append(out, "")
	}
	block(t(i18n.UIReplaces), lab)
	block(t(i18n.UIEquivalent), eq)
	p := m.planOf(s)
	if p == nil {
		p = &flow.Plan{}
	}
	var changes []flow.Change
	for _, c := range p.Changes {
		if c.Action.Changes() {
			changes = append(changes, c)
		}
	}
	if len(changes) > 0 {
		out = append(out, m.st.dim.Render(t(i18n.UIDetailsChanges)))
		for _, c := range changes {
			sym, level := c.Action.Sign()
			head := m.st.level(level).Render(m.glyphs(sym) + " " + string(c.Action))
			lines := wrapCode(c.Kind+" "+c.Name, w-4-lipgloss.Width(head), "", "")
			out = append(out, "  "+head+" "+lines[0])
			out = append(out, indent(strings.Repeat(" ", 3+lipgloss.Width(head)), lines[1:])...)
			if c.Detail != "" {
				out = append(out, paint(m.st.dim, indent("      ", wrapCode(c.Detail, w-6, "", "")))...)
			}
		}
		out = append(out, "")
	}
	if p.Note != "" {
		out = append(out, paint(m.st.dim, wrap(p.Note, w))...)
		out = append(out, "")
	}
	for _, c := range p.Changes {
		if len(c.Document) == 0 {
			continue
		}
		out = append(out, m.st.dim.Render(fit(t(i18n.UIDetailsPolicy, c.Name), w)))
		var b bytes.Buffer
		if json.Indent(&b, c.Document, "", "  ") != nil {
			b.Reset()
			b.Write(c.Document)
		}
		out = append(out, paint(m.st.code, strings.Split(b.String(), "\n"))...)
		out = append(out, "")
	}
	if s.info.Manifest != "" {
		out = append(out, m.st.dim.Render(t(i18n.UIDetailsYAML)))
		out = append(out, paint(m.st.code, strings.Split(strings.TrimRight(s.info.Manifest, "\n"), "\n"))...)
	}
	return exactlyTrim(out)
}

// exactlyTrim drops the blank lines at the end.
func exactlyTrim(lines []string) []string {
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// introLines are the opening screen: what the lab teaches in a few lines,
// a drawing of the path a trace takes where it fits, and what each step
// that will run does.
func (m *Model) introLines(w int) []string {
	t := m.lang.T
	out := []string{m.st.head.Render(t(i18n.UIIntroTitle))}
	out = append(out, wrap(t(i18n.UIIntroBody), w)...)
	if d := m.glyphs(t(i18n.UIIntroDiagram)); lipgloss.Width(d) <= w-2 {
		out = append(out, "", "  "+m.st.code.Render(d))
	}
	out = append(out, "", m.st.head.Render(t(i18n.UIIntroSteps)))
	what := map[string]i18n.Key{
		flow.IDPreflight: i18n.UIIntroPreflight, flow.IDOIDC: i18n.UIIntroOIDC, flow.IDIAMSA: i18n.UIIntroIAMSA,
		flow.IDDaemonSet: i18n.UIIntroDaemon, flow.IDPods: i18n.UIIntroPods, flow.IDSampling: i18n.UIIntroSampling, flow.IDApp: i18n.UIIntroApp, flow.IDTraces: i18n.UIIntroTraces,
	}
	idW := 0
	for _, s := range m.steps {
		idW = max(idW, lipgloss.Width(s.info.ID))
	}
	for i, s := range m.steps {
		text := s.info.Title
		if k, ok := what[s.info.ID]; ok {
			text = t(k)
		}
		head := fmt.Sprintf("%d %s  ", i+1, pad(s.info.ID, idW))
		lines := wrap(text, max(w-lipgloss.Width(head), 10))
		out = append(out, m.st.crumbNow.Render(head[:2])+m.st.head.Render(head[2:])+lines[0])
		out = append(out, indent(strings.Repeat(" ", lipgloss.Width(head)), lines[1:])...)
	}
	out = append(out, "")
	out = append(out, paint(m.st.dim, wrap(t(i18n.UIIntroAsks), w))...)
	return out
}

// scroll moves a pager by a key: home and end go to the top and the
// bottom, the rest is the viewport's (arrows, pages, ←/→ sideways).
func scroll(vp *viewport.Model, k keyMap, msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, k.Top):
		vp.GotoTop()
		return nil
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
		return nil
	}
	var cmd tea.Cmd
	*vp, cmd = vp.Update(msg)
	return cmd
}

// scrollNote says where a pager is, as lines, not as a share of a whole
// that could read like progress: "lines 10–30 of 80". "" when everything
// is in view.
func (f *frame) scrollNote(vp *viewport.Model) string {
	total, h := vp.TotalLineCount(), vp.Height()
	if total <= h {
		return ""
	}
	top := vp.YOffset() + 1
	return f.lang.T(i18n.UIScrollLines, top, min(top+h-1, total), total)
}
