package sandbox

import (
	"encoding/json"
	"math"
	"sort"
)

// ---- GetServiceGraph

// graphStats are a node's or an edge's summary statistics.
type graphStats struct {
	ok, errOther, throttle, fault, total int
	respTime                             float64
	hist                                 map[float64]int
	first, last                          float64
}

func (g *graphStats) add(o outcome, d, start, end float64) {
	if g.hist == nil {
		g.hist = map[float64]int{}
		g.first, g.last = start, end
	}
	g.total++
	g.respTime += d
	g.hist[round3(d)]++
	g.first, g.last = math.Min(g.first, start), math.Max(g.last, end)
	switch {
	case o.fault:
		g.fault++
	case o.throttle:
		g.throttle++
	case o.err:
		g.errOther++
	default:
		g.ok++
	}
}

func (g *graphStats) statistics() map[string]any {
	return map[string]any{
		"OkCount":           g.ok,
		"ErrorStatistics":   map[string]any{"ThrottleCount": g.throttle, "OtherCount": g.errOther, "TotalCount": g.throttle + g.errOther},
		"FaultStatistics":   map[string]any{"OtherCount": g.fault, "TotalCount": g.fault},
		"TotalCount":        g.total,
		"TotalResponseTime": round3(g.respTime),
	}
}

func (g *graphStats) histogram() []map[string]any {
	vals := make([]float64, 0, len(g.hist))
	for v := range g.hist {
		vals = append(vals, v)
	}
	sort.Float64s(vals)
	out := make([]map[string]any, 0, len(vals))
	for _, v := range vals {
		out = append(out, map[string]any{"Value": v, "Count": g.hist[v]})
	}
	return out
}

type graphNode struct {
	name, typ string
	root      bool
	inferred  bool
	stats     graphStats
}

// graphTrace is one trace's subsegments, each with the segment it belongs
// to (subsegments sent on their own join their parent's), as the service
// graph reads them. Its buffers serve trace after trace.
type graphTrace struct {
	subs  []graphSub
	byID  map[uint64]int // for traces too large to search
	segs  []*xraySeg
	found []bool
}

type graphSub struct {
	sub, owner *xraySeg
	called     bool // a traced service answered it
}

func (g *graphTrace) read(t *xtrace) {
	clear(g.subs)
	g.subs, g.byID = g.subs[:0], nil
	var walk func(owner *xraySeg, list []xraySeg)
	walk = func(owner *xraySeg, list []xraySeg) {
		for i := range list {
			g.subs = append(g.subs, graphSub{sub: &list[i], owner: owner})
			walk(owner, list[i].subs)
		}
	}
	for _, s := range t.segs {
		walk(s, s.subs)
	}
	if len(t.subs) == 0 {
		return
	}
	// Subsegments sent on their own: parents may be among them too.
	g.found = append(g.found[:0], make([]bool, len(t.subs))...)
	for range t.subs {
		for j, sub := range t.subs {
			if g.found[j] || g.find(sub.id) != nil {
				continue
			}
			owner := (*xraySeg)(nil)
			for _, s := range t.segs {
				if s.id == sub.parent {
					owner = s
					break
				}
			}
			if owner == nil {
				if c := g.find(sub.parent); c != nil {
					owner = c.owner
				}
			}
			if owner != nil {
				g.found[j] = true
				g.subs = append(g.subs, graphSub{sub: sub, owner: owner})
				g.byID = nil
				walk(owner, sub.subs)
			}
		}
	}
}

// find is the subsegment with the id, or nil.
func (g *graphTrace) find(id uint64) *graphSub {
	if len(g.subs) <= 32 {
		for i := range g.subs {
			if g.subs[i].sub.id == id {
				return &g.subs[i]
			}
		}
		return nil
	}
	if g.byID == nil {
		g.byID = make(map[uint64]int, len(g.subs))
		for i := len(g.subs) - 1; i >= 0; i-- {
			g.byID[g.subs[i].sub.id] = i
		}
	}
	if i, ok := g.byID[id]; ok {
		return &g.subs[i]
	}
	return nil
}

func (a *AWS) serviceGraph(store *xrayStore, body []byte) (any, *apiError) {
	var in struct {
		StartTime, EndTime *float64
		NextToken          *string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	start, end, e := timeRange(in.StartTime, in.EndTime)
	if e != nil {
		return nil, e
	}
	const client = "\x00client"
	nodes := map[string]*graphNode{}
	edges := map[[2]string]*graphStats{}
	node := func(name, typ string, inferred bool) *graphNode {
		n := nodes[name]
		if n == nil {
			n = &graphNode{name: name, typ: typ, inferred: inferred}
			nodes[name] = n
		}
		return n
	}
	edge := func(from, to string) *graphStats {
		k := [2]string{from, to}
		if edges[k] == nil {
			edges[k] = &graphStats{}
		}
		return edges[k]
	}
	var g graphTrace
	_, byStart := store.indexes()
	hi := sort.Search(len(byStart), func(i int) bool { return byStart[i].start > end })
	for i := hi - 1; i >= 0 && byStart[i].start >= start-store.maxSpan; i-- {
		t := byStart[i]
		if !t.summarizable() || t.end < start {
			continue
		}
		g.read(t)
		for _, s := range t.segs {
			o := s.outcome()
			n := node(s.name, s.typ, false)
			n.stats.add(o, s.duration(), s.start(), s.end())
			if !s.has(segHasParent) {
				n.root = true
				edge(client, s.name).add(o, s.duration(), s.start(), s.end())
			} else if c := g.find(s.parent); c != nil {
				c.called = true
				edge(c.owner.name, s.name).add(c.sub.outcome(), c.sub.duration(), c.sub.start(), c.sub.end())
			}
		}
		// Remote calls with no traced service behind them: inferred nodes.
		for _, c := range g.subs {
			sub := c.sub
			if c.called || (sub.namespace != "remote" && sub.namespace != "aws") {
				continue
			}
			typ := "remote"
			switch {
			case sub.namespace == "aws":
				typ = "AWS::" + sub.name
			case sub.has(segSQL):
				typ = "Database::SQL"
			}
			o := sub.outcome()
			node(sub.name, typ, true).stats.add(o, sub.duration(), sub.start(), sub.end())
			edge(c.owner.name, sub.name).add(o, sub.duration(), sub.start(), sub.end())
		}
	}
	names := make([]string, 0, len(nodes))
	for n := range nodes {
		names = append(names, n)
	}
	sort.Strings(names)
	ref := map[string]int{client: 0}
	for i, n := range names {
		ref[n] = i + 1
	}
	edgesFrom := func(from string) []map[string]any {
		out := []map[string]any{}
		for _, to := range names {
			st := edges[[2]string{from, to}]
			if st == nil {
				continue
			}
			out = append(out, map[string]any{"ReferenceId": ref[to], "StartTime": st.first, "EndTime": st.last,
				"SummaryStatistics": st.statistics(), "ResponseTimeHistogram": st.histogram(), "Aliases": []any{}})
		}
		return out
	}
	services := []map[string]any{}
	if ce := edgesFrom(client); len(ce) > 0 {
		services = append(services, map[string]any{"ReferenceId": 0, "Name": "client", "Names": []string{"client"}, "Type": "client",
			"State": "unknown", "Root": false, "StartTime": start, "EndTime": end, "Edges": ce,
			"DurationHistogram": []any{}, "ResponseTimeHistogram": []any{}})
	}
	for _, name := range names {
		n := nodes[name]
		svc := map[string]any{"ReferenceId": ref[name], "Name": name, "Names": []string{name}, "Root": n.root,
			"State": "active", "StartTime": n.stats.first, "EndTime": n.stats.last, "Edges": edgesFrom(name),
			"SummaryStatistics": n.stats.statistics(), "DurationHistogram": n.stats.histogram(), "ResponseTimeHistogram": n.stats.histogram()}
		if n.typ != "" {
			svc["Type"] = n.typ
		}
		if n.inferred {
			svc["State"] = "unknown"
		} else {
			svc["AccountId"] = a.o.AccountID
		}
		services = append(services, svc)
	}
	return map[string]any{"Services": services, "StartTime": start, "EndTime": end, "ContainsOldGroupVersions": false}, nil
}
