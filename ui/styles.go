package ui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/progress"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
)

// styles is every style the UI draws with, in one place. Without colours
// (NO_COLOR, a terminal without them) the same layout is drawn with bold,
// underline and reverse video only, so nothing depends on colour alone: a
// step's state is in its mark, a button's focus in its brackets.
type styles struct {
	noColor bool

	app, target, rule      lipgloss.Style
	sandbox, dryRun        lipgloss.Style
	crumb, crumbNow        lipgloss.Style
	dim, head, text        lipgloss.Style
	code                   lipgloss.Style
	ok, warn, bad, info    lipgloss.Style
	url                    lipgloss.Style
	spin                   lipgloss.Style
	barOK, barWarn, barBad lipgloss.Style
	barThrottle            lipgloss.Style

	help    help.Styles
	barFull color.Color
	barNone color.Color
}

// The palette reads on dark and light backgrounds alike; the renderer
// brings it down to what the terminal has (256 colours in Cloud9).
const (
	hexAccent   = "#8B7CF6"
	hexDim      = "#8A8F98"
	hexCode     = "#4FB6C8"
	hexOK       = "#3FB950"
	hexWarn     = "#D29922"
	hexBad      = "#F85149"
	hexURL      = "#58A6FF"
	hexThrottle = "#BC8CFF"
	hexBadgeFg  = "#1A1A1A"
	hexSandbox  = "#F2C94C"
	hexDryRun   = "#56CCF2"
	hexBarNone  = "#3A3F47"
)

func newStyles(noColor bool) styles {
	c := func(hex string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return lipgloss.Color(hex)
	}
	base := lipgloss.NewStyle()
	s := styles{
		noColor:     noColor,
		app:         base.Bold(true).Foreground(c(hexAccent)),
		target:      base.Foreground(c(hexDim)),
		rule:        base.Foreground(c(hexDim)),
		sandbox:     base.Bold(true).Foreground(c(hexBadgeFg)).Background(c(hexSandbox)).Padding(0, 1),
		dryRun:      base.Bold(true).Foreground(c(hexBadgeFg)).Background(c(hexDryRun)).Padding(0, 1),
		crumb:       base.Foreground(c(hexDim)),
		crumbNow:    base.Bold(true).Foreground(c(hexAccent)),
		dim:         base.Foreground(c(hexDim)),
		head:        base.Bold(true),
		text:        base,
		code:        base.Foreground(c(hexCode)),
		ok:          base.Foreground(c(hexOK)),
		warn:        base.Foreground(c(hexWarn)),
		bad:         base.Bold(true).Foreground(c(hexBad)),
		info:        base.Foreground(c(hexAccent)),
		url:         base.Bold(true).Underline(true).Foreground(c(hexURL)),
		spin:        base.Foreground(c(hexAccent)),
		barOK:       base.Foreground(c(hexOK)),
		barWarn:     base.Foreground(c(hexWarn)),
		barBad:      base.Foreground(c(hexBad)),
		barThrottle: base.Foreground(c(hexThrottle)),
		barFull:     c(hexAccent),
		barNone:     c(hexBarNone),
	}
	s.help = help.Styles{
		Ellipsis:       s.dim,
		ShortKey:       base.Bold(true),
		ShortDesc:      s.dim,
		ShortSeparator: s.dim,
		FullKey:        base.Bold(true),
		FullDesc:       s.dim,
		FullSeparator:  s.dim,
	}
	if noColor {
		// Badges stay badges without colour: reverse video.
		s.sandbox = base.Bold(true).Reverse(true).Padding(0, 1)
		s.dryRun = s.sandbox
		s.crumbNow = base.Bold(true).Underline(true)
		s.url = base.Bold(true).Underline(true)
	}
	return s
}

// asciiDrawing are the ASCII forms of the symbols the screens draw with —
// rules, bars, the chart, the map's boxes and arrows, the dots and dashes of
// the text — one cell each, so a screen laid out with the symbols is the
// same size in ASCII. With flow's marks (flow.ASCIIMarks) they are every
// symbol the UI draws; in ASCII mode (Config.ASCII) the finished screen is
// drawn through them. The spinner has its own ASCII frames (frame.go).
var asciiDrawing = []string{
	"─", "-", "│", "|", "╭", "+", "╮", "+", "╰", "+", "╯", "+",
	"├", "+", "┤", "+", "┬", "+", "┴", "+", "┼", "+", "┌", "+", "┐", "+", "└", "+", "┘", "+",
	"▶", ">", "◀", "<", "▲", "^", "▼", "v",
	"█", "#", "░", ".", "▁", "_", "▂", "_", "▃", "-", "▄", "-", "▅", "=", "▆", "=", "▇", "#",
	"·", ".", "—", "-", "‐", "-", "…", "~", "•", "*", "○", "o", "●", "*",
	"→", ">", "←", "<", "↑", "^", "↓", "v", "↳", ">", "×", "x", "≤", "<", "≥", ">",
}

// asciiForms maps every symbol the UI draws to its ASCII form.
var asciiForms = func() *strings.Replacer {
	pairs := append([]string(nil), asciiDrawing...)
	for k, v := range flow.ASCIIMarks {
		pairs = append(pairs, k, v)
	}
	return strings.NewReplacer(pairs...)
}()

// bar is a progress bar of the given width, drawn by bubbles' progress.
// Filled and empty cells differ in shape too, for terminals without colour.
func (s styles) bar(width int) progress.Model {
	p := progress.New(
		progress.WithWidth(max(width, 1)),
		progress.WithoutPercentage(),
		progress.WithFillCharacters('█', '░'),
		progress.WithColors(s.barFull),
	)
	p.EmptyColor = s.barNone
	return p
}

// huhTheme styles the confirmation prompt (a huh Confirm) like the rest of
// the screen: no border, a bold question, and buttons whose focus shows in
// brackets as well as in reverse video.
func (s styles) huhTheme() huh.Theme {
	t := huh.ThemeBase(true)
	f := &t.Focused
	f.Base = lipgloss.NewStyle()
	f.Title = s.head.MarginRight(2)
	f.Description = s.dim
	focused := lipgloss.NewStyle().Bold(true).Reverse(true)
	if !s.noColor {
		focused = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color(hexBadgeFg)).Background(lipgloss.Color(hexAccent))
	}
	f.FocusedButton = focused.Transform(func(v string) string { return "[ " + v + " ]" }).MarginRight(1)
	f.BlurredButton = s.dim.Transform(func(v string) string { return "  " + v + "  " }).MarginRight(1)
	t.Blurred = t.Focused
	t.Help = s.help
	// The field asks for its theme on every render: build it once.
	return huh.ThemeFunc(func(bool) *huh.Styles { return t })
}

// level is the style of a mark's level.
func (s styles) level(l flow.Level) lipgloss.Style {
	switch l {
	case flow.LevelOK:
		return s.ok
	case flow.LevelWarn:
		return s.warn
	case flow.LevelBad:
		return s.bad
	case flow.LevelInfo:
		return s.info
	}
	return s.dim
}
