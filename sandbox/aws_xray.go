package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// xrayActions maps X-Ray's REST paths (all POST) to its operations.
var xrayActions = map[string]string{
	"/TraceSegments":    "PutTraceSegments",
	"/TraceSummaries":   "GetTraceSummaries",
	"/ServiceGraph":     "GetServiceGraph",
	"/Traces":           "BatchGetTraces",
	"/GetSamplingRules": "GetSamplingRules",
	"/SamplingTargets":  "GetSamplingTargets",
	"/TelemetryRecords": "PutTelemetryRecords",
}

// xrayReads are the X-Ray calls AWSOptions.XRayReadRate limits.
var xrayReads = map[string]bool{"GetTraceSummaries": true, "GetServiceGraph": true, "BatchGetTraces": true}

// X-Ray's limits the sandbox keeps.
const (
	xraySummaryPage = 100                 // summaries per GetTraceSummaries page
	xrayRetention   = 30 * 24 * time.Hour // trace ids older than this are refused
	xrayDocMax      = 64 << 10            // bytes per segment document
)

// ---- the handler

func (a *AWS) serveXRay(w http.ResponseWriter, r *http.Request, body []byte, scope sigScope, signed bool) {
	action := xrayActions[r.URL.Path]
	if r.Method != http.MethodPost {
		writeJSONError(w, "Message", errf(404, "UnknownOperationException", "No X-Ray operation is bound to %s %s", r.Method, r.URL.Path))
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.admitJSON(w, r, "Message", "XRay", action, scope, signed)
	if !ok {
		return
	}
	if !a.allowed(c, "xray:"+action) {
		writeJSONError(w, "Message", errf(403, "AccessDeniedException", "User: %s is not authorized to perform: xray:%s because no identity-based policy allows the xray:%s action",
			c.arn, action, action))
		return
	}
	store := a.xrayIn(scope.region)
	if xrayReads[action] && a.readLimit != nil && !a.readLimit.Allow() {
		writeJSONError(w, "Message", errf(429, "ThrottledException", "Rate exceeded"))
		return
	}
	var out any
	var e *apiError
	switch action {
	case "PutTraceSegments":
		out, e = a.putTraceSegments(store, body)
	case "GetTraceSummaries":
		out, e = a.traceSummaries(store, body)
	case "GetServiceGraph":
		out, e = a.serviceGraph(store, body)
	case "BatchGetTraces":
		out, e = batchGetTraces(store, body)
	case "GetSamplingRules":
		out = a.samplingRules()
	case "GetSamplingTargets":
		out, e = a.samplingTargets(body)
	case "PutTelemetryRecords":
		out = map[string]any{}
	}
	if e != nil {
		writeJSONError(w, "Message", e)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func invalidRequest(format string, args ...any) *apiError {
	return errf(400, "InvalidRequestException", format, args...)
}

func (a *AWS) putTraceSegments(store *xrayStore, body []byte) (any, *apiError) {
	var in struct {
		TraceSegmentDocuments []string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	if len(in.TraceSegmentDocuments) == 0 {
		return nil, invalidRequest("TraceSegmentDocuments must not be empty")
	}
	bad := []unprocessedSegment{}
	for _, doc := range in.TraceSegmentDocuments {
		if u := a.storeDoc(store, doc); u != nil {
			bad = append(bad, *u)
		}
	}
	return map[string]any{"UnprocessedTraceSegments": bad}, nil
}

// storeDoc checks and stores one segment document, as PutTraceSegments
// does; it returns why X-Ray would refuse it, or nil.
func (a *AWS) storeDoc(store *xrayStore, doc string) *unprocessedSegment {
	if len(doc) > xrayDocMax {
		return &unprocessedSegment{ErrorCode: "SegmentTooLarge", Message: "Invalid segment. ErrorCode: SegmentTooLarge"}
	}
	var d xraySegDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return &unprocessedSegment{ErrorCode: "JSONFormatError", Message: "Invalid segment. ErrorCode: JSONFormatError"}
	}
	if u := a.checkSegment(&d); u != nil {
		return u
	}
	s := &xraySeg{}
	store.keep(&d, doc, s)
	ep, _ := traceEpoch(d.TraceID)
	store.put(d.TraceID, ep, s)
	return nil
}

// ---- GetTraceSummaries

// summaryCursor is the NextToken: the place of the last summary handed
// out in the newest-first order, so traces arriving while a client pages
// never shift the pages.
type summaryCursor struct {
	Key   float64 `json:"k"`
	Start float64 `json:"s"`
	ID    string  `json:"i"`
}

// timeRange reads StartTime and EndTime, epoch seconds.
func timeRange(start, end *float64) (float64, float64, *apiError) {
	if start == nil || end == nil {
		return 0, 0, invalidRequest("StartTime and EndTime are required")
	}
	if *end < *start {
		return 0, 0, invalidRequest("EndTime (%s) must not be before StartTime (%s)", fmtEpoch(*end), fmtEpoch(*start))
	}
	return *start, *end, nil
}

func fmtEpoch(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (a *AWS) traceSummaries(store *xrayStore, body []byte) (any, *apiError) {
	var in struct {
		StartTime, EndTime *float64
		TimeRangeType      string
		FilterExpression   *string
		NextToken          *string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	start, end, e := timeRange(in.StartTime, in.EndTime)
	if e != nil {
		return nil, e
	}
	byTraceID := false
	switch in.TimeRangeType {
	case "", "Event", "Service":
	case "TraceId":
		byTraceID = true
	default:
		return nil, invalidRequest("TimeRangeType %q is not one of Event, TraceId, Service", in.TimeRangeType)
	}
	var filter filterFunc
	if in.FilterExpression != nil && strings.TrimSpace(*in.FilterExpression) != "" {
		f, err := parseFilter(*in.FilterExpression)
		if err != nil {
			return nil, invalidRequest("Invalid filter expression: %v", err)
		}
		filter = f
	}
	var cur *summaryCursor
	if in.NextToken != nil && *in.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		cur = &summaryCursor{}
		if err != nil || json.Unmarshal(raw, cur) != nil {
			return nil, invalidRequest("Invalid NextToken")
		}
	}
	byEpoch, byStart := store.indexes()
	var pg summaryPage
	if byTraceID {
		pg = pageByTraceID(byEpoch, start, end, filter, cur)
	} else {
		pg = pageByEvent(byStart, start, end, store.maxSpan, filter, cur)
	}
	// The page is written by hand: a client paging 100,000 traces asks
	// for a thousand of them, some 100 KB each.
	b := pageBuffers.Get().(*bytes.Buffer)
	b.Reset()
	buf := b.AvailableBuffer()
	buf = append(buf, `{"ApproximateTime":`...)
	buf = appendJSONFloat(buf, epoch(a.o.Now()))
	buf = append(buf, `,"TracesProcessedCount":`...)
	buf = strconv.AppendInt(buf, int64(pg.processed), 10)
	if pg.more {
		last := pg.hits[len(pg.hits)-1]
		c := summaryCursor{Key: last.start, Start: last.start, ID: last.id}
		if byTraceID {
			c.Key = float64(last.epoch)
		}
		raw, _ := json.Marshal(c)
		buf = append(buf, `,"NextToken":"`...)
		buf = base64.RawURLEncoding.AppendEncode(buf, raw)
		buf = append(buf, '"')
	}
	buf = append(buf, `,"TraceSummaries":[`...)
	for i, t := range pg.hits {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = a.appendSummary(buf, t, !byTraceID)
	}
	buf = append(buf, "]}"...)
	b.Write(buf)
	return pooledJSON{b}, nil
}

// summaryPage is one page of GetTraceSummaries: its traces, newest first,
// whether more follow, and how many traces of the window it read.
type summaryPage struct {
	hits      []*xtrace
	more      bool
	processed int
}

// The window's bounds. X-Ray's API reference says only that StartTime and
// EndTime are "the start" and "the end of the time frame", in Unix time
// seconds, and that TimeRangeType picks the time compared with them:
// TraceId the trace's start time as its id carries it (a whole second),
// Event the trace's update time. It does not say whether a bound is
// included. The sandbox includes both, so adjacent windows that share a
// bound may both hold a trace of that instant — as clients that split a
// window must expect (the wizard's count gives each trace id second to
// one sub-window):
//   - TraceId: the traces whose id second is in [floor(StartTime),
//     EndTime] — a fractional StartTime takes in its whole second.
//   - Event: the sandbox keeps no arrival times, so a trace's update time
//     is the span of its segments' times: a trace is in the window when
//     [its start, its end] overlaps [StartTime, EndTime].
// Either way the first page holds the newest traces (by the time
// compared, then start, then id), and the NextToken is the place of the
// page's last trace in that order, so traces arriving while a client
// pages land before its cursor, never shifting the pages that follow.

// pageByTraceID pages byEpoch (oldest first) backwards.
func pageByTraceID(all []*xtrace, start, end float64, filter filterFunc, cur *summaryCursor) summaryPage {
	hi := sort.Search(len(all), func(i int) bool { return float64(all[i].epoch) > end })
	if cur != nil {
		c := &xtrace{epoch: int64(cur.Key), start: cur.Start, id: cur.ID}
		hi = min(hi, sort.Search(len(all), func(i int) bool { return !olderByEpoch(all[i], c) }))
	}
	lo := int64(math.Floor(start))
	return pageDown(all, hi, func(t *xtrace) (bool, bool) { return t.epoch < lo, true }, filter)
}

// pageByEvent pages byStart (oldest first) backwards: traces that start
// in the window, then those that started up to the longest trace's span
// before it and still reach into it.
func pageByEvent(all []*xtrace, start, end, maxSpan float64, filter filterFunc, cur *summaryCursor) summaryPage {
	hi := sort.Search(len(all), func(i int) bool { return all[i].start > end })
	if cur != nil {
		c := &xtrace{start: cur.Start, id: cur.ID}
		hi = min(hi, sort.Search(len(all), func(i int) bool { return !olderByStart(all[i], c) }))
	}
	floor := start - maxSpan
	return pageDown(all, hi, func(t *xtrace) (bool, bool) { return t.start < floor, t.end >= start }, filter)
}

// pageDown reads all[:hi] backwards until stop, for a page of the traces
// in the window (in) that the filter takes. TracesProcessedCount is the
// traces of the window the page read, so the pages' counts add up to the
// window's traces, matched or not.
func pageDown(all []*xtrace, hi int, at func(t *xtrace) (stop, in bool), filter filterFunc) summaryPage {
	var pg summaryPage
	for i := hi - 1; i >= 0; i-- {
		t := all[i]
		stop, in := at(t)
		if stop {
			break
		}
		if !in || !t.summarizable() {
			continue
		}
		if filter != nil && !filter(traceView{t}) {
			pg.processed++
			continue
		}
		if len(pg.hits) == xraySummaryPage {
			pg.more = true
			break
		}
		pg.processed++
		pg.hits = append(pg.hits, t)
	}
	return pg
}

// pageBuffers hold pages of summaries while they are written.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pooledJSON is an answer encoded in a pooled buffer; writeJSON writes it
// and gives the buffer back.
type pooledJSON struct{ b *bytes.Buffer }

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// ---- BatchGetTraces

func batchGetTraces(store *xrayStore, body []byte) (any, *apiError) {
	var in struct {
		TraceIds  []string
		NextToken *string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	if len(in.TraceIds) > 5 {
		return nil, invalidRequest("TraceIds must have at most 5 members")
	}
	traces, missing := []map[string]any{}, []string{}
	for _, id := range in.TraceIds {
		t := store.traces[id]
		if t == nil || !t.summarizable() {
			missing = append(missing, id)
			continue
		}
		segs := []map[string]any{}
		for _, s := range t.segs {
			segs = append(segs, map[string]any{"Id": segID(s.id), "Document": s.document(t.id)})
		}
		traces = append(traces, map[string]any{"Id": t.id, "Duration": round3(t.duration()), "LimitExceeded": false, "Segments": segs})
	}
	return map[string]any{"Traces": traces, "UnprocessedTraceIds": missing}, nil
}

// ---- sampling: the default rule the SDKs fall back to

func (a *AWS) samplingRules() any {
	created := epoch(time.Unix(1500000000, 0))
	return map[string]any{"SamplingRuleRecords": []any{map[string]any{
		"CreatedAt": created, "ModifiedAt": created,
		"SamplingRule": map[string]any{
			"RuleName": "Default", "RuleARN": fmt.Sprintf("arn:aws:xray:%s:%s:sampling-rule/Default", a.o.Region, a.o.AccountID),
			"ResourceARN": "*", "Priority": 10000, "FixedRate": 0.05, "ReservoirSize": 1,
			"ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "*", "Version": 1, "Attributes": map[string]string{},
		},
	}}}
}

func (a *AWS) samplingTargets(body []byte) (any, *apiError) {
	var in struct {
		SamplingStatisticsDocuments []struct {
			RuleName string
		}
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, invalidRequest("Could not parse the request body: %v", err)
	}
	targets, unprocessed := []any{}, []any{}
	ttl := epoch(a.o.Now().Add(10 * time.Second))
	for _, d := range in.SamplingStatisticsDocuments {
		if d.RuleName != "Default" {
			unprocessed = append(unprocessed, map[string]any{"RuleName": d.RuleName, "ErrorCode": "400", "Message": "Sampling rule not found"})
			continue
		}
		targets = append(targets, map[string]any{"RuleName": "Default", "FixedRate": 0.05, "ReservoirQuota": 1, "ReservoirQuotaTTL": ttl, "Interval": 10})
	}
	return map[string]any{"SamplingTargetDocuments": targets, "LastRuleModification": epoch(time.Unix(1500000000, 0)), "UnprocessedStatistics": unprocessed}, nil
}

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

// ---- filter expressions: the part of X-Ray's language the sandbox knows

// filterView is what a filter expression reads: a whole trace, or inside
// service("X") { … } one segment of that service.
type filterView interface {
	outcome() outcome
	responseTime() float64
	duration() float64
	status() int
	partial() bool
	hasService(name string) []filterView // nil when the view cannot hold services
}

type traceView struct{ t *xtrace }

func (v traceView) outcome() outcome      { return v.t.outcome }
func (v traceView) responseTime() float64 { return v.t.responseTime() }
func (v traceView) duration() float64     { return v.t.duration() }
func (v traceView) status() int           { return v.t.root.status() }
func (v traceView) partial() bool         { return v.t.partial }
func (v traceView) hasService(name string) []filterView {
	out := []filterView{}
	for _, s := range v.t.segs {
		if s.name == name {
			out = append(out, segView{s})
		}
	}
	return out
}

type segView struct{ s *xraySeg }

func (v segView) outcome() outcome               { return v.s.outcome() }
func (v segView) responseTime() float64          { return v.s.duration() }
func (v segView) duration() float64              { return v.s.duration() }
func (v segView) status() int                    { return v.s.status() }
func (v segView) partial() bool                  { return v.s.has(segInProgress) }
func (v segView) hasService(string) []filterView { return nil }

type filterFunc func(filterView) bool

type filterParser struct {
	toks  []string
	pos   int
	inner bool // inside service(…) { … }
}

func tokenizeFilter(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.IndexByte("(){},", c) >= 0:
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		case c == '&' || c == '|':
			if i+1 >= len(s) || s[i+1] != c {
				return nil, fmt.Errorf("unexpected %q at %d", c, i)
			}
			toks = append(toks, s[i:i+2])
			i += 2
		case strings.IndexByte("<>=!", c) >= 0:
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, s[i:i+2])
				i += 2
			} else {
				toks = append(toks, string(c))
				i++
			}
		default:
			j := i
			for j < len(s) && strings.IndexByte(" \t\n\r(){},\"<>=!&|", s[j]) < 0 {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

func parseFilter(s string) (filterFunc, error) {
	toks, err := tokenizeFilter(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return f, nil
}

func (p *filterParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *filterParser) next() string { t := p.peek(); p.pos++; return t }

func (p *filterParser) expect(tok string) error {
	if got := p.next(); got != tok {
		if got == "" {
			return fmt.Errorf("expected %q at the end", tok)
		}
		return fmt.Errorf("expected %q, found %q", tok, got)
	}
	return nil
}

func (p *filterParser) or() (filterFunc, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "OR") || p.peek() == "||" {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(v filterView) bool { return a(v) || b(v) }
	}
	return l, nil
}

func (p *filterParser) and() (filterFunc, error) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "AND") || p.peek() == "&&" {
		p.next()
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(v filterView) bool { return a(v) && b(v) }
	}
	return l, nil
}

var filterComparisons = map[string]func(a, b float64) bool{
	">": func(a, b float64) bool { return a > b }, "<": func(a, b float64) bool { return a < b },
	">=": func(a, b float64) bool { return a >= b }, "<=": func(a, b float64) bool { return a <= b },
	"=": func(a, b float64) bool { return a == b }, "!=": func(a, b float64) bool { return a != b },
}

func (p *filterParser) term() (filterFunc, error) {
	tok := p.next()
	switch kw := strings.ToLower(tok); kw {
	case "":
		return nil, fmt.Errorf("unexpected end of expression")
	case "(":
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		return f, p.expect(")")
	case "ok":
		return func(v filterView) bool { return v.outcome().ok() }, nil
	case "error":
		return func(v filterView) bool { return v.outcome().err }, nil
	case "fault":
		return func(v filterView) bool { return v.outcome().fault }, nil
	case "throttle":
		return func(v filterView) bool { return v.outcome().throttle }, nil
	case "partial":
		return func(v filterView) bool { return v.partial() }, nil
	case "service":
		if p.inner {
			return nil, fmt.Errorf("service() cannot be nested in service() { … }")
		}
		if err := p.expect("("); err != nil {
			return nil, err
		}
		name := p.next()
		if len(name) < 2 || name[0] != '"' || name[len(name)-1] != '"' {
			return nil, fmt.Errorf(`service() takes a quoted name, as service("Frontend"), found %q`, name)
		}
		name = name[1 : len(name)-1]
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		inner := filterFunc(func(filterView) bool { return true })
		if p.peek() == "{" {
			p.next()
			p.inner = true
			f, err := p.or()
			p.inner = false
			if err != nil {
				return nil, err
			}
			if err := p.expect("}"); err != nil {
				return nil, err
			}
			inner = f
		}
		return func(v filterView) bool {
			for _, s := range v.hasService(name) {
				if inner(s) {
					return true
				}
			}
			return false
		}, nil
	case "responsetime", "duration", "http.status":
		op := p.next()
		cmp := filterComparisons[op]
		if cmp == nil {
			return nil, fmt.Errorf("%s needs a comparison (=, !=, <, <=, >, >=), found %q", tok, op)
		}
		numTok := p.next()
		num, err := strconv.ParseFloat(numTok, 64)
		if err != nil {
			return nil, fmt.Errorf("%s %s needs a number, found %q", tok, op, numTok)
		}
		return func(v filterView) bool {
			var x float64
			switch kw {
			case "responsetime":
				x = v.responseTime()
			case "duration":
				x = v.duration()
			default:
				x = float64(v.status())
			}
			return cmp(x, num)
		}, nil
	}
	return nil, fmt.Errorf("%q is not supported by the practice sandbox (it knows service(\"name\") [{ … }], ok, error, fault, throttle, partial, responsetime, duration, http.status, AND, OR and parentheses)", tok)
}
