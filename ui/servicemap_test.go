package ui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// sampleGraph is the workshop app's map as X-Ray draws it: the callers,
// Frontend, Product-Catalog and Product-Detail.
func sampleGraph() *flow.ServiceGraph {
	st := func(req, errs, faults int, ms float64) flow.ServiceStats {
		return flow.ServiceStats{Requests: req, OK: req - errs - faults, Errors: errs, Faults: faults, AvgLatencyMs: ms}
	}
	return &flow.ServiceGraph{
		Nodes: []flow.ServiceNode{
			{ID: 0, Name: "client", Type: "client"},
			{ID: 1, Name: "Frontend", Type: "AWS::EKS::Container", Root: true, Stats: st(20, 3, 1, 41.2)},
			{ID: 2, Name: "Product-Catalog", Type: "AWS::EKS::Container", Stats: st(17, 0, 1, 23.5)},
			{ID: 3, Name: "Product-Detail", Type: "AWS::EKS::Container", Stats: st(9, 0, 0, 8.1)},
		},
		Edges: []flow.ServiceEdge{
			{From: 0, To: 1, Stats: st(20, 3, 1, 41.2)},
			{From: 1, To: 2, Stats: st(17, 0, 1, 24.0)},
			{From: 2, To: 3, Stats: st(9, 0, 0, 8.4)},
		},
	}
}

// wideGraph has twelve services, fan-out, an untraced remote and a cycle.
func wideGraph() *flow.ServiceGraph {
	g := &flow.ServiceGraph{Nodes: []flow.ServiceNode{{ID: 0, Name: "client", Type: "client"}}}
	names := []string{"api-gateway", "auth", "users", "orders", "payments", "inventory", "shipping", "notifications",
		"recommendations", "search", "catalog-with-a-rather-long-service-name"}
	for i, n := range names {
		g.Nodes = append(g.Nodes, flow.ServiceNode{ID: i + 1, Name: n, Type: "AWS::EKS::Container", Root: i == 0,
			Stats: flow.ServiceStats{Requests: 1000 - 70*i, Errors: i % 3, Faults: i % 4 / 3, AvgLatencyMs: 5 + 3.5*float64(i)}})
	}
	g.Nodes = append(g.Nodes, flow.ServiceNode{ID: 12, Name: "payments.example.com", Type: "remote", Inferred: true,
		Stats: flow.ServiceStats{Requests: 120, Faults: 4, AvgLatencyMs: 210}})
	edge := func(a, b, req int) {
		g.Edges = append(g.Edges, flow.ServiceEdge{From: a, To: b, Stats: flow.ServiceStats{Requests: req, Errors: req / 50, AvgLatencyMs: float64(req%97) + 0.5}})
	}
	edge(0, 1, 1000)
	for _, to := range []int{2, 3, 4, 10, 11} {
		edge(1, to, 400)
	}
	edge(4, 5, 300)
	edge(4, 6, 280)
	edge(5, 12, 120)
	edge(4, 7, 150)
	edge(7, 8, 140)
	edge(8, 4, 20) // shipping updates orders: a cycle
	edge(4, 9, 90)
	return g
}

func mapScreen(l i18n.Lang, g *flow.ServiceGraph, w int) string {
	m := newModel(l, w, 24)
	return ansi.Strip(strings.Join(m.serviceMapLines(g, w), "\n"))
}

func TestServiceMapGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		l    i18n.Lang
		g    *flow.ServiceGraph
		w    int
	}{
		{"sample-80-en", i18n.En, sampleGraph(), 80},
		{"sample-80-ja", i18n.Ja, sampleGraph(), 80},
		{"wide-80-en", i18n.En, wideGraph(), 80},
		{"wide-200-en", i18n.En, wideGraph(), 200},
		{"empty-80-ja", i18n.Ja, &flow.ServiceGraph{}, 80},
	} {
		t.Run(c.name, func(t *testing.T) {
			golden.RequireEqual(t, mapScreen(c.l, c.g, c.w))
		})
	}
}

func TestTraceChartGolden(t *testing.T) {
	m := newModel(i18n.En, 80, 24)
	base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	var rates []flow.TraceRate
	for i, n := range []int{0, 3, 12, 40, 38, 90, 120, 75, 0, 5, 60, 118} {
		rates = append(rates, flow.TraceRate{Minute: base.Add(time.Duration(i) * time.Minute), Count: n})
	}
	golden.RequireEqual(t, ansi.Strip(m.chartLine(rates, 80)+"\n"+m.chartLine(rates, 20)))
}

// Every width from 30 to 200, random graphs: no line is wider than the
// screen, and every service and every call's request count is there.
func TestServiceMapFitsAndShowsAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 40 {
		g := &flow.ServiceGraph{Nodes: []flow.ServiceNode{{ID: 0, Name: "client", Type: "client"}}}
		n := 1 + rng.IntN(15)
		for i := 1; i <= n; i++ {
			name := fmt.Sprintf("svc-%d-%s", i, strings.Repeat("x", rng.IntN(60)))
			if rng.IntN(4) == 0 {
				name = fmt.Sprintf("サービス%d", i)
			}
			g.Nodes = append(g.Nodes, flow.ServiceNode{ID: i, Name: name, Type: "AWS::EKS::Container",
				Stats: flow.ServiceStats{Requests: rng.IntN(100000), Errors: rng.IntN(50), Faults: rng.IntN(50), AvgLatencyMs: rng.Float64() * 900}})
		}
		for range rng.IntN(2 * n) {
			g.Edges = append(g.Edges, flow.ServiceEdge{From: rng.IntN(n + 1), To: 1 + rng.IntN(n), Stats: flow.ServiceStats{Requests: 1000000 + rng.IntN(1000000)}})
		}
		w := 30 + rng.IntN(171)
		m := newModel(i18n.Ja, w, 24)
		lines := m.serviceMapLines(g, w)
		text := ansi.Strip(strings.Join(lines, "\n"))
		for i, l := range lines {
			if lipgloss.Width(l) > w {
				t.Fatalf("round %d, width %d: line %d is %d wide: %q", round, w, i, lipgloss.Width(l), ansi.Strip(l))
			}
		}
		flat := strings.ReplaceAll(strings.ReplaceAll(text, "\n", ""), " ", "")
		flat = strings.NewReplacer("│", "", "╭", "", "╮", "", "╰", "", "╯", "", "─", "").Replace(flat)
		for _, nd := range g.Nodes {
			if !strings.Contains(flat, strings.ReplaceAll(nd.Name, " ", "")) {
				t.Fatalf("round %d, width %d: %s is missing:\n%s", round, w, nd.Name, text)
			}
		}
		for _, e := range g.Edges {
			if !strings.Contains(text, fmt.Sprint(e.Stats.Requests)) {
				t.Fatalf("round %d, width %d: the call's %d requests are missing:\n%s", round, w, e.Stats.Requests, text)
			}
		}
	}
}

func BenchmarkServiceMap(b *testing.B) {
	m := newModel(i18n.En, 80, 24)
	g := wideGraph()
	for b.Loop() {
		_ = m.serviceMapLines(g, 80)
	}
}
