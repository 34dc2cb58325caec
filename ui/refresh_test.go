package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// The final screen counts again every few seconds: each refresh replaces
// the counts (and the map) and plans the next; a failed one says so and
// keeps the last counts.
func TestFinalScreenRefreshes(t *testing.T) {
	calls := 0
	fail := false
	refresh := func(_ context.Context, rep flow.Reporter) error {
		calls++
		if fail {
			return errors.New("ThrottledException: Rate exceeded")
		}
		c := *counts
		c.Total, c.OK = counts.Total+calls*10, counts.OK+calls*10
		g := &flow.ServiceGraph{Nodes: []flow.ServiceNode{{ID: 0, Name: "client", Type: "client"}}}
		rep.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Counts: &c, Graph: g})
		return nil
	}
	m := New(context.Background(), Config{Lang: i18n.En, Sandbox: true, Steps: infos(i18n.En), NoColor: true,
		Now: func() time.Time { return clock }, Refresh: refresh})
	m = feed(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	nm, cmd := m.Update(doneMsg{finalSummary()})
	m = nm.(Model)
	if cmd == nil {
		t.Fatal("no refresh planned on the final screen")
	}
	contains(t, "final screen", screen(m), "updated", "again every 5 s")

	// The tick asks for a count in a command; its answer updates the screen.
	nm, cmd = m.Update(refreshTickMsg{})
	m = nm.(Model)
	if cmd == nil {
		t.Fatal("the tick did not count again")
	}
	nm, next := m.Update(cmd())
	m = nm.(Model)
	if next == nil || m.sum.Traces.Total != counts.Total+10 || m.sum.Graph == nil {
		t.Fatalf("after a refresh: total %d, graph %v, next %v", m.sum.Traces.Total, m.sum.Graph, next)
	}
	contains(t, "refreshed screen", screen(m), "total 30")

	fail = true
	nm, cmd = m.Update(refreshTickMsg{})
	m = nm.(Model)
	nm, next = m.Update(cmd())
	m = nm.(Model)
	if next == nil || m.sum.Traces.Total != counts.Total+10 {
		t.Fatalf("a failed refresh: total %d, next %v", m.sum.Traces.Total, next)
	}
	contains(t, "failed refresh", screen(m), "could not update the counts", "Rate exceeded")
}
