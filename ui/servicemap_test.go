package ui

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

func stats(req, errs, faults int, ms float64) flow.ServiceStats {
	return flow.ServiceStats{Requests: req, OK: req - errs - faults, Errors: errs, Faults: faults, AvgLatencyMs: ms}
}

// sampleGraph is the workshop app's map as X-Ray draws it after the app
// step's 20 requests: the callers, then the sandbox app's services
// (sandbox/cluster.go appServices) Frontend → Product-Catalog →
// Product-Detail, with the 404s the catalog answers and the 500s deep in
// Product-Detail.
func sampleGraph() *flow.ServiceGraph {
	return &flow.ServiceGraph{
		Nodes: []flow.ServiceNode{
			{ID: 0, Name: "client", Type: "client"},
			{ID: 1, Name: "Frontend", Type: "AWS::EKS::Container", Root: true, Stats: stats(20, 3, 1, 41.2)},
			{ID: 2, Name: "Product-Catalog", Type: "AWS::EKS::Container", Stats: stats(17, 0, 1, 23.5)},
			{ID: 3, Name: "Product-Detail", Type: "AWS::EKS::Container", Stats: stats(9, 0, 0, 8.1)},
		},
		Edges: []flow.ServiceEdge{
			{From: 0, To: 1, Stats: stats(20, 3, 1, 41.2)},
			{From: 1, To: 2, Stats: stats(17, 0, 1, 24.0)},
			{From: 2, To: 3, Stats: stats(9, 0, 0, 8.4)},
		},
	}
}

// wideGraph has twelve services: fan-out, an untraced remote and a cycle
// (notifications calls orders back).
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
	edge(8, 4, 20) // notifications updates orders: a cycle
	edge(4, 9, 90)
	return g
}

func mapText(l i18n.Lang, g *flow.ServiceGraph, w int) string {
	return ansi.Strip(strings.Join(ServiceMap(g, w, l), "\n"))
}

// Goldens of the map: the sample app across 80 columns in both languages
// and, narrower, one box under another; twelve services with a cycle at
// 80 (too wide to go across) and 200 columns; no services yet.
func TestServiceMapGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		l    i18n.Lang
		g    *flow.ServiceGraph
		w    int
	}{
		{"sample-80-en", i18n.En, sampleGraph(), 80},
		{"sample-80-ja", i18n.Ja, sampleGraph(), 80},
		{"sample-60-en", i18n.En, sampleGraph(), 60},
		{"wide-80-en", i18n.En, wideGraph(), 80},
		{"wide-80-ja", i18n.Ja, wideGraph(), 80},
		{"wide-200-en", i18n.En, wideGraph(), 200},
		{"empty-80-en", i18n.En, &flow.ServiceGraph{}, 80},
		{"empty-80-ja", i18n.Ja, &flow.ServiceGraph{}, 80},
	} {
		t.Run(c.name, func(t *testing.T) {
			golden.RequireEqual(t, mapText(c.l, c.g, c.w))
		})
	}
}

func TestTraceChartGolden(t *testing.T) {
	base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	var rates []flow.TraceRate
	for i, n := range []int{0, 3, 12, 40, 38, 90, 120, 75, 0, 5, 60, 118} {
		rates = append(rates, flow.TraceRate{Minute: base.Add(time.Duration(i) * time.Minute), Count: n})
	}
	lines := []string{
		TraceChart(rates, 80, i18n.En),
		TraceChart(rates, 80, i18n.Ja),
		TraceChart(rates, 32, i18n.En), // the newest minutes that fit
		TraceChart(rates, 20, i18n.En), // no room for bars: the peak alone
	}
	golden.RequireEqual(t, ansi.Strip(strings.Join(lines, "\n")))
}

func TestTraceChart(t *testing.T) {
	if TraceChart(nil, 80, i18n.En) != "" {
		t.Error("a chart of nothing")
	}
	var rates []flow.TraceRate
	for i := range 500 {
		rates = append(rates, flow.TraceRate{Count: i % 37})
	}
	for w := 1; w <= 200; w++ {
		for _, l := range langs {
			if c := TraceChart(rates, w, l); lipgloss.Width(c) > w {
				t.Fatalf("%s at %d: %d wide: %q", l, w, lipgloss.Width(c), ansi.Strip(c))
			}
		}
	}
	// The peak is the newest minutes' when older ones are cut.
	rates = []flow.TraceRate{{Count: 900}}
	for i := 1; i <= 9; i++ {
		rates = append(rates, flow.TraceRate{Count: i})
	}
	got := ansi.Strip(TraceChart(rates, 33, i18n.En))
	if got != "traces/min ▅▆▇██ max 9 · 5 min" {
		t.Errorf("cut chart: %q", got)
	}
}

// randomGraph is a map of up to 15 services: long names, Japanese names,
// callers outside, fan-out, cycles, calls to themselves, repeated calls,
// a call from or to an id that is no node. Every call's request count is
// unique and seven digits long, so the test can find each.
func randomGraph(rng *rand.Rand) *flow.ServiceGraph {
	g := &flow.ServiceGraph{}
	if rng.IntN(5) > 0 {
		g.Nodes = append(g.Nodes, flow.ServiceNode{ID: 0, Name: "client", Type: "client"})
	}
	n := 1 + rng.IntN(15)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("svc-%d-%s", i, strings.Repeat("x", rng.IntN(70)))
		switch rng.IntN(5) {
		case 0:
			name = fmt.Sprintf("サービス%d", i) + strings.Repeat("名", rng.IntN(30))
		case 1:
			name = fmt.Sprintf("svc %d with spaces", i)
		}
		g.Nodes = append(g.Nodes, flow.ServiceNode{ID: i, Name: name, Type: "AWS::EKS::Container", Root: rng.IntN(6) == 0,
			Inferred: rng.IntN(8) == 0,
			Stats:    stats(rng.IntN(100000), rng.IntN(50), rng.IntN(50), rng.Float64()*900)})
	}
	for e := range rng.IntN(2*n + 1) {
		from, to := rng.IntN(n+1), 1+rng.IntN(n)
		if rng.IntN(30) == 0 {
			to = 99 // no such node
		}
		g.Edges = append(g.Edges, flow.ServiceEdge{From: from, To: to,
			Stats: stats(1000000+1000*e+rng.IntN(1000), rng.IntN(20), rng.IntN(20), rng.Float64()*100)})
	}
	return g
}

var mapBorders = strings.NewReplacer("\n", "", " ", "", "│", "", "╭", "", "╮", "", "╰", "", "╯", "", "─", "", "├", "")

// shownAll checks the map names every service and every call's requests.
func shownAll(t *testing.T, what string, g *flow.ServiceGraph, text string) {
	t.Helper()
	flat := mapBorders.Replace(text)
	for _, nd := range g.Nodes {
		if !strings.Contains(flat, mapBorders.Replace(nd.Name)) {
			t.Fatalf("%s: service %q is missing:\n%s", what, nd.Name, text)
		}
	}
	for _, e := range g.Edges {
		re := regexp.MustCompile(fmt.Sprintf(`(^|[^0-9])%d([^0-9]|$)`, e.Stats.Requests))
		if !re.MatchString(text) {
			t.Fatalf("%s: the call %d → %d with %d requests is missing:\n%s", what, e.From, e.To, e.Stats.Requests, text)
		}
	}
}

// Every width from 40 to 200, a random map each, in both languages: no
// line is wider than the width, and every service and every call's
// request count is there, whichever form the map took.
func TestServiceMapFitsAndShowsAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	forms := map[string]int{}
	for w := 40; w <= 200; w++ {
		for _, l := range langs {
			g := randomGraph(rng)
			lines := ServiceMap(g, w, l)
			for i, line := range lines {
				if lw := lipgloss.Width(line); lw > w {
					t.Fatalf("%s width %d: line %d is %d wide: %q", l, w, i, lw, ansi.Strip(line))
				}
			}
			text := ansi.Strip(strings.Join(lines, "\n"))
			shownAll(t, fmt.Sprintf("%s width %d", l, w), g, text)
			switch {
			case strings.Contains(text, "─▶│"):
				forms["across"]++
			default:
				forms["down"]++
			}
		}
	}
	if forms["across"] == 0 || forms["down"] == 0 {
		t.Errorf("the random maps did not take both forms: %v", forms)
	}
}

// Narrower than any box, the map still stays within the width.
func TestServiceMapNarrow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for w := 1; w < 40; w++ {
		g := randomGraph(rng)
		for _, l := range langs {
			for i, line := range ServiceMap(g, w, l) {
				if lw := lipgloss.Width(line); lw > w {
					t.Fatalf("%s width %d: line %d is %d wide: %q", l, w, i, lw, ansi.Strip(line))
				}
			}
		}
	}
}

// The sample app goes across 80 columns as one row of boxes; at 60 it
// goes down; the twelve services go across 200 columns.
func TestServiceMapForms(t *testing.T) {
	across := mapText(i18n.En, sampleGraph(), 80)
	contains(t, "sample at 80", across, "│ client ├──20─▶│ Frontend", "├──17─▶│ Product-Catalog", "├──9─▶│ Product-Detail")
	if n := strings.Count(across, "\n") + 1; n != 8 {
		t.Errorf("sample at 80 takes %d lines, want 8 (title and one row of boxes):\n%s", n, across)
	}
	contains(t, "sample at 60", mapText(i18n.En, sampleGraph(), 60), "──▶ Frontend", "╭─ Product-Detail · EKS::Container")
	// A busier sample (four-digit counts) still goes across 80, the
	// arrows' heads right after the counts.
	busy := sampleGraph()
	for i := range busy.Edges {
		busy.Edges[i].Stats.Requests *= 100
	}
	contains(t, "busy sample at 80", mapText(i18n.En, busy, 80), "│ client ├──2000▶│ Frontend", "├──1700▶│ Product-Catalog", "├──900▶│ Product-Detail")
	wide := mapText(i18n.En, wideGraph(), 200)
	contains(t, "wide at 200", wide, "─400 req──▶│ auth", "notifications ──▶ orders  20 req")
}

// A cycle nothing enters, a call to itself, calls between ids that are
// no node: drawn, each once, without hanging.
func TestServiceMapCycles(t *testing.T) {
	g := &flow.ServiceGraph{Nodes: []flow.ServiceNode{{ID: 1, Name: "a"}, {ID: 2, Name: "b"}, {ID: 3, Name: "c"}}}
	for i, e := range [][2]int{{1, 2}, {2, 3}, {3, 1}, {2, 2}, {7, 1}, {3, 8}} {
		g.Edges = append(g.Edges, flow.ServiceEdge{From: e[0], To: e[1], Stats: stats(100+i, 0, 0, 1)})
	}
	for _, w := range []int{40, 80, 200} {
		text := mapText(i18n.En, g, w)
		shownAll(t, fmt.Sprintf("cycle at %d", w), g, text)
		for _, want := range []string{"#7", "#8"} {
			if !strings.Contains(text, want) {
				t.Errorf("at %d the call with unknown id %s is missing:\n%s", w, want, text)
			}
		}
	}
	text := mapText(i18n.En, g, 200)
	contains(t, "cycle across", text, "├──100 req──▶│ b", "├──101 req──▶│ c", "c ──▶ a  102 req", "b ──▶ b  103 req")
}

// A map too big for boxes is a list, and past maxListNodes services it
// says how many services and calls it left out.
func TestServiceMapMore(t *testing.T) {
	const n = maxListNodes + 50
	g := &flow.ServiceGraph{Nodes: []flow.ServiceNode{{ID: 0, Name: "client", Type: "client"}}}
	for i := 1; i <= n; i++ {
		g.Nodes = append(g.Nodes, flow.ServiceNode{ID: i, Name: fmt.Sprintf("svc-%03d", i), Stats: stats(i, 0, 0, 1)})
		// A chain: client → svc-001 → svc-002 → …, in layers.
		g.Edges = append(g.Edges, flow.ServiceEdge{From: i - 1, To: i, Stats: stats(1000000+i, 0, 0, 1)})
	}
	for _, l := range langs {
		lines := ServiceMap(g, 80, l)
		text := ansi.Strip(strings.Join(lines, "\n"))
		for i, line := range lines {
			if lipgloss.Width(line) > 80 {
				t.Fatalf("%s line %d is %d wide", l, i, lipgloss.Width(line))
			}
		}
		// client and svc-001 … svc-099 shown, with their calls (the last
		// to svc-100); svc-100 … svc-150 and their 50 calls counted.
		shown := &flow.ServiceGraph{Nodes: g.Nodes[:maxListNodes], Edges: g.Edges[:maxListNodes]}
		shownAll(t, string(l), shown, text)
		if strings.Contains(text, "svc-101") || strings.Contains(text, "1000101") {
			t.Errorf("%s: a service past the list's end is drawn:\n%s", l, text)
		}
		want := l.T(i18n.UIMapMore, n+1-maxListNodes, n-maxListNodes)
		if !strings.Contains(mapBorders.Replace(text), mapBorders.Replace(want)) {
			t.Errorf("%s: no %q:\n%s", l, want, text)
		}
	}
}

// The twelve-service map on 80×24 goes on below the screen: the help
// line says it scrolls, and the keys reach its end.
func TestFinalScreenScrollsTheMap(t *testing.T) {
	m := newModel(i18n.En, 80, 24)
	sum := finalSummary()
	sum.Graph = wideGraph()
	m = feed(m, append(upTo(flow.IDTraces), doneMsg{sum})...)
	s := screen(m)
	contains(t, "top", s, "↑/↓ scroll", "Service map  13 services")
	if strings.Contains(s, "payments.example.com") {
		t.Fatal("the whole map fits: the scroll test needs a bigger one")
	}
	if pg := feed(m, tea.KeyPressMsg{Code: tea.KeyPgDown}); pg.vp.YOffset() != m.vp.Height() {
		t.Errorf("pgdn scrolled to %d, want a page (%d)", pg.vp.YOffset(), m.vp.Height())
	}
	for range 100 {
		if strings.Contains(screen(m), "payments.example.com") {
			return
		}
		m = feed(m, down)
	}
	t.Errorf("↓ never reached the end of the map:\n%s", screen(m))
}

func BenchmarkServiceMap(b *testing.B) {
	g := wideGraph()
	for _, w := range []int{80, 200} {
		b.Run(fmt.Sprintf("12services_%dcols", w), func(b *testing.B) {
			defer meetsFrameGoal(b)
			b.ReportAllocs()
			for b.Loop() {
				_ = ServiceMap(g, w, i18n.En)
			}
		})
	}
}

// BenchmarkFinalScreenFrame is one frame of the final screen with the
// twelve-service map: the map is drawn when the content changes, not
// per frame.
func BenchmarkFinalScreenFrame(b *testing.B) {
	defer meetsFrameGoal(b)
	m := newModel(i18n.En, 80, 24)
	sum := finalSummary()
	sum.Graph = wideGraph()
	m = feed(m, append(upTo(flow.IDTraces), doneMsg{sum})...)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// The layout is plain text in tones, tested without styles: the same text
// the goldens hold, no escape sequence in it, and painting it changes
// nothing but the styles.
func TestServiceMapLayoutIsPlainText(t *testing.T) {
	for _, c := range []struct {
		name string
		l    i18n.Lang
		g    *flow.ServiceGraph
		w    int
	}{
		{"sample-80-en", i18n.En, sampleGraph(), 80},
		{"sample-80-ja", i18n.Ja, sampleGraph(), 80},
		{"sample-60-en", i18n.En, sampleGraph(), 60},
		{"wide-80-en", i18n.En, wideGraph(), 80},
		{"wide-200-en", i18n.En, wideGraph(), 200},
		{"empty-80-en", i18n.En, &flow.ServiceGraph{}, 80},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "TestServiceMapGolden", c.name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			layout := layoutServiceMap(c.g, c.w, c.l.T)
			if got := strings.Join(plainMap(layout), "\n"); got != string(want) {
				t.Errorf("plain layout differs from the golden:\n%s", got)
			}
		})
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for w := 1; w <= 200; w += 7 {
		for _, l := range langs {
			g := randomGraph(rng)
			layout := layoutServiceMap(g, w, l.T)
			painted := paintMap(newStyles(false), layout)
			for i, line := range layout {
				text := line.text()
				if strings.Contains(text, "\x1b") {
					t.Fatalf("%s at %d: an escape sequence in the layout: %q", l, w, text)
				}
				if line.width() > w {
					t.Fatalf("%s at %d: line %d is %d wide: %q", l, w, i, line.width(), text)
				}
				if ansi.Strip(painted[i]) != text {
					t.Fatalf("%s at %d: painting changed the text:\n%q\n%q", l, w, text, ansi.Strip(painted[i]))
				}
			}
		}
	}
}

func TestMapLineFit(t *testing.T) {
	l := mapLine{{toneHead, "Service map"}, {toneDim, "  4 services"}}
	cases := []struct {
		w    int
		want mapLine
	}{
		{30, l},
		{23, l},
		{12, mapLine{{toneHead, "Service map"}, {toneDim, "…"}}},
		{11, mapLine{{toneHead, "Service ma…"}}},
		{1, mapLine{{toneHead, "…"}}},
	}
	for _, c := range cases {
		got := l.fit(c.w)
		if !slices.Equal(got, c.want) {
			t.Errorf("fit(%d) = %v, want %v", c.w, got, c.want)
		}
		if got.text() != fit(l.text(), c.w) {
			t.Errorf("fit(%d) = %q, unlike fit on the text: %q", c.w, got.text(), fit(l.text(), c.w))
		}
	}
}
