package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"github.com/charmbracelet/colorprofile"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// frame is what every screen of the UI shares: the language, the
// terminal's size, the styles and whether they have colours, the keys and
// their help line, and the spinner.
//
// Colours are off when the caller says so (NO_COLOR, read by the command
// line through iostreams) or when Bubble Tea's colour-profile message says
// the terminal has none. The UI reads no environment of its own.
type frame struct {
	lang          i18n.Lang
	st            styles
	keys          keyMap
	help          help.Model
	spin          spinner.Model
	width, height int

	noColor     bool // the caller turned colours off
	termNoColor bool // the terminal has none (its colour profile)
	ascii       bool // every symbol in ASCII (asciiForms)
}

// asciiSpinner is the spinner's ASCII form.
var asciiSpinner = spinner.Line

func newFrame(l i18n.Lang, noColor, ascii bool, sp spinner.Spinner) frame {
	f := frame{lang: l, keys: newKeys(l), help: help.New(), width: 80, height: 24, noColor: noColor, ascii: ascii}
	if ascii {
		sp = asciiSpinner
	}
	f.spin = spinner.New(spinner.WithSpinner(sp))
	f.restyle()
	return f
}

// restyle builds the styles for colour or none.
func (f *frame) restyle() {
	f.st = newStyles(f.noColor || f.termNoColor)
	f.help.Styles = f.st.help
	f.spin.Style = f.st.spin
}

// setProfile takes the terminal's colour profile and reports whether the
// styles changed, so the screen must be drawn again. An unknown profile
// changes nothing.
func (f *frame) setProfile(p colorprofile.Profile) bool {
	if p == colorprofile.Unknown {
		return false
	}
	f.termNoColor = p <= colorprofile.ASCII
	f.restyle()
	return true
}

// glyphs is s with every symbol in its ASCII form in ASCII mode, else s.
func (f *frame) glyphs(s string) string {
	if !f.ascii {
		return s
	}
	return asciiForms.Replace(s)
}

// title is the app's name, then, after two spaces, what the screen is
// about when there is something.
func (f *frame) title(name, about string) string {
	name = f.st.app.Render(name)
	if about == "" {
		return name
	}
	return name + "  " + about
}

// helpLine is the keys of the screen in phase p (bubbles help).
func (f *frame) helpLine(p phase, adjust func(*keyMap)) string {
	k := f.keys
	k.phase = p
	if adjust != nil {
		adjust(&k)
	}
	return f.help.View(k)
}
