package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// keyMap is every key the UI answers to.
type keyMap struct {
	Apply, Skip, Quit, Help, Up, Down, Exit key.Binding
	state                                   *Model
}

func newKeys(l i18n.Lang) keyMap {
	return keyMap{
		Apply: key.NewBinding(key.WithKeys("enter", "y"), key.WithHelp("enter/y", l.T(i18n.UIKeyApply))),
		Skip:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", l.T(i18n.UIKeySkip))),
		Quit:  key.NewBinding(key.WithKeys("ctrl+c", "q"), key.WithHelp("q/ctrl+c", l.T(i18n.UIKeyQuit))),
		Help:  key.NewBinding(key.WithKeys("?"), key.WithHelp("?", l.T(i18n.UIKeyHelp))),
		Up:    key.NewBinding(key.WithKeys("up", "k", "pgup"), key.WithHelp("↑/↓", l.T(i18n.UIKeyScroll))),
		Down:  key.NewBinding(key.WithKeys("down", "j", "pgdown")),
		Exit:  key.NewBinding(key.WithKeys("enter", "q", "ctrl+c", "esc"), key.WithHelp("enter/q", l.T(i18n.UIKeyExit))),
	}
}

// ShortHelp lists the keys that work in the current phase.
func (k keyMap) ShortHelp() []key.Binding {
	if k.state == nil {
		return []key.Binding{k.Quit, k.Help}
	}
	switch k.state.phase {
	case phaseConfirm:
		return []key.Binding{k.Apply, k.Skip, k.Quit, k.Help}
	case phaseDone:
		return []key.Binding{k.Up, k.Exit}
	}
	return []key.Binding{k.Quit, k.Help}
}

// FullHelp is the short help in one column.
func (k keyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
