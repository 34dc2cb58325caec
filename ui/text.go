package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Text helpers. Widths are terminal cells, measured ANSI- and
// East-Asian-width-aware (lipgloss.Width), never bytes or runes.

// fit cuts s (styled or not) to w cells, ending in … when it cut.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// pad fits s to w cells and fills the rest with spaces.
func pad(s string, w int) string {
	s = fit(s, w)
	if n := w - lipgloss.Width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// spread puts left and right on one line of w cells, right-aligned; left
// is cut first when both do not fit.
func spread(left, right string, w int) string {
	rw := lipgloss.Width(right)
	if rw == 0 {
		return fit(left, w)
	}
	if rw+2 > w {
		return fit(left, w)
	}
	left = fit(left, w-rw-2)
	return left + strings.Repeat(" ", w-lipgloss.Width(left)-rw) + right
}

// paint styles each line.
func paint(st lipgloss.Style, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = st.Render(l)
	}
	return out
}

// indent prefixes each line.
func indent(prefix string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = prefix + l
	}
	return out
}

// clip keeps the first n lines; when it drops any, the last one kept ends
// in … so the cut shows.
func clip(lines []string, n, w int) []string {
	if n <= 0 {
		return nil
	}
	if len(lines) <= n {
		return lines
	}
	out := append([]string(nil), lines[:n]...)
	last := out[n-1]
	if lipgloss.Width(last)+1 > w {
		last = ansi.Truncate(last, w-1, "")
	}
	out[n-1] = last + "…"
	return out
}

// Kinsoku: characters a line must not start with (closing brackets and
// punctuation) or end with (opening brackets).
const (
	noLineStart = "、。，．・：；？！）」』】〉》）ー…‐゛゜ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ%,.:;?!)]}"
	noLineEnd   = "（「『【〈《([{"
)

type token struct {
	s     string
	w     int
	space bool
}

// tokens splits prose into the pieces a line may break between: words of
// narrow characters, single wide characters (Japanese breaks between any
// two), and spaces; punctuation sticks to the piece it belongs with.
func tokens(s string) []token {
	var out []token
	var word strings.Builder
	ww := 0
	flush := func() {
		if word.Len() > 0 {
			out = append(out, token{s: word.String(), w: ww})
			word.Reset()
			ww = 0
		}
	}
	for _, r := range s {
		rs := string(r)
		rw := ansi.StringWidth(rs)
		switch {
		case r == ' ' || r == '\t' || r == '\n':
			flush()
			out = append(out, token{s: " ", w: 1, space: true})
		case rw >= 2 || strings.ContainsRune(noLineStart, r) && word.Len() == 0:
			flush()
			if strings.ContainsRune(noLineStart, r) && len(out) > 0 && !out[len(out)-1].space {
				out[len(out)-1].s += rs
				out[len(out)-1].w += rw
				continue
			}
			out = append(out, token{s: rs, w: rw})
		default:
			word.WriteRune(r)
			ww += rw
		}
	}
	flush()
	// An opening bracket goes with what follows it.
	for i := 0; i+1 < len(out); {
		t := out[i]
		if !t.space && strings.ContainsAny(lastRune(t.s), noLineEnd) && !out[i+1].space {
			out[i+1] = token{s: t.s + out[i+1].s, w: t.w + out[i+1].w}
			out = append(out[:i], out[i+1:]...)
			continue
		}
		i++
	}
	return out
}

// cut splits s after at most w cells, taking at least one character so
// that a loop over it always ends.
func cut(s string, w int) (head, rest string) {
	head = ansi.Truncate(s, max(w, 1), "")
	if head == "" {
		r := []rune(s)
		if len(r) == 0 {
			return "", ""
		}
		head = string(r[0])
	}
	return head, s[len(head):]
}

func lastRune(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1])
}

// wrap wraps plain prose to w cells, in English and in Japanese alike.
func wrap(s string, w int) []string {
	if w < 1 {
		return nil
	}
	var lines []string
	var line strings.Builder
	lw := 0
	emit := func() {
		lines = append(lines, strings.TrimRight(line.String(), " "))
		line.Reset()
		lw = 0
	}
	for _, t := range tokens(s) {
		if t.space {
			if lw > 0 && lw+1 <= w {
				line.WriteByte(' ')
				lw++
			}
			continue
		}
		if lw+t.w > w && lw > 0 {
			emit()
		}
		// A piece longer than the line is cut where it must be.
		for t.w > w {
			var head string
			head, t.s = cut(t.s, w-lw)
			line.WriteString(head)
			emit()
			t.w = ansi.StringWidth(t.s)
		}
		line.WriteString(t.s)
		lw += t.w
	}
	if lw > 0 || len(lines) == 0 {
		emit()
	}
	return lines
}

// shellWords splits a command line at the spaces outside quotes: a
// quoted string (single or double, as the shell reads them, a backslash
// escaping the next character outside single quotes) is one piece with the
// characters around it, so a line is never cut inside it.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	quote := rune(0)
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && quote != '\'':
			escaped = true
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == ' ' || r == '\t' || r == '\n':
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	return words
}

// wrapWords puts words on lines of w cells, greedily: the first line
// starts with first, the others with cont, and every line that is
// continued ends with more. A word is never cut: one wider than the line
// (a URL, an ARN) stands on a line of its own and runs past the edge,
// whole, so a terminal can still open it and a copy still works.
func wrapWords(words []string, w int, first, cont, more string) []string {
	var lines []string
	prefix, cur := first, ""
	mw := lipgloss.Width(more)
	for i, word := range words {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		need := lipgloss.Width(prefix) + lipgloss.Width(try)
		if i < len(words)-1 {
			need += mw // a line that goes on ends with more
		}
		if cur == "" || need <= w {
			cur = try
			continue
		}
		lines = append(lines, prefix+cur+more)
		prefix, cur = cont, word
	}
	return append(lines, prefix+cur)
}

// wrapCommand wraps a shell command to w cells so that it can be copied
// from the screen as it is: it breaks only at spaces outside quotes, each
// cut line ends with " \\" (the shell's line continuation) and the next
// starts with cont; URLs and ARNs are never broken. The first line starts
// with first ("$ ").
func wrapCommand(s string, w int, first, cont string) []string {
	return wrapWords(shellWords(s), w, first, cont, " \\")
}

// wrapCode wraps text that is not a command (a resource's kind and name, a
// change's detail) at its spaces; like a command, a word is never cut.
func wrapCode(s string, w int, first, cont string) []string {
	return wrapWords(strings.Fields(s), w, first, cont, "")
}

// wrapURL cuts a URL into lines of w cells, with nothing added, so that
// the lines joined are the URL.
func wrapURL(s string, w int) []string {
	if w < 1 {
		return nil
	}
	var lines []string
	for lipgloss.Width(s) > w {
		var head string
		head, s = cut(s, w)
		lines = append(lines, head)
	}
	return append(lines, s)
}
