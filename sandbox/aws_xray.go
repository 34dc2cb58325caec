package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
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
	// What the SDKs reported sampling (aws_xray_sampling_stats.go).
	"/SamplingStatisticSummaries": "GetSamplingStatisticSummaries",

	"/UpdateTraceSegmentDestination": "UpdateTraceSegmentDestination",
	"/GetTraceSegmentDestination":    "GetTraceSegmentDestination",
	"/GetIndexingRules":              "GetIndexingRules",
	"/UpdateIndexingRule":            "UpdateIndexingRule",
	// Sampling rules (aws_xray_sampling.go).
	"/CreateSamplingRule":  "CreateSamplingRule",
	"/UpdateSamplingRule":  "UpdateSamplingRule",
	"/DeleteSamplingRule":  "DeleteSamplingRule",
	"/ListTagsForResource": "ListTagsForResource",
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
		out, e = a.samplingRules(scope.region, body)
	case "GetSamplingTargets":
		out, e = a.samplingTargets(scope.region, body)
	case "GetSamplingStatisticSummaries":
		out, e = a.samplingStatisticSummaries(scope.region, body)
	case "CreateSamplingRule":
		out, e = a.createSamplingRule(scope.region, body)
	case "UpdateSamplingRule":
		out, e = a.updateSamplingRule(scope.region, body)
	case "DeleteSamplingRule":
		out, e = a.deleteSamplingRule(scope.region, body)
	case "ListTagsForResource":
		out, e = a.listTagsForResource(scope.region, body)
	case "PutTelemetryRecords":
		out = map[string]any{}
	case "UpdateTraceSegmentDestination":
		out, e = a.updateTraceSegmentDestination(store, body)
	case "GetTraceSegmentDestination":
		out = a.destination(store)
	case "GetIndexingRules":
		out, e = a.getIndexingRules(store, body)
	case "UpdateIndexingRule":
		out, e = a.updateIndexingRule(store, body)
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
	hidden := store.search.hidden
	if byTraceID {
		pg = pageByTraceID(byEpoch, start, end, filter, cur, hidden)
	} else {
		pg = pageByEvent(byStart, start, end, store.maxSpan, filter, cur, hidden)
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
func pageByTraceID(all []*xtrace, start, end float64, filter filterFunc, cur *summaryCursor, hidden func(*xtrace) bool) summaryPage {
	hi := sort.Search(len(all), func(i int) bool { return float64(all[i].epoch) > end })
	if cur != nil {
		c := &xtrace{epoch: int64(cur.Key), start: cur.Start, id: cur.ID}
		hi = min(hi, sort.Search(len(all), func(i int) bool { return !olderByEpoch(all[i], c) }))
	}
	lo := int64(math.Floor(start))
	return pageDown(all, hi, func(t *xtrace) (bool, bool) { return t.epoch < lo, true }, filter, hidden)
}

// pageByEvent pages byStart (oldest first) backwards: traces that start
// in the window, then those that started up to the longest trace's span
// before it and still reach into it.
func pageByEvent(all []*xtrace, start, end, maxSpan float64, filter filterFunc, cur *summaryCursor, hidden func(*xtrace) bool) summaryPage {
	hi := sort.Search(len(all), func(i int) bool { return all[i].start > end })
	if cur != nil {
		c := &xtrace{start: cur.Start, id: cur.ID}
		hi = min(hi, sort.Search(len(all), func(i int) bool { return !olderByStart(all[i], c) }))
	}
	floor := start - maxSpan
	return pageDown(all, hi, func(t *xtrace) (bool, bool) { return t.start < floor, t.end >= start }, filter, hidden)
}

// pageDown reads all[:hi] backwards until stop, for a page of the traces
// in the window (in) that the filter takes. TracesProcessedCount is the
// traces of the window the page read, so the pages' counts add up to the
// window's traces, matched or not.
// Traces hidden (not indexed: Transaction Search) are not in X-Ray's index
// at all, so neither matched nor processed.
func pageDown(all []*xtrace, hi int, at func(t *xtrace) (stop, in bool), filter filterFunc, hidden func(*xtrace) bool) summaryPage {
	var pg summaryPage
	for i := hi - 1; i >= 0; i-- {
		t := all[i]
		stop, in := at(t)
		if stop {
			break
		}
		if !in || !t.summarizable() || hidden(t) {
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
		if t == nil || !t.summarizable() || store.search.hidden(t) {
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
