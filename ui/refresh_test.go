package ui

import (
	"context"
	"errors"
	"strings"
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
	m = nm.(*Model)
	if cmd == nil {
		t.Fatal("no refresh planned on the final screen")
	}
	contains(t, "final screen", screen(m), "updated", "again every 5 s")

	// The tick asks for a count in a command; its answer updates the screen.
	nm, cmd = m.Update(refreshTickMsg{})
	m = nm.(*Model)
	if cmd == nil {
		t.Fatal("the tick did not count again")
	}
	nm, next := m.Update(cmd())
	m = nm.(*Model)
	if next == nil || m.sum.Traces.Total != counts.Total+10 || m.sum.Graph == nil {
		t.Fatalf("after a refresh: total %d, graph %v, next %v", m.sum.Traces.Total, m.sum.Graph, next)
	}
	contains(t, "refreshed screen", screen(m), "total 30")

	fail = true
	nm, cmd = m.Update(refreshTickMsg{})
	m = nm.(*Model)
	nm, next = m.Update(cmd())
	m = nm.(*Model)
	if next == nil || m.sum.Traces.Total != counts.Total+10 {
		t.Fatalf("a failed refresh: total %d, next %v", m.sum.Traces.Total, next)
	}
	contains(t, "failed refresh", screen(m), "could not update the counts", "Rate exceeded")
}

// The final screen shows the latest Traces event's counts, chart and map:
// each event replaces the last, a count without a map keeps the map.
func TestFinalScreenShowsLatestTraces(t *testing.T) {
	m := newModel(i18n.En, 80, 24)
	old := &flow.ServiceGraph{Nodes: []flow.ServiceNode{{ID: 0, Name: "client", Type: "client"}, {ID: 1, Name: "Old-Service"}},
		Edges: []flow.ServiceEdge{{From: 0, To: 1, Stats: stats(3, 0, 0, 1)}}}
	count := func(total int) *flow.TraceCounts {
		c := *counts
		c.Total, c.OK, c.Error, c.Fault, c.Throttle = total, total, 0, 0, 0
		c.PerMinute = perMinute(clock.Add(-3*time.Minute), 1, total/2, total)
		return &c
	}
	msgs := append(upTo(flow.IDTraces),
		ev(flow.IDTraces, flow.Traces, func(e *flow.Event) { e.Counts, e.Graph = count(3), old }),
		ev(flow.IDTraces, flow.Traces, func(e *flow.Event) { e.Counts, e.Graph = count(12), sampleGraph() }),
		ev(flow.IDTraces, flow.Traces, func(e *flow.Event) { e.Counts = count(40) }),
		finished(flow.IDTraces, flow.Done, details[flow.IDTraces]))
	m = feed(m, msgs...)
	sum := finalSummary()
	sum.Traces, sum.Graph = nil, nil
	m = feed(m, doneMsg{sum})
	s := screen(m)
	contains(t, "final screen", s, "total 40", "max 40 · 3 min", "│ client ├──20─▶│ Frontend")
	if strings.Contains(s, "Old-Service") {
		t.Errorf("the older map is still shown:\n%s", s)
	}
}

// A refresh that reports more than once keeps the latest count and the
// latest map, even when its last event has no map.
func TestRefreshKeepsTheLatestMap(t *testing.T) {
	refresh := func(_ context.Context, rep flow.Reporter) error {
		c1, c2 := *counts, *counts
		c1.Total, c2.Total = 50, 60
		rep.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Counts: &c1, Graph: wideGraph()})
		rep.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Counts: &c2})
		return nil
	}
	m := New(context.Background(), Config{Lang: i18n.En, Sandbox: true, Steps: infos(i18n.En), NoColor: true,
		Now: func() time.Time { return clock }, Refresh: refresh})
	m = feed(m, tea.WindowSizeMsg{Width: 200, Height: 60}, doneMsg{finalSummary()})
	nm, cmd := m.Update(refreshTickMsg{})
	m = nm.(*Model)
	nm, _ = m.Update(cmd())
	m = nm.(*Model)
	contains(t, "refreshed", screen(m), "total 60", "Service map  13 services")
}
