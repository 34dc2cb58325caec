package ui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// stepPane is the current step in room lines of w cells: its title, why
// it is done, the lab's command it replaces, then what is happening now.
// What is happening gets the room first; the explanation gets the rest,
// cut with … when it must be.
func (m *Model) stepPane(w, room int) []string {
	t := m.lang.T
	if room <= 0 {
		return nil
	}
	if len(m.steps) == 0 {
		return []string{m.spin.View() + " " + t(i18n.UIStarting)}
	}
	s := &m.steps[m.cur]
	title := m.st.dim.Render(t(i18n.UIStepOf, m.cur+1, len(m.steps))) + "  " + m.st.head.Render(s.info.Title)
	took := m.took(m.cur)
	if m.ask != nil {
		took = "" // the time is the person's, not the step's
	}
	out := []string{spread(title, m.st.dim.Render(took), w)}
	if room == 1 {
		return out
	}
	reserve := 0
	if room >= 10 {
		reserve = 3 // keep a little of the why and the command in view
	}
	state := m.stateLines(s, w, room-1-reserve)
	avail := room - 1 - len(state)
	gap := 0
	if len(state) > 0 && avail > 1 {
		gap = 1
		avail--
	}
	out = append(out, m.explain(s, w, avail)...)
	if gap == 1 {
		out = append(out, "")
	}
	return append(out, state...)
}

// explain is the step's why, the lab's commands and the wizard's
// equivalent in at most n lines. A command is shown whole or not at all:
// when they do not fit it sheds, in order, the blank line between the why
// and the commands, the equivalent commands from the last, the why beyond
// two lines, the lab's commands after the first, the why, and the lab's
// first command last; a line then
// says that c shows them all (as it does when the step has a manifest or a
// trust policy to show).
func (m *Model) explain(s *stepState, w, n int) []string {
	hint := m.hasDetails(s)
	out, dropped := m.explainIn(s, w, n)
	if (dropped || hint) && n > 1 {
		out, _ = m.explainIn(s, w, n-1)
		out = append(out, m.st.dim.Render(fit(m.lang.T(i18n.UIDetailsHint), w)))
	}
	return out
}

// commandsPart is a block of whole commands under a label: every size it
// can be drawn at, dropping one command at a time from the end, the label
// going with the last one.
func commandsPart(blocks [][]string) part {
	if len(blocks) == 0 {
		return part{0}
	}
	sum := 1 // the label
	for _, b := range blocks {
		sum += len(b)
	}
	p := part{sum}
	for i := len(blocks) - 1; i >= 1; i-- {
		sum -= len(blocks[i])
		p = append(p, sum)
	}
	return append(p, 0)
}

// shownCommands is how many commands of blocks a part's size holds.
func shownCommands(blocks [][]string, size int) int {
	k, used := 0, 1
	for k < len(blocks) && used+len(blocks[k]) <= size {
		used += len(blocks[k])
		k++
	}
	return k
}

// explainIn draws explain's parts in n lines and reports whether a
// command was left out.
func (m *Model) explainIn(s *stepState, w, n int) ([]string, bool) {
	t := m.lang.T
	const (
		pWhy = iota
		pSep // the blank line between the why and the commands
		pLab // "Replaces the lab's command:" and the lab's commands
		pEq  // "The wizard's equivalent:" and its commands
	)
	lab, eq := commandsPart(s.cmds), commandsPart(s.eqs)
	why := oneByOne(len(s.why))
	sep := kept(0)
	if len(s.why) > 0 && (len(s.cmds) > 0 || len(s.eqs) > 0) {
		sep = onOff(1)
	}
	parts := []part{pWhy: why, pSep: sep, pLab: lab, pEq: eq}
	rungs, ok := fitParts(n, parts, []shed{
		{pSep, 1},
		{pEq, len(eq) - 1},
		{pWhy, why.at(2)},
		{pLab, lab.at(1 + firstLen(s.cmds))},
		{pWhy, why.at(0)},
		{pLab, len(lab) - 1},
	})
	if !ok {
		return nil, len(s.cmds)+len(s.eqs) > 0
	}
	out := clip(s.why, sizeOf(parts, rungs, pWhy), w)
	if sizeOf(parts, rungs, pSep) > 0 {
		out = append(out, "")
	}
	nLab := shownCommands(s.cmds, sizeOf(parts, rungs, pLab))
	nEq := shownCommands(s.eqs, sizeOf(parts, rungs, pEq))
	if nLab > 0 {
		out = append(out, m.st.dim.Render(t(i18n.UIReplaces)))
		for _, b := range s.cmds[:nLab] {
			out = append(out, paint(m.st.code, b)...)
		}
	}
	if nEq > 0 {
		out = append(out, m.st.dim.Render(t(i18n.UIEquivalent)))
		for _, b := range s.eqs[:nEq] {
			out = append(out, paint(m.st.code, b)...)
		}
	}
	return out, nLab < len(s.cmds) || nEq < len(s.eqs)
}

// firstLen is how many lines the first command takes.
func firstLen(blocks [][]string) int {
	if len(blocks) == 0 {
		return 0
	}
	return len(blocks[0])
}

// stateLines is what the current step is doing, in at most n lines.
func (m *Model) stateLines(s *stepState, w, n int) []string {
	if n <= 0 {
		return nil
	}
	if m.ask != nil && m.steps[m.cur].info.ID == s.info.ID {
		return m.confirmLines(w, n)
	}
	warn := m.warningLines(s, w, n/3)
	n -= len(warn)
	var out []string
	switch {
	case s.status == stFailed:
		out = m.failureLines(s.err, s.detail, w)
	case s.info.ID == flow.IDPods && m.pods != nil:
		out = m.podLines(s, w, n)
	case s.info.ID == flow.IDApp && (m.url != "" || m.load != nil):
		out = m.trafficLines(s, w)
	case s.info.ID == flow.IDTraces && m.counts != nil:
		out = m.traceLines(m.counts, w)
		if s.status == stRunning {
			out = append(out, m.progressLines(s, w, 1)...)
		}
	default:
		out = m.progressLines(s, w, n)
	}
	return append(clip(out, n, w), warn...)
}

// warningLines are the step's warnings, newest last, in at most n lines.
func (m *Model) warningLines(s *stepState, w, n int) []string {
	if n <= 0 || len(s.warnings) == 0 {
		return nil
	}
	label := m.lang.T(i18n.UIWarning)
	var out []string
	for _, v := range s.warnings {
		lines := wrap("! "+label+" "+v, w)
		out = append(out, paint(m.st.warn, clip(lines, 2, w))...)
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// progressLines are the step's last lines of progress, the newest with
// the spinner; the plan's note (what the step does) comes first if room.
func (m *Model) progressLines(s *stepState, w, n int) []string {
	t := m.lang.T
	var out []string
	if s.plan != nil && s.plan.Note != "" && n > 2 {
		out = append(out, paint(m.st.dim, clip(wrap(s.plan.Note, w), 2, w))...)
	}
	latest := t(i18n.UIWorking)
	if s.status == stPending {
		latest = t(i18n.UIStarting)
	}
	prev := s.progress
	if k := len(prev); k > 0 {
		latest, prev = prev[k-1], prev[:k-1]
	}
	for _, p := range prev {
		out = append(out, m.st.dim.Render(fit("  · "+p, w)))
	}
	spin := m.spin.View()
	if s.status != stRunning {
		spin = m.mark(m.cur)
		if s.detail != "" { // how it ended says more than its last step
			latest = s.detail
		}
	}
	out = append(out, spin+" "+fit(latest, w-2))
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// failureLines are a failure's cause, in red, and its fix.
func (m *Model) failureLines(err *flow.Error, detail string, w int) []string {
	t := m.lang.T
	cause, fix := detail, ""
	var cmds []string
	if err != nil {
		cause, fix, cmds = err.Cause, err.Fix, err.Commands
	}
	head := "✗ " + t(i18n.UIFailed)
	out := labelled(m.st.bad, m.st.bad, head, cause, w)
	if fix != "" {
		out = append(out, labelled(m.st.head, m.st.text, t(i18n.UIFix), fix, w)...)
	}
	// The fix's commands whole, each wrapped so it can be copied.
	for _, c := range wrapCommands(cmds, w) {
		out = append(out, paint(m.st.code, c)...)
	}
	return out
}

// labelled wraps "label text" to w, the label in one style, the text in
// another.
func labelled(ls, ts lipgloss.Style, label, text string, w int) []string {
	lines := wrap(label+" "+text, w)
	for i, l := range lines {
		if i == 0 && strings.HasPrefix(l, label) {
			lines[i] = ls.Render(label) + ts.Render(l[len(label):])
			continue
		}
		lines[i] = ts.Render(l)
	}
	return lines
}

// confirmLines are the plan's changes, its note and the prompt, in at most
// n lines; the prompt is always there.
func (m *Model) confirmLines(w, n int) []string {
	t := m.lang.T
	p := m.ask.plan
	prompt := strings.Split(m.ask.form.View(), "\n")
	for i, l := range prompt {
		prompt[i] = strings.TrimRight(l, " ")
	}
	var changes []flow.Change
	for _, c := range p.Changes {
		if c.Action.Changes() {
			changes = append(changes, c)
		}
	}
	actW := 0
	for _, c := range changes {
		actW = max(actW, lipgloss.Width(m.lang.ActionWord(string(c.Action))))
	}
	var note []string
	if p.Note != "" {
		note = paint(m.st.dim, wrap(p.Note, w))
	}
	const (
		pHeader  = iota // "will change:"
		pChanges        // a line per change, and its detail under it
		pNone           // "nothing to change"
		pNote
		pBlank
		pPrompt
	)
	// The changes with their details; without them; then one fewer from
	// the end each rung, plus the "+N more" line, down to one.
	changesP, none := kept(0), kept(1)
	if len(changes) > 0 {
		d := 0
		for _, c := range changes {
			if c.Detail != "" {
				d++
			}
		}
		changesP, none = part{len(changes) + d, len(changes)}, kept(0)
		for j := 1; j < len(changes); j++ {
			changesP = append(changesP, len(changes)-j+1)
		}
	}
	noteP := onOff(len(note))
	if len(note) > 1 {
		noteP = part{len(note), 1, 0}
	}
	parts := []part{pHeader: onOff(1), pChanges: changesP, pNone: none, pNote: noteP, pBlank: onOff(1), pPrompt: kept(len(prompt))}
	rungs, ok := fitParts(n, parts, []shed{
		{pBlank, 1},
		{pNote, noteP.at(1)},
		{pChanges, 1}, // no details
		{pChanges, len(changesP) - 1},
		{pNote, noteP.at(0)},
		{pHeader, 1},
	})
	if !ok {
		return clip(prompt, n, w)
	}
	details := rungs[pChanges] == 0
	shown := len(changes) - max(rungs[pChanges]-1, 0)
	note = clip(note, sizeOf(parts, rungs, pNote), w)
	var out []string
	if sizeOf(parts, rungs, pHeader) > 0 {
		out = append(out, m.st.head.Render(t(i18n.UIWillChange)))
	}
	if len(changes) == 0 {
		out = append(out, "  "+m.st.dim.Render(t(i18n.UINoChanges)))
	}
	for _, c := range changes[:shown] {
		sym, level := c.Action.Sign()
		line := "  " + m.st.level(level).Render(sym+" "+pad(m.lang.ActionWord(string(c.Action)), actW)) + " " + m.lang.KindWord(c.Kind) + "  " + c.Name
		out = append(out, fit(line, w))
		if details && c.Detail != "" {
			out = append(out, m.st.dim.Render(fit(strings.Repeat(" ", actW+5)+c.Detail, w)))
		}
	}
	if shown < len(changes) {
		out = append(out, m.st.dim.Render(t(i18n.UIMoreChanges, len(changes)-shown)))
	}
	out = append(out, note...)
	if sizeOf(parts, rungs, pBlank) > 0 {
		out = append(out, "")
	}
	return append(out, prompt...)
}

// podLines are the daemon's pods: a bar of how many are Ready, a table as
// kubectl shows it, and why the ones that are not Ready are not.
//
// The table is laid out by hand rather than with bubbles' table: that one
// is an interactive widget (focus, a selected row, one style per column),
// while this is a live read-only view that needs a colour per cell,
// East-Asian-width-aware truncation, columns that drop out on narrow
// terminals and a reason line under a row.
func (m *Model) podLines(s *stepState, w, n int) []string {
	t := m.lang.T
	p := m.pods
	frac := 0.0
	if p.Desired > 0 {
		frac = float64(p.Ready) / float64(p.Desired)
	}
	label := m.st.head.Render(t(i18n.UIPodsReady, p.Ready, p.Desired))
	if p.Desired > 0 && p.Ready >= p.Desired {
		label = m.st.ok.Render(t(i18n.UIPodsReady, p.Ready, p.Desired))
	}
	out := []string{m.bar(frac) + "  " + label}
	if len(p.Rows) == 0 {
		return append(out, m.spin.View()+" "+t(i18n.UIWaitingPods))
	}

	// No screen shows more rows than it has lines: pick those first (the
	// pods that are not Ready, then the rest), so a frame costs the same
	// for 3 pods or 5,000.
	rows := p.Rows
	extra, extraReady := 0, 0
	if limit := max(m.height, 1); len(rows) > limit {
		picked := make([]flow.PodRow, 0, limit)
		for _, ready := range []bool{false, true} {
			for _, r := range rows {
				if r.Ready == ready && len(picked) < limit {
					picked = append(picked, r)
				}
			}
		}
		readyAll, readyPicked := 0, 0
		for _, r := range rows {
			if r.Ready {
				readyAll++
			}
		}
		for _, r := range picked {
			if r.Ready {
				readyPicked++
			}
		}
		extra, extraReady = len(rows)-len(picked), readyAll-readyPicked
		rows = picked
	} else {
		rows = append([]flow.PodRow(nil), rows...)
	}
	cols := []string{t(i18n.UIColPod), t(i18n.UIColNode), t(i18n.UIColStatus), t(i18n.UIColReady), t(i18n.UIColRestarts), t(i18n.UIColAge)}
	// The nodes' architectures, last, as kubectl's -L columns are; only
	// when the step knows them.
	arch := slices.ContainsFunc(rows, func(r flow.PodRow) bool { return r.Arch != "" })
	if arch {
		cols = append(cols, t(i18n.UIColArch))
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		ready := "0/1"
		if r.Ready {
			ready = "1/1"
		}
		cells[i] = []string{r.Name, r.Node, r.Phase, ready, fmt.Sprint(r.Restarts), age(m.now.Sub(r.Created), r.Created.IsZero())}
		if arch {
			cells[i] = append(cells[i], r.Arch)
		}
	}
	widths := func() []int {
		ws := make([]int, len(cols))
		for c, h := range cols {
			ws[c] = lipgloss.Width(h)
			for _, row := range cells {
				ws[c] = max(ws[c], lipgloss.Width(row[c]))
			}
		}
		return ws
	}
	ws := widths()
	gap := 2
	show := make([]bool, len(cols))
	for c := range show {
		show[c] = true
	}
	total := func() int {
		sum, k := 0, 0
		for c, on := range show {
			if on {
				sum += ws[c]
				k++
			}
		}
		return sum + gap*(k-1)
	}
	if total() > w {
		gap = 1
	}
	if total() > w { // the node's short name: ip-192-168-10-20
		for _, row := range cells {
			if i := strings.IndexByte(row[1], '.'); i > 0 {
				row[1] = row[1][:i]
			}
		}
		ws = widths()
	}
	if total() > w && arch { // the architecture before the node
		show[len(show)-1] = false
	}
	if total() > w {
		show[1] = false
	}
	for total() > w && ws[2] > 10 {
		ws[2]--
	}
	for total() > w && ws[0] > 12 {
		ws[0]--
	}
	lastShown := 0
	for c, on := range show {
		if on {
			lastShown = c
		}
	}
	line := func(c []string, style func(col int) lipgloss.Style) string {
		var b strings.Builder
		first := true
		for col, on := range show {
			if !on {
				continue
			}
			if !first {
				b.WriteString(strings.Repeat(" ", gap))
			}
			first = false
			cell := pad(c[col], ws[col])
			if col == lastShown {
				cell = fit(c[col], ws[col])
			}
			b.WriteString(style(col).Render(cell))
		}
		return b.String()
	}
	out = append(out, line(cols, func(int) lipgloss.Style { return m.st.dim }))

	// The reasons of pods that are not Ready, and the last word of the
	// step (a restart, a wait) with the spinner.
	var reasons []string
	for _, r := range rows {
		if !r.Ready && r.Reason != "" {
			reasons = append(reasons, m.st.warn.Render(fit("  ↳ "+r.Name+": "+r.Reason, w)))
		}
	}
	var tail []string
	if s.status == stRunning {
		latest := t(i18n.UIWaitingPods)
		if k := len(s.progress); k > 0 {
			latest = s.progress[k-1]
		}
		tail = append(tail, m.spin.View()+" "+fit(latest, w-2))
	}
	room := n - len(out) - len(tail)
	reasons = clip(reasons, max(min(len(reasons), room/2), 0), w)
	room -= len(reasons)

	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	if len(rows) > room {
		// The pods that are not Ready first: they are the ones to see.
		sort.SliceStable(order, func(a, b int) bool { return !rows[order[a]].Ready && rows[order[b]].Ready })
	}
	more, moreReady := extra, extraReady
	if len(rows) > room {
		keepN := max(room-1, 0)
		for _, i := range order[keepN:] {
			more++
			if rows[i].Ready {
				moreReady++
			}
		}
		order = order[:keepN]
	}
	for _, i := range order {
		r := rows[i]
		st := m.podStyle(r)
		out = append(out, line(cells[i], func(col int) lipgloss.Style {
			if col == 2 || col == 3 {
				return st
			}
			if col == 4 && r.Restarts > 0 {
				return m.st.warn
			}
			return m.st.text
		}))
	}
	if more > 0 {
		out = append(out, m.st.dim.Render(fit(t(i18n.UIMorePods, more, moreReady), w)))
	}
	out = append(out, reasons...)
	return append(out, tail...)
}

// podStyle colours a pod's status: Ready green, on its way yellow, stuck red.
func (m *Model) podStyle(r flow.PodRow) lipgloss.Style {
	switch {
	case r.Ready:
		return m.st.ok
	case strings.Contains(r.Phase, "BackOff"), strings.HasPrefix(r.Phase, "Err"), strings.Contains(r.Phase, "Invalid"),
		r.Phase == "Error", r.Phase == "Failed", r.Phase == "OOMKilled":
		return m.st.bad
	}
	return m.st.warn
}

// trafficLines are the app's URL, as plain text that can be selected and
// opened, a bar of the requests sent, and the answers by status.
func (m *Model) trafficLines(s *stepState, w int) []string {
	t := m.lang.T
	var out []string
	if m.url != "" {
		out = append(out, m.st.dim.Render(t(i18n.UIAppURL)))
		out = append(out, m.link(m.url, w)...)
	} else {
		out = append(out, m.progressLines(s, w, 2)...)
	}
	l := m.load
	if l == nil || l.Total == 0 {
		if m.url != "" && s.status == stRunning {
			out = append(out, m.progressLines(s, w, 1)...)
		}
		return out
	}
	label := t(i18n.UIRequests, l.Sent, l.Total)
	out = append(out, m.bar(float64(l.Sent)/float64(l.Total))+"  "+m.st.head.Render(label))
	var parts []string
	for _, c := range l.Codes() {
		st := m.st.ok
		switch {
		case c == 429:
			st = m.st.barThrottle
		case c >= 500:
			st = m.st.bad
		case c >= 400:
			st = m.st.warn
		}
		parts = append(parts, st.Render(fmt.Sprintf("%d ×%d", c, l.Status[c])))
	}
	if l.Failed > 0 {
		parts = append(parts, m.st.bad.Render(t(i18n.UINoAnswer, l.Failed)))
	}
	if len(parts) > 0 {
		out = append(out, fit(strings.Join(parts, "   "), w))
	}
	return out
}

// link is a URL on lines of its own: cut at the width with nothing added,
// underlined, and a terminal hyperlink where the terminal knows them.
func (m *Model) link(u string, w int) []string {
	return paint(m.st.url.Hyperlink(u), wrapURL(u, w))
}

// countLines are X-Ray's trace counts: the total, a bar per kind of
// answer, and the traces per service beside them when there is room.
func (m *Model) countLines(c *flow.TraceCounts, w int) []string {
	t := m.lang.T
	head := m.st.head.Render(t(i18n.UITraces)) + "  " + t(i18n.UITotal) + " " + m.st.head.Render(fmt.Sprint(c.Total))
	var when []string
	if !c.Start.IsZero() && !c.End.IsZero() {
		when = append(when, t(i18n.UIWindow, c.Start.Local().Format("15:04:05"), c.End.Local().Format("15:04:05")))
	}
	if c.Region != "" {
		when = append(when, c.Region)
	}
	if len(when) > 0 {
		head += m.st.dim.Render("   " + strings.Join(when, " · "))
	}
	out := []string{fit(head, w)}

	kinds := []struct {
		label string
		n     int
		st    lipgloss.Style
	}{
		{t(i18n.UIOK), c.OK, m.st.barOK},
		{t(i18n.UIError4xx), c.Error, m.st.barWarn},
		{t(i18n.UIFault5xx), c.Fault, m.st.barBad},
		{t(i18n.UIThrottle429), c.Throttle, m.st.barThrottle},
	}
	labelW := 0
	for _, k := range kinds {
		labelW = max(labelW, lipgloss.Width(k.label))
	}
	names := make([]string, 0, len(c.ByService))
	nameW := 0
	for n := range c.ByService {
		names = append(names, n)
		nameW = max(nameW, lipgloss.Width(n))
	}
	sort.Slice(names, func(a, b int) bool {
		if c.ByService[names[a]] != c.ByService[names[b]] {
			return c.ByService[names[a]] > c.ByService[names[b]]
		}
		return names[a] < names[b]
	})
	svcTitle := t(i18n.UIByService)
	svcW := max(nameW+7, lipgloss.Width(svcTitle))
	fixed := 2 + labelW + 6 + 2 // "  label nnnnn  "
	side := len(names) > 0 && w-fixed-3-svcW >= 10
	barW := w - fixed
	if side {
		barW -= 3 + svcW
	}
	barW = max(min(barW, 30), 4)
	var left []string
	for _, k := range kinds {
		cells := 0
		if c.Total > 0 && k.n > 0 {
			cells = max((k.n*barW+c.Total/2)/c.Total, 1)
		}
		left = append(left, "  "+pad(k.label, labelW)+fmt.Sprintf(" %5d  ", k.n)+k.st.Render(strings.Repeat("█", min(cells, barW))))
	}
	if !side {
		out = append(out, left...)
		if len(names) > 0 {
			parts := make([]string, len(names))
			for i, n := range names {
				parts[i] = fmt.Sprintf("%s %d", n, c.ByService[n])
			}
			out = append(out, labelled(m.st.head, m.st.text, svcTitle+":", strings.Join(parts, " · "), w)...)
		}
		return out
	}
	right := []string{m.st.head.Render(svcTitle)}
	for _, n := range names {
		right = append(right, pad(n, nameW)+fmt.Sprintf(" %5d", c.ByService[n]))
	}
	leftW := fixed + barW
	for i := 0; i < max(len(left), len(right)); i++ {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out = append(out, pad(l, leftW)+"   "+r)
	}
	return out
}

// age is a pod's age as kubectl prints it.
func age(d time.Duration, unknown bool) string {
	if unknown {
		return "?"
	}
	s := int(d.Seconds())
	switch {
	case s < 0:
		return "0s"
	case s < 120:
		return fmt.Sprintf("%ds", s)
	case s < 600:
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	case s < 3*3600:
		return fmt.Sprintf("%dm", s/60)
	case s < 48*3600:
		return fmt.Sprintf("%dh", s/3600)
	}
	return fmt.Sprintf("%dd", s/86400)
}
