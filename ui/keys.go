package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// keyMap is every key the UI answers to. The confirmation prompt's own keys
// (enter, y, n, ←/→) are huh's; they are listed here for the help line.
type keyMap struct {
	Apply, Skip, Choose key.Binding
	Quit, Help          key.Binding
	Scroll, Page, Exit  key.Binding
	Top, Bottom, Ends   key.Binding // home, end; Ends is both, for the help line
	Sideways            key.Binding
	Details, Back       key.Binding // c opens a step's details; esc, c or q go back
	Start               key.Binding // the opening screen's
	Leave               key.Binding // the doctor's findings: the same keys as Exit
	Suspend             key.Binding // ctrl+z: every terminal program's, so not in the help line

	// What the help line shows depends on the screen.
	phase      phase
	over       overlay
	scrollable bool
}

func newKeys(l i18n.Lang) keyMap {
	return keyMap{
		Apply:  key.NewBinding(key.WithKeys("enter", "y"), key.WithHelp("enter/y", l.T(i18n.UIKeyApply))),
		Skip:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", l.T(i18n.UIKeySkip))),
		Choose: key.NewBinding(key.WithKeys("left", "right", "h", "l", "tab", "shift+tab"), key.WithHelp("←/→", l.T(i18n.UIKeyChoose))),
		// q is never text here (there is no text field), so it is ctrl+c.
		Quit:   key.NewBinding(key.WithKeys("ctrl+c", "q"), key.WithHelp("q/ctrl+c", l.T(i18n.UIKeyQuit))),
		Help:   key.NewBinding(key.WithKeys("?"), key.WithHelp("?", l.T(i18n.UIKeyHelp))),
		Scroll: key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑/↓", l.T(i18n.UIKeyScroll))),
		Page:   key.NewBinding(key.WithKeys("pgup", "pgdown", "space", "b", "f"), key.WithHelp("pgup/pgdn", l.T(i18n.UIKeyPage))),
		Exit:   key.NewBinding(key.WithKeys("enter", "q", "esc", "ctrl+c"), key.WithHelp("enter/q", l.T(i18n.UIKeyExit))),
		Leave:  key.NewBinding(key.WithKeys("enter", "q", "esc", "ctrl+c"), key.WithHelp("q", l.T(i18n.UIKeyExit))),
		Top:    key.NewBinding(key.WithKeys("home", "g")),
		Bottom: key.NewBinding(key.WithKeys("end", "G")),
		Ends:   key.NewBinding(key.WithKeys("home", "end"), key.WithHelp("home/end", l.T(i18n.UIKeyEnds))),
		// The pager's own keys (bubbles viewport): ←/→ scroll sideways.
		Sideways: key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", l.T(i18n.UIKeySideways))),
		Details:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", l.T(i18n.UIKeyDetails))),
		Back:     key.NewBinding(key.WithKeys("esc", "c", "q"), key.WithHelp("esc", l.T(i18n.UIKeyBack))),
		Start:    key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", l.T(i18n.UIKeyStart))),
		// The steps go on while the screen is suspended.
		Suspend: key.NewBinding(key.WithKeys("ctrl+z")),
	}
}

// ShortHelp lists the keys that work on the current screen.
func (k keyMap) ShortHelp() []key.Binding {
	switch k.over {
	case ovIntro:
		return []key.Binding{k.Start, k.Quit, k.Scroll, k.Help}
	case ovDetails:
		return []key.Binding{k.Back, k.Scroll, k.Ends, k.Sideways, k.Help}
	}
	switch k.phase {
	case phaseConfirm:
		// Most needed first: a narrow help line drops the last ones.
		return []key.Binding{k.Apply, k.Skip, k.Quit, k.Details, k.Help, k.Choose}
	case phaseFinal:
		if k.scrollable {
			return []key.Binding{k.Exit, k.Scroll, k.Ends, k.Help}
		}
		return []key.Binding{k.Exit, k.Help}
	case phaseDoctor, phaseDiagnosis:
		return []key.Binding{k.Scroll, k.Leave}
	}
	return []key.Binding{k.Quit, k.Details, k.Help}
}

// FullHelp groups the same keys in columns, with paging on the final screen.
func (k keyMap) FullHelp() [][]key.Binding {
	switch k.over {
	case ovIntro:
		return [][]key.Binding{{k.Start, k.Quit}, {k.Scroll, k.Page, k.Ends}, {k.Help}}
	case ovDetails:
		return [][]key.Binding{{k.Back, k.Help}, {k.Scroll, k.Page}, {k.Ends, k.Sideways}}
	}
	switch k.phase {
	case phaseConfirm:
		return [][]key.Binding{{k.Apply, k.Skip, k.Choose}, {k.Quit, k.Details, k.Help}}
	case phaseFinal:
		if k.scrollable {
			return [][]key.Binding{{k.Scroll, k.Page, k.Ends}, {k.Exit, k.Help}}
		}
		return [][]key.Binding{{k.Exit, k.Help}}
	case phaseDoctor, phaseDiagnosis:
		return [][]key.Binding{{k.Scroll, k.Ends, k.Leave}}
	}
	return [][]key.Binding{{k.Quit, k.Details, k.Help}}
}
