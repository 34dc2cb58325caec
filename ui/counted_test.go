package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// After a refresh the traces step's line and the summary's counts say the
// same figure.
func TestRefreshKeepsOneFigure(t *testing.T) {
	refresh := func(_ context.Context, rep flow.Reporter) error {
		c := *counts
		c.Total, c.OK = counts.Total+1, counts.OK+1
		rep.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Counts: &c})
		return nil
	}
	m := New(context.Background(), Config{Lang: i18n.En, Sandbox: true, Steps: infos(i18n.En), NoColor: true,
		Now: func() time.Time { return clock }, Refresh: refresh})
	m = feed(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	sum := finalSummary()
	sum.Steps[len(sum.Steps)-1].Detail = i18n.En.T(i18n.MsgTracesCounted, 20, 15, 2, 1, 2)
	nm, _ := m.Update(doneMsg{sum})
	m = nm.(*Model)
	nm, cmd := m.Update(refreshTickMsg{})
	m = nm.(*Model)
	nm, _ = m.Update(cmd())
	m = nm.(*Model)
	want := "21 traces: 16 ok, 2 4xx, 1 5xx, 2 429"
	for _, ss := range m.sum.Steps {
		if ss.ID == flow.IDTraces && ss.Detail != want {
			t.Errorf("summary's step line %q, want %q", ss.Detail, want)
		}
	}
	if m.sum.Traces.Total != 21 {
		t.Errorf("summary's total %d", m.sum.Traces.Total)
	}
	if d := m.steps[m.index(flow.IDTraces)].detail; d != want {
		t.Errorf("screen's step line %q, want %q", d, want)
	}
	if strings.Contains(screen(m), "20 traces") {
		t.Errorf("the old figure is still on screen:\n%s", screen(m))
	}
}
