package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// The service map, drawn for a terminal. The services are laid out in
// layers from the callers outside (the "client" node) and the roots,
// breadth first, so the sample app reads client → Frontend →
// Product-Catalog → Product-Detail. Three forms, the first that fits:
//
//   - across: each layer a column of boxes (name, requests, 4xx and 5xx
//     rates, mean latency), left to right, each call an arrow from its
//     caller's box to its callee's with the call's requests (and, where
//     the screen is wide enough, its rates and latency; where it is
//     narrow, the arrow's head right after the count). The arrows are a
//     tree: a service called from more than one place, and calls back up
//     a cycle, are listed under the picture as "other calls".
//   - down: the boxes one under another in the same order, each followed
//     by an arrow line per call it makes.
//   - list: for maps too big for boxes (or screens too narrow), one line
//     per service and per call; past maxListNodes services the rest is
//     counted in a "+N more" line.
//
// No line is wider than the width asked for; every service and every
// call's request count is on the page unless the "+N more" line says how
// many are not. The final screen draws the map only when its content
// changes (a new count, a new size), never per frame.

const (
	// maxBoxNodes is the most services drawn as boxes; a bigger map is a list.
	maxBoxNodes = 40
	// maxListNodes is the most services the list shows.
	maxListNodes = 100
	// minBoxWidth is the narrowest screen the boxes are drawn on.
	minBoxWidth = 24
)

// ServiceMap draws X-Ray's service map in width columns, in lang, with
// colours (ansi.Strip gives the plain text): a title line, then the map.
// It only reads g.
func ServiceMap(g *flow.ServiceGraph, width int, lang i18n.Lang) []string {
	return paintMap(newStyles(false), layoutServiceMap(g, width, lang.T))
}

// serviceMapLines is the map in the model's styles and language.
func (m *Model) serviceMapLines(g *flow.ServiceGraph, w int) []string {
	return paintMap(m.st, layoutServiceMap(g, w, m.lang.T))
}

// layoutServiceMap lays the map out in w columns: lines of text, each
// piece of text with the tone it is drawn in (paintMap styles them). It
// is a pure function of its arguments.
func layoutServiceMap(g *flow.ServiceGraph, w int, t func(i18n.Key, ...any) string) []mapLine {
	w = max(w, 1)
	if g == nil {
		g = &flow.ServiceGraph{}
	}
	out := []mapLine{mapLine{{toneHead, t(i18n.UIServiceMapTitle)}, {toneDim, "  " + t(i18n.UIMapSize, len(g.Nodes), len(g.Edges))}}.fit(w)}
	if len(g.Nodes) == 0 && len(g.Edges) == 0 {
		return append(out, inkAll(toneDim, wrap(t(i18n.UIMapEmpty), w))...)
	}
	d := mapDraw{t: t, mg: indexGraph(g)}
	var body []mapLine
	switch {
	case len(g.Nodes) > maxBoxNodes || w < minBoxWidth:
		body = d.list(w)
	default:
		var ok bool
		for _, f := range []acrossForm{withFigures, withCounts, tight} {
			if body, ok = d.across(w, f); ok {
				break
			}
		}
		if !ok {
			body = d.down(w)
		}
	}
	if w < minBoxWidth {
		// Narrower than any real screen: the list's indents may not fit.
		for i, l := range body {
			body[i] = l.fit(w)
		}
	}
	return append(out, body...)
}

// mapGraph is a service graph indexed for drawing: nodes by their place
// in g.Nodes, and a spanning forest of the calls, breadth first from the
// callers outside.
type mapGraph struct {
	g     *flow.ServiceGraph
	names []string  // by node
	edges []mapEdge // as in g.Edges
	calls [][]int   // by node: the edges it makes, by callee's name
	// The forest: each node's depth, the edge that first reached it (-1 for
	// a root), its children in order; the roots in order; the nodes in
	// breadth-first order.
	depth []int
	via   []int
	kids  [][]int
	roots []int
	order []int
	tree  []bool // by edge: it is the forest's
}

// mapEdge is a call between two nodes, by their place; -1 for an id that
// is not among the nodes.
type mapEdge struct {
	from, to         int
	fromName, toName string
	stats            flow.ServiceStats
}

func indexGraph(g *flow.ServiceGraph) *mapGraph {
	n := len(g.Nodes)
	mg := &mapGraph{g: g, names: make([]string, n), calls: make([][]int, n), depth: make([]int, n),
		via: make([]int, n), kids: make([][]int, n), tree: make([]bool, len(g.Edges))}
	at := make(map[int]int, n)
	for i, nd := range g.Nodes {
		mg.names[i] = nd.Name
		if _, dup := at[nd.ID]; !dup {
			at[nd.ID] = i
		}
	}
	called := make([]bool, n)
	for _, e := range g.Edges {
		me := mapEdge{from: -1, to: -1, fromName: fmt.Sprintf("#%d", e.From), toName: fmt.Sprintf("#%d", e.To), stats: e.Stats}
		if i, ok := at[e.From]; ok {
			me.from, me.fromName = i, mg.names[i]
		}
		if i, ok := at[e.To]; ok {
			me.to, me.toName = i, mg.names[i]
			if me.from != i {
				called[i] = true
			}
		}
		if me.from >= 0 {
			mg.calls[me.from] = append(mg.calls[me.from], len(mg.edges))
		}
		mg.edges = append(mg.edges, me)
	}
	for _, cs := range mg.calls {
		slices.SortStableFunc(cs, func(a, b int) int {
			ea, eb := mg.edges[a], mg.edges[b]
			return cmp.Or(strings.Compare(ea.toName, eb.toName), cmp.Compare(ea.to, eb.to))
		})
	}
	// Where the walks start: the callers outside, the roots, the services
	// nothing calls, then (a cycle nothing enters) the rest, by name.
	rank := func(i int) int {
		switch {
		case g.Nodes[i].Type == "client":
			return 0
		case g.Nodes[i].Root:
			return 1
		case !called[i]:
			return 2
		}
		return 3
	}
	starts := make([]int, n)
	for i := range starts {
		starts[i] = i
	}
	slices.SortStableFunc(starts, func(a, b int) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(mg.names[a], mg.names[b]))
	})
	seen := make([]bool, n)
	for _, s := range starts {
		if seen[s] {
			continue
		}
		seen[s], mg.via[s] = true, -1
		mg.roots = append(mg.roots, s)
		queue := []int{s}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			mg.order = append(mg.order, cur)
			for _, ei := range mg.calls[cur] {
				to := mg.edges[ei].to
				if to < 0 || seen[to] {
					continue
				}
				seen[to] = true
				mg.depth[to], mg.via[to], mg.tree[ei] = mg.depth[cur]+1, ei, true
				mg.kids[cur] = append(mg.kids[cur], to)
				queue = append(queue, to)
			}
		}
	}
	return mg
}

type mapDraw struct {
	t  func(i18n.Key, ...any) string
	mg *mapGraph
}

// health is the tone a node or call is drawn in: faults red, errors and
// throttles yellow, else green.
func health(s flow.ServiceStats) tone {
	switch {
	case s.Faults > 0:
		return toneBad
	case s.Errors > 0 || s.Throttle > 0:
		return toneWarn
	}
	return toneOK
}

func (d mapDraw) isClient(i int) bool {
	n := &d.mg.g.Nodes[i]
	return n.Type == "client" && n.Stats.Requests == 0
}

// nodeTone is a box's tone: the callers outside dim, the others by health.
func (d mapDraw) nodeTone(i int) tone {
	if d.isClient(i) {
		return toneDim
	}
	return health(d.mg.g.Nodes[i].Stats)
}

// statLine is a node's or a call's figures on one line.
func (d mapDraw) statLine(s flow.ServiceStats) string {
	return d.t(i18n.UIMapStats, s.Requests, 100*s.ErrorRate(), 100*s.FaultRate(), s.AvgLatencyMs)
}

// statLines are the same figures one to a line, for a box or an arrow.
func (d mapDraw) statLines(s flow.ServiceStats) []string {
	return strings.Split(d.t(i18n.UIMapBoxStats, s.Requests, 100*s.ErrorRate(), 100*s.FaultRate(), s.AvgLatencyMs), "\n")
}

// typeName is X-Ray's type of a node, shortened: "EKS::Container".
func typeName(n *flow.ServiceNode) string {
	if n.Type == "client" {
		return ""
	}
	return strings.TrimPrefix(n.Type, "AWS::")
}

// cell is a piece of a row of the picture and its width.
type cell struct {
	l mapLine
	w int
}

// acrossForm is how much an arrow of the across form carries.
type acrossForm int

const (
	withFigures acrossForm = iota // "─20 req─▶" and the rates and latency under it
	withCounts                    // "─20─▶"
	tight                         // "─20▶"
)

// across draws the forest left to right, each depth a column, and says
// whether it fits in w.
func (d mapDraw) across(w int, form acrossForm) ([]mapLine, bool) {
	mg := d.mg
	n := len(mg.names)
	if n == 0 {
		return nil, false
	}
	cols := 0
	for _, dp := range mg.depth {
		cols = max(cols, dp+1)
	}
	// Each box's lines, and one width per column: its widest box's.
	content := make([][]string, n)
	colW := make([]int, cols)
	for i := range n {
		nd := &mg.g.Nodes[i]
		lines := []string{nd.Name}
		if !d.isClient(i) {
			lines = append(lines, d.statLines(nd.Stats)...)
		}
		if nd.Inferred {
			lines = append(lines, d.t(i18n.UIMapInferred))
		}
		content[i] = lines
		for _, l := range lines {
			colW[mg.depth[i]] = max(colW[mg.depth[i]], lipgloss.Width(l)+4)
		}
	}
	// Each tree call's label, and one width per gutter: "┬─" label "─▶"
	// ("▶" alone when tight).
	labels := make([][]string, len(mg.edges))
	gutW := make([]int, max(cols-1, 0))
	arrowW := 4
	if form == tight {
		arrowW = 3
	}
	for ei, e := range mg.edges {
		if !mg.tree[ei] {
			continue
		}
		if form == withFigures {
			labels[ei] = d.statLines(e.stats)
		} else {
			labels[ei] = []string{fmt.Sprint(e.stats.Requests)}
		}
		for _, l := range labels[ei] {
			gutW[mg.depth[e.from]] = max(gutW[mg.depth[e.from]], lipgloss.Width(l)+arrowW)
		}
	}
	total := 0
	for _, cw := range colW {
		total += cw
	}
	for _, gw := range gutW {
		total += gw
	}
	if total > w {
		return nil, false
	}

	// Each subtree takes a band of rows: its root's box at the top, its
	// children's bands one under another beside it.
	top := make([]int, n)
	var place func(i, y int) int
	place = func(i, y int) int {
		top[i] = y
		end := y
		for _, k := range mg.kids[i] {
			end += place(k, end)
		}
		h := max(len(content[i])+2, end-y)
		if v := mg.via[i]; v >= 0 {
			h = max(h, len(labels[v]))
		}
		return h
	}
	rows := 0
	for ri, r := range mg.roots {
		if ri > 0 {
			rows++ // a blank row between trees
		}
		rows += place(r, rows)
	}
	grid := make([][]cell, rows)
	for i := range grid {
		grid[i] = make([]cell, 2*cols-1)
	}
	for i := range n {
		c, cw := 2*mg.depth[i], colW[mg.depth[i]]
		st := d.nodeTone(i)
		name := toneHead
		if d.isClient(i) {
			name = toneDim
		}
		y := top[i]
		grid[y][c] = cell{mapLine{{st, "╭" + strings.Repeat("─", cw-2) + "╮"}}, cw}
		for j, l := range content[i] {
			right, text := "│", plain(pad(l, cw-4))
			if j == 0 {
				text.tn = name
				if len(mg.kids[i]) > 0 {
					right = "├"
				}
			}
			grid[y+1+j][c] = cell{mapLine{{st, "│ "}, text, {st, " " + right}}, cw}
		}
		grid[y+1+len(content[i])][c] = cell{mapLine{{st, "╰" + strings.Repeat("─", cw-2) + "╯"}}, cw}
	}
	for p := range n {
		ks := mg.kids[p]
		if len(ks) == 0 {
			continue
		}
		c, gw := 2*mg.depth[p]+1, gutW[mg.depth[p]]
		last := top[ks[len(ks)-1]] + 1
		for y := top[ks[0]] + 1; y < last; y++ {
			grid[y][c] = cell{mapLine{{toneDim, "│"}}, 1}
		}
		for ki, k := range ks {
			e := mg.edges[mg.via[k]]
			lab := labels[mg.via[k]]
			trunk := "├"
			switch {
			case len(ks) == 1:
				trunk = "─"
			case ki == 0:
				trunk = "┬"
			case ki == len(ks)-1:
				trunk = "╰"
			}
			y := top[k] + 1
			fill := gw - 3 - lipgloss.Width(lab[0])
			grid[y][c] = cell{mapLine{{toneDim, trunk}, {health(e.stats), "─" + lab[0] + strings.Repeat("─", fill) + "▶"}}, gw}
			for j, l := range lab[1:] {
				stem := " "
				if y+1+j < last {
					stem = "│"
				}
				grid[y+1+j][c] = cell{mapLine{{toneDim, stem}, plain("  "), {toneDim, l}}, 3 + lipgloss.Width(l)}
			}
		}
	}
	out := make([]mapLine, 0, rows)
	for _, row := range grid {
		var line mapLine
		end := len(row)
		for end > 0 && row[end-1].w == 0 {
			end--
		}
		for c, cl := range row[:end] {
			cw := 0
			if c%2 == 0 {
				cw = colW[c/2]
			} else {
				cw = gutW[c/2]
			}
			line = append(line, cl.l...)
			if c < end-1 && cl.w < cw {
				line = append(line, plain(strings.Repeat(" ", cw-cl.w)))
			}
		}
		out = append(out, line)
	}
	var others []int
	for ei := range mg.edges {
		if !mg.tree[ei] {
			others = append(others, ei)
		}
	}
	return append(out, d.otherCalls(others, w)...), true
}

// down draws the boxes one under another, breadth first, each followed
// by its calls.
func (d mapDraw) down(w int) []mapLine {
	mg := d.mg
	// One width for every box, the widest content's, within the screen.
	inner := 10
	for i := range mg.names {
		title, body := d.boxText(i)
		inner = max(inner, lipgloss.Width(title)+2, lipgloss.Width(body))
	}
	inner = min(inner, w-4)
	var lines []mapLine
	for _, i := range mg.order {
		lines = append(lines, d.box(i, inner)...)
		for _, ei := range mg.calls[i] {
			lines = append(lines, d.callLines(mg.edges[ei], w)...)
		}
	}
	return append(lines, d.otherCalls(d.strayCalls(), w)...)
}

// boxText is a box's title (name and type) and its figures, for down.
func (d mapDraw) boxText(i int) (title, body string) {
	n := &d.mg.g.Nodes[i]
	title = n.Name
	if tn := typeName(n); tn != "" {
		title += " · " + tn
	}
	if d.isClient(i) {
		return title, d.t(i18n.UIMapClient)
	}
	body = d.statLine(n.Stats)
	if n.Inferred {
		body += "  " + d.t(i18n.UIMapInferred)
	}
	return title, body
}

// box is one service, inner columns wide: its name (and type) in the top
// border, its figures inside.
func (d mapDraw) box(i, inner int) []mapLine {
	st := d.nodeTone(i)
	title, body := d.boxText(i)
	titleLines := wrap(title, inner-2)
	top := "╭─ " + titleLines[0] + " " + strings.Repeat("─", max(inner-lipgloss.Width(titleLines[0])-1, 0)) + "╮"
	out := []mapLine{{{st, top}}}
	for _, l := range titleLines[1:] {
		out = append(out, mapLine{{st, "│ "}, {toneHead, pad(l, inner)}, {st, " │"}})
	}
	for _, l := range wrap(body, inner) {
		out = append(out, mapLine{{st, "│ "}, plain(pad(l, inner)), {st, " │"}})
	}
	return append(out, mapLine{{st, "╰" + strings.Repeat("─", inner+2) + "╯"}})
}

// callLines is one call under its caller: an arrow to the callee with the
// call's figures, on one line when they fit, else the name and the
// figures wrapped under it.
func (d mapDraw) callLines(e mapEdge, w int) []mapLine {
	arrow := mapLine{plain("  "), {health(e.stats), "──▶"}, plain(" ")}
	stats := d.statLine(e.stats)
	if 6+lipgloss.Width(e.toName)+2+lipgloss.Width(stats) <= w {
		return []mapLine{append(arrow, span{toneHead, e.toName}, plain("  "), span{toneDim, stats})}
	}
	var out []mapLine
	for i, l := range wrap(e.toName, max(w-6, 1)) {
		if i == 0 {
			out = append(out, append(arrow, span{toneHead, l}))
		} else {
			out = append(out, mapLine{plain("      "), {toneHead, l}})
		}
	}
	return append(out, indentMap("      ", inkAll(toneDim, wrap(stats, max(w-6, 1))))...)
}

// otherCalls lists calls the picture does not draw: caller → callee and
// the call's figures.
func (d mapDraw) otherCalls(edges []int, w int) []mapLine {
	if len(edges) == 0 {
		return nil
	}
	out := inkAll(toneHead, wrap(d.t(i18n.UIMapOtherCalls), w))
	for _, ei := range edges {
		e := d.mg.edges[ei]
		stats := d.statLine(e.stats)
		if 2+lipgloss.Width(e.fromName)+5+lipgloss.Width(e.toName)+2+lipgloss.Width(stats) <= w {
			out = append(out, mapLine{plain("  "), {toneHead, e.fromName}, plain(" "), {health(e.stats), "──▶"}, plain(" "),
				{toneHead, e.toName}, plain("  "), {toneDim, stats}})
			continue
		}
		out = append(out, indentMap("  ", inkAll(tonePlain, wrap(e.fromName+" ──▶ "+e.toName, max(w-2, 1))))...)
		out = append(out, indentMap("      ", inkAll(toneDim, wrap(stats, max(w-6, 1))))...)
	}
	return out
}

// list is the map as lines, for maps too big for boxes: each service
// with its figures, its calls under it; past maxListNodes services, a
// line counting the rest.
func (d mapDraw) list(w int) []mapLine {
	mg := d.mg
	var out []mapLine
	shown := mg.order[:min(len(mg.order), maxListNodes)]
	for _, i := range shown {
		n := &mg.g.Nodes[i]
		head := n.Name
		if tn := typeName(n); tn != "" {
			head += " · " + tn
		}
		_, body := d.boxText(i)
		st := d.nodeTone(i)
		if lipgloss.Width(head)+2+lipgloss.Width(body) <= w {
			out = append(out, mapLine{{st, head}, plain("  "), {toneDim, body}})
		} else {
			out = append(out, inkAll(st, wrap(head, w))...)
			out = append(out, indentMap("  ", inkAll(toneDim, wrap(body, max(w-2, 1))))...)
		}
		for _, ei := range mg.calls[i] {
			out = append(out, d.callLines(mg.edges[ei], w)...)
		}
	}
	if rest := mg.order[len(shown):]; len(rest) > 0 {
		calls := 0
		for _, i := range rest {
			calls += len(mg.calls[i])
		}
		out = append(out, inkAll(toneWarn, wrap(d.t(i18n.UIMapMore, len(rest), calls), w))...)
	}
	return append(out, d.otherCalls(d.strayCalls(), w)...)
}

// strayCalls are the calls from an id that is not among the nodes: there
// is no box to draw them under.
func (d mapDraw) strayCalls() []int {
	var out []int
	for ei, e := range d.mg.edges {
		if e.from < 0 {
			out = append(out, ei)
		}
	}
	return out
}
