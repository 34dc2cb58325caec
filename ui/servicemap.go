package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// The service map, drawn for a terminal: each service a box with its
// requests, 4xx and 5xx rates and mean latency, in the order requests reach
// them (breadth first from the callers outside, so client → Frontend →
// Product-Catalog reads top down); under each box an arrow per call it
// makes, with the call's own figures. Boxes and arrows never pass the
// width; a wide graph grows down, and the final screen scrolls.

// mapOrder is the nodes breadth first from the client and the roots, then
// any the walk did not reach, each once (cycles end the walk).
func mapOrder(g *flow.ServiceGraph) []*flow.ServiceNode {
	out := make([]int, 0, len(g.Nodes))
	seen := map[int]bool{}
	next := map[int][]int{}
	for _, e := range g.Edges {
		next[e.From] = append(next[e.From], e.To)
	}
	var queue []int
	push := func(id int) {
		if !seen[id] {
			seen[id] = true
			queue = append(queue, id)
		}
	}
	starts := slices.Clone(g.Nodes)
	slices.SortStableFunc(starts, func(a, b flow.ServiceNode) int {
		rank := func(n flow.ServiceNode) int {
			switch {
			case n.Type == "client":
				return 0
			case n.Root:
				return 1
			}
			return 2
		}
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, n := range starts {
		push(n.ID)
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			out = append(out, id)
			kids := slices.Clone(next[id])
			slices.SortFunc(kids, func(a, b int) int { return strings.Compare(nodeName(g, a), nodeName(g, b)) })
			for _, k := range kids {
				if g.Node(k) != nil {
					push(k)
				}
			}
		}
	}
	nodes := make([]*flow.ServiceNode, 0, len(out))
	for _, id := range out {
		nodes = append(nodes, g.Node(id))
	}
	return nodes
}

func nodeName(g *flow.ServiceGraph, id int) string {
	if n := g.Node(id); n != nil {
		return n.Name
	}
	return ""
}

// statLine is a node's or a call's figures: requests, 4xx and 5xx rates,
// mean latency.
func statLine(t func(i18n.Key, ...any) string, s flow.ServiceStats) string {
	return t(i18n.UIMapStats, s.Requests, 100*s.ErrorRate(), 100*s.FaultRate(), s.AvgLatencyMs)
}

// serviceMapLines draws the map in w columns.
func (m Model) serviceMapLines(g *flow.ServiceGraph, w int) []string {
	t := m.lang.T
	out := []string{fit(m.st.head.Render(t(i18n.UIServiceMapTitle))+m.st.dim.Render("  "+t(i18n.UIMapSize, len(g.Nodes), len(g.Edges))), w)}
	if len(g.Nodes) == 0 {
		return append(out, paint(m.st.dim, wrap(t(i18n.UIMapEmpty), w))...)
	}
	w = max(w, 24)
	calls := map[int][]flow.ServiceEdge{}
	for _, e := range g.Edges {
		calls[e.From] = append(calls[e.From], e)
	}
	// One width for every box, the widest content's, within the screen.
	inner := 10
	for _, n := range g.Nodes {
		title, body := m.boxText(&n)
		inner = max(inner, lipgloss.Width(title)+2, lipgloss.Width(body))
	}
	inner = min(inner, w-4)
	for _, n := range mapOrder(g) {
		out = append(out, m.nodeBox(n, inner)...)
		es := calls[n.ID]
		slices.SortFunc(es, func(a, b flow.ServiceEdge) int { return strings.Compare(nodeName(g, a.To), nodeName(g, b.To)) })
		for _, e := range es {
			out = append(out, m.callLines(nodeName(g, e.To), e.Stats, w)...)
		}
	}
	return out
}

// health is the style a node or call is drawn in: faults red, errors
// yellow, else green.
func (m Model) health(s flow.ServiceStats) lipgloss.Style {
	switch {
	case s.Faults > 0:
		return m.st.bad
	case s.Errors > 0:
		return m.st.warn
	}
	return m.st.ok
}

// boxText is a box's title (name and type) and its figures.
func (m Model) boxText(n *flow.ServiceNode) (title, body string) {
	t := m.lang.T
	title = n.Name
	if n.Type != "" && n.Type != "client" {
		title += " · " + strings.TrimPrefix(n.Type, "AWS::")
	}
	if n.Type == "client" {
		return title, t(i18n.UIMapClient)
	}
	body = statLine(t, n.Stats)
	if n.Inferred {
		body += "  " + t(i18n.UIMapInferred)
	}
	return title, body
}

// nodeBox is one service, inner columns wide: its name (and type) in the
// top border, its figures inside.
func (m Model) nodeBox(n *flow.ServiceNode, inner int) []string {
	st := m.health(n.Stats)
	if n.Type == "client" {
		st = m.st.dim
	}
	title, body := m.boxText(n)
	var out []string
	titleLines := wrap(title, inner-2)
	top := "╭─ " + titleLines[0] + " " + strings.Repeat("─", max(inner-lipgloss.Width(titleLines[0])-1, 0)) + "╮"
	out = append(out, st.Render(top))
	for _, l := range titleLines[1:] {
		out = append(out, st.Render("│ ")+m.st.head.Render(pad(l, inner))+st.Render(" │"))
	}
	for _, l := range wrap(body, inner) {
		out = append(out, st.Render("│ ")+pad(l, inner)+st.Render(" │"))
	}
	out = append(out, st.Render("╰"+strings.Repeat("─", inner+2)+"╯"))
	return out
}

// callLines is one call: an arrow to the callee with the call's figures,
// on one line when they fit, else the figures on the next.
func (m Model) callLines(to string, s flow.ServiceStats, w int) []string {
	t := m.lang.T
	st := m.health(s)
	arrow := "  " + st.Render("──▶") + " "
	name := m.st.head.Render(to)
	stats := statLine(t, s)
	if lipgloss.Width(arrow)+lipgloss.Width(name)+2+lipgloss.Width(stats) <= w {
		return []string{arrow + name + "  " + m.st.dim.Render(stats)}
	}
	out := []string{fit(arrow+name, w)}
	for _, l := range wrap(stats, w-6) {
		out = append(out, "      "+m.st.dim.Render(l))
	}
	return out
}

// chartRunes are the bars of the traces-per-minute chart, lowest first.
var chartRunes = []rune("▁▂▃▄▅▆▇█")

// chartLine is the traces per minute as one line of bars, the newest on
// the right, as many minutes as fit, with the busiest minute's count.
func (m Model) chartLine(rates []flow.TraceRate, w int) string {
	t := m.lang.T
	if len(rates) == 0 {
		return ""
	}
	peak := 0
	for _, r := range rates {
		peak = max(peak, r.Count)
	}
	label := " " + t(i18n.UIChartPeak, peak)
	head := t(i18n.UIChartTitle) + " "
	room := w - lipgloss.Width(head) - lipgloss.Width(label)
	if room < 4 {
		return fit(head+fmt.Sprint(peak), w)
	}
	rates = rates[max(len(rates)-room, 0):]
	var b strings.Builder
	for _, r := range rates {
		switch {
		case r.Count == 0:
			b.WriteRune(' ')
		default:
			i := (r.Count*len(chartRunes) - 1) / max(peak, 1)
			b.WriteRune(chartRunes[min(i, len(chartRunes)-1)])
		}
	}
	return m.st.dim.Render(head) + m.st.ok.Render(b.String()) + m.st.dim.Render(label)
}
