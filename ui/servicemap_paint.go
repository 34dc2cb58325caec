package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// The service map is laid out as plain text in tones (layoutServiceMap)
// and painted here: each tone a style of the screen's.

// tone is what a piece of the map is drawn in, by name.
type tone int

const (
	tonePlain tone = iota
	toneDim
	toneHead
	toneOK
	toneWarn
	toneBad
)

// span is a piece of a line in one tone.
type span struct {
	tn tone
	s  string
}

// mapLine is a line of the map: its pieces, left to right.
type mapLine []span

// text is the line as plain text.
func (l mapLine) text() string {
	var b strings.Builder
	for _, sp := range l {
		b.WriteString(sp.s)
	}
	return b.String()
}

// width is the line's width in cells.
func (l mapLine) width() int {
	n := 0
	for _, sp := range l {
		n += lipgloss.Width(sp.s)
	}
	return n
}

// fit cuts the line to w cells, ending in … when it cut (as fit does for
// a string); the … takes the tone of the piece it cut into.
func (l mapLine) fit(w int) mapLine {
	if l.width() <= w {
		return l
	}
	keep := len(strings.TrimSuffix(fit(l.text(), w), "…")) // bytes kept
	var out mapLine
	for _, sp := range l {
		if keep < len(sp.s) {
			return append(out, span{sp.tn, sp.s[:keep] + "…"})
		}
		out = append(out, sp)
		keep -= len(sp.s)
	}
	return out
}

// plain is text in no tone of its own.
func plain(s string) span { return span{tonePlain, s} }

// inkAll makes each line one piece in tn.
func inkAll(tn tone, lines []string) []mapLine {
	out := make([]mapLine, len(lines))
	for i, l := range lines {
		out[i] = mapLine{{tn, l}}
	}
	return out
}

// indentMap puts prefix before each line.
func indentMap(prefix string, lines []mapLine) []mapLine {
	out := make([]mapLine, len(lines))
	for i, l := range lines {
		out[i] = append(mapLine{plain(prefix)}, l...)
	}
	return out
}

// plainMap is the layout as plain text, a string per line.
func plainMap(lines []mapLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.text()
	}
	return out
}

// paintMap styles the layout's lines. Each piece is rendered once per map:
// the boxes' borders and arrows repeat, and rendering is most of the
// map's cost.
func paintMap(st styles, lines []mapLine) []string {
	style := map[tone]lipgloss.Style{toneDim: st.dim, toneHead: st.head, toneOK: st.ok, toneWarn: st.warn, toneBad: st.bad}
	memo := map[span]string{}
	out := make([]string, len(lines))
	var b strings.Builder
	for i, l := range lines {
		b.Reset()
		for _, sp := range l {
			if sp.tn == tonePlain || sp.s == "" {
				b.WriteString(sp.s)
				continue
			}
			r, ok := memo[sp]
			if !ok {
				r = style[sp.tn].Render(sp.s)
				memo[sp] = r
			}
			b.WriteString(r)
		}
		out[i] = b.String()
	}
	return out
}
