package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// TraceChart draws the traces per minute as one line of bars of width
// columns at most, newest on the right, labelled with the busiest minute's
// count and how many minutes it shows; "" when there are none.
func TraceChart(rates []flow.TraceRate, width int, lang i18n.Lang) string {
	return drawChart(newStyles(false), lang, rates, width)
}

// chartLine is the traces-per-minute chart in the model's styles.
func (m *Model) chartLine(rates []flow.TraceRate, w int) string {
	return drawChart(m.st, m.lang, rates, w)
}

// chartRunes are the bars of the traces-per-minute chart, lowest first.
var chartRunes = []rune("▁▂▃▄▅▆▇█")

func drawChart(st styles, lang i18n.Lang, rates []flow.TraceRate, w int) string {
	t := lang.T
	if len(rates) == 0 {
		return ""
	}
	peak := 0
	for _, r := range rates {
		peak = max(peak, r.Count)
	}
	head := t(i18n.UIChartTitle) + " "
	// The label is widest with every minute shown and the overall peak;
	// fewer minutes can only make it narrower.
	room := w - lipgloss.Width(head) - lipgloss.Width(" "+t(i18n.UIChartPeak, peak, len(rates)))
	if room < 4 {
		return fit(st.dim.Render(head)+fmt.Sprint(peak), w)
	}
	rates = rates[max(len(rates)-room, 0):]
	peak = 0
	for _, r := range rates {
		peak = max(peak, r.Count)
	}
	// A minute without traces is a dot, so every minute shown has a mark.
	var b strings.Builder
	b.WriteString(st.dim.Render(head))
	for i := 0; i < len(rates); {
		j := i
		for j < len(rates) && (rates[j].Count > 0) == (rates[i].Count > 0) {
			j++
		}
		var run strings.Builder
		for _, r := range rates[i:j] {
			if r.Count <= 0 {
				run.WriteRune('·')
				continue
			}
			k := (r.Count*len(chartRunes) - 1) / max(peak, 1)
			run.WriteRune(chartRunes[min(k, len(chartRunes)-1)])
		}
		if rates[i].Count > 0 {
			b.WriteString(st.ok.Render(run.String()))
		} else {
			b.WriteString(st.dim.Render(run.String()))
		}
		i = j
	}
	b.WriteString(st.dim.Render(" " + t(i18n.UIChartPeak, peak, len(rates))))
	return b.String()
}
