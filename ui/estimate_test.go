package ui

import (
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// A first figure (the service map's estimate) is marked "≈" while the
// count pages, in both languages, and the exact count takes its place
// unmarked.
func TestEstimateIsMarkedThenReplaced(t *testing.T) {
	est := *counts
	est.Estimate, est.Total, est.PerMinute = true, 100000, nil
	for _, l := range langs {
		m := feed(newModel(l, 80, 24), append(upTo(flow.IDTraces), ev(flow.IDTraces, flow.Traces, func(e *flow.Event) { e.Counts = &est }))...)
		s := screen(m)
		contains(t, string(l)+" estimate", s, "≈ 100000", l.T(i18n.UIEstimateNote))
		m = feed(m, ev(flow.IDTraces, flow.Traces, func(e *flow.Event) { e.Counts = counts }))
		s = screen(m)
		if strings.Contains(s, "≈") || strings.Contains(s, l.T(i18n.UIEstimateNote)) {
			t.Errorf("%s: the exact count is still marked an estimate:\n%s", l, s)
		}
		// The final screen of a run stopped while counting keeps the mark.
		sum := finalSummary()
		sum.Traces = &est
		s = screen(feed(newModel(l, 80, 40), append(upTo(flow.IDTraces), doneMsg{sum})...))
		contains(t, string(l)+" final estimate", s, "≈ 100000")
	}
}
