package ui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// styles is every style the UI uses, in one place. With NO_COLOR the same
// layout is drawn without colours.
type styles struct {
	title, badge, dry, dim, step, stepNow, code, ok, warn, bad, url, head, key, bar, barEmpty lipgloss.Style
	rule                                                                                      string
}

func newStyles(noColor bool) styles {
	c := func(hex string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return lipgloss.Color(hex)
	}
	s := styles{
		title:    lipgloss.NewStyle().Bold(true).Foreground(c("#7D56F4")),
		badge:    lipgloss.NewStyle().Bold(true).Foreground(c("#1A1A1A")).Background(c("#F2C94C")).Padding(0, 1),
		dry:      lipgloss.NewStyle().Bold(true).Foreground(c("#1A1A1A")).Background(c("#56CCF2")).Padding(0, 1),
		dim:      lipgloss.NewStyle().Foreground(c("#8A8A8A")),
		step:     lipgloss.NewStyle().Foreground(c("#8A8A8A")),
		stepNow:  lipgloss.NewStyle().Bold(true).Foreground(c("#EDEDED")),
		code:     lipgloss.NewStyle().Foreground(c("#9AD8A6")),
		ok:       lipgloss.NewStyle().Foreground(c("#3FB950")),
		warn:     lipgloss.NewStyle().Foreground(c("#E3B341")),
		bad:      lipgloss.NewStyle().Bold(true).Foreground(c("#F85149")),
		url:      lipgloss.NewStyle().Bold(true).Underline(true).Foreground(c("#58A6FF")),
		head:     lipgloss.NewStyle().Bold(true),
		key:      lipgloss.NewStyle().Bold(true).Foreground(c("#C9D1D9")),
		bar:      lipgloss.NewStyle().Foreground(c("#7D56F4")),
		barEmpty: lipgloss.NewStyle().Foreground(c("#3A3A3A")),
	}
	if noColor {
		s.badge = lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1)
		s.dry = s.badge
	}
	s.rule = "─"
	return s
}
