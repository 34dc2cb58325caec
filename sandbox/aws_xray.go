package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
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

// ---- segments

// xraySeg is the part of a segment (or subsegment) document the sandbox
// reads.
type xraySeg struct {
	ID          string                     `json:"id"`
	TraceID     string                     `json:"trace_id"`
	ParentID    string                     `json:"parent_id"`
	Type        string                     `json:"type"`
	Name        string                     `json:"name"`
	Namespace   string                     `json:"namespace"`
	Origin      string                     `json:"origin"`
	StartTime   *float64                   `json:"start_time"`
	EndTime     *float64                   `json:"end_time"`
	InProgress  bool                       `json:"in_progress"`
	Error       bool                       `json:"error"`
	Fault       bool                       `json:"fault"`
	Throttle    bool                       `json:"throttle"`
	User        string                     `json:"user"`
	HTTP        *xrayHTTP                  `json:"http"`
	AWS         map[string]json.RawMessage `json:"aws"`
	SQL         json.RawMessage            `json:"sql"`
	Annotations map[string]any             `json:"annotations"`
	Subsegments []*xraySeg                 `json:"subsegments"`

	raw string // the document as sent
}

type xrayHTTP struct {
	Request *struct {
		Method    string `json:"method"`
		URL       string `json:"url"`
		ClientIP  string `json:"client_ip"`
		UserAgent string `json:"user_agent"`
	} `json:"request"`
	Response *struct {
		Status int `json:"status"`
	} `json:"response"`
}

func (s *xraySeg) start() float64 {
	if s.StartTime == nil {
		return 0
	}
	return *s.StartTime
}

func (s *xraySeg) end() float64 {
	if s.EndTime == nil {
		return s.start()
	}
	return *s.EndTime
}

func (s *xraySeg) duration() float64 { return math.Max(0, s.end()-s.start()) }

func (s *xraySeg) status() int {
	if s.HTTP != nil && s.HTTP.Response != nil {
		return s.HTTP.Response.Status
	}
	return 0
}

// outcome is how a request went, as X-Ray sorts them.
type outcome struct{ err, fault, throttle bool }

func (o outcome) or(p outcome) outcome {
	return outcome{o.err || p.err, o.fault || p.fault, o.throttle || p.throttle}
}

func (o outcome) ok() bool { return !o.err && !o.fault && !o.throttle }

// own is the (sub)segment's own outcome: its flags and its HTTP status
// (4xx error, 429 error and throttle, 5xx fault).
func (s *xraySeg) own() outcome {
	o := outcome{s.Error, s.Fault, s.Throttle}
	switch st := s.status(); {
	case st == http.StatusTooManyRequests:
		o.err, o.throttle = true, true
	case st >= 500 && st < 600:
		o.fault = true
	case st >= 400 && st < 500:
		o.err = true
	}
	if o.throttle {
		o.err = true
	}
	return o
}

// outcome folds in the subsegments' outcomes.
func (s *xraySeg) outcome() outcome {
	o := s.own()
	for _, sub := range s.Subsegments {
		o = o.or(sub.outcome())
	}
	return o
}

// serviceType is the type X-Ray gives a segment's service: its origin, or
// AWS::EKS::Container when the SDK reports EKS.
func (s *xraySeg) serviceType() string {
	if s.Origin != "" {
		return s.Origin
	}
	if _, ok := s.AWS["eks"]; ok {
		return "AWS::EKS::Container"
	}
	if _, ok := s.AWS["ecs"]; ok {
		return "AWS::ECS::Container"
	}
	if _, ok := s.AWS["ec2"]; ok {
		return "AWS::EC2::Instance"
	}
	return ""
}

var (
	xrayIDRe      = regexp.MustCompile(`^[0-9a-f]{16}$`)
	xrayTraceIDRe = regexp.MustCompile(`^1-([0-9a-f]{8})-[0-9a-f]{24}$`)
)

// validName is X-Ray's rule for names: up to 200 characters, letters,
// numbers, white space and _ . : / % & # = + \ - @.
func validName(n string) bool {
	if n == "" || len([]rune(n)) > 200 {
		return false
	}
	for _, r := range n {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsSpace(r) && !strings.ContainsRune(`_.:/%&#=+\-@`, r) {
			return false
		}
	}
	return true
}

// traceEpoch is the epoch second a trace id carries.
func traceEpoch(id string) (int64, bool) {
	m := xrayTraceIDRe.FindStringSubmatch(id)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 16, 64)
	return n, err == nil
}

type unprocessedSegment struct {
	ID        string `json:"Id,omitempty"`
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
}

func badSegment(id, code string, sub bool) unprocessedSegment {
	what := "segment"
	if sub {
		what = "subsegment"
	}
	return unprocessedSegment{ID: id, ErrorCode: code, Message: fmt.Sprintf("Invalid %s. ErrorCode: %s", what, code)}
}

// checkSegment is X-Ray's validation of one document.
func (a *AWS) checkSegment(s *xraySeg) *unprocessedSegment {
	sub := s.Type == "subsegment"
	fail := func(code string) *unprocessedSegment { u := badSegment(s.ID, code, sub); return &u }
	switch {
	case s.ID == "":
		return fail("MissingId")
	case !xrayIDRe.MatchString(s.ID):
		return fail("InvalidId")
	case s.TraceID == "":
		return fail("MissingTraceId")
	}
	ep, ok := traceEpoch(s.TraceID)
	if !ok || time.Unix(ep, 0).Before(a.o.Now().Add(-xrayRetention)) {
		return fail("InvalidTraceId")
	}
	switch {
	case s.Name == "":
		return fail("MissingName")
	case !validName(s.Name):
		return fail("InvalidName")
	case s.StartTime == nil:
		return fail("MissingStartTime")
	case s.EndTime == nil && !s.InProgress:
		return fail("MissingEndTime")
	case s.EndTime != nil && *s.EndTime < *s.StartTime:
		return fail("InvalidEndTime")
	case sub && s.ParentID == "":
		return fail("MissingParentId")
	case s.ParentID != "" && !xrayIDRe.MatchString(s.ParentID):
		return fail("InvalidParentId")
	}
	var walk func(list []*xraySeg) *unprocessedSegment
	walk = func(list []*xraySeg) *unprocessedSegment {
		for _, c := range list {
			switch {
			case c.ID == "":
				u := badSegment("", "MissingId", true)
				return &u
			case !xrayIDRe.MatchString(c.ID):
				u := badSegment(c.ID, "InvalidId", true)
				return &u
			case !validName(c.Name):
				u := badSegment(c.ID, "InvalidName", true)
				return &u
			}
			if u := walk(c.Subsegments); u != nil {
				return u
			}
		}
		return nil
	}
	return walk(s.Subsegments)
}

// ---- traces

type xtrace struct {
	id    string
	epoch int64
	segs  []*xraySeg // segment documents, by arrival
	subs  []*xraySeg // subsegments sent as documents of their own

	// sumJSON is the trace's summary for TimeRangeType TraceId, encoded
	// once: paging 100,000 traces then costs copies, not encodings.
	sumJSON json.RawMessage

	// derived on every change
	start, end float64
	root       *xraySeg
	outcome    outcome
	partial    bool
}

// add stores a document; a document with an id the trace has replaces it
// (an in-progress segment completed). It reports whether the id is new.
func (t *xtrace) add(s *xraySeg) bool {
	list := &t.segs
	if s.Type == "subsegment" {
		list = &t.subs
	}
	isNew := true
	for i, old := range *list {
		if old.ID == s.ID {
			(*list)[i], isNew = s, false
			break
		}
	}
	if isNew {
		*list = append(*list, s)
	}
	t.sumJSON = nil
	t.derive()
	return isNew
}

func (t *xtrace) derive() {
	t.start, t.end = math.Inf(1), math.Inf(-1)
	t.root, t.outcome, t.partial = nil, outcome{}, false
	all := append(append([]*xraySeg(nil), t.segs...), t.subs...)
	for _, s := range all {
		t.start = math.Min(t.start, s.start())
		t.end = math.Max(t.end, s.end())
		t.outcome = t.outcome.or(s.outcome())
		t.partial = t.partial || s.InProgress
	}
	for _, s := range t.segs {
		if s.ParentID == "" && (t.root == nil || s.start() < t.root.start()) {
			t.root = s
		}
	}
	if t.root == nil && len(t.segs) > 0 {
		t.root = t.segs[0]
		for _, s := range t.segs {
			if s.start() < t.root.start() {
				t.root = s
			}
		}
	}
}

// summarizable: a trace with subsegments alone has nothing to summarize.
func (t *xtrace) summarizable() bool { return t.root != nil }

func (t *xtrace) responseTime() float64 { return t.root.duration() }

func (t *xtrace) duration() float64 { return math.Max(0, t.end-t.start) }

type xrayStore struct {
	traces   map[string]*xtrace
	segments int
	// byEpoch is every trace newest first, by trace id epoch, then start,
	// then id: GetTraceSummaries' order for TimeRangeType TraceId. Adding
	// a segment marks it stale; the next query sorts it again, so a client
	// paging 100,000 traces costs a binary search a page, not a scan.
	byEpoch []*xtrace
	stale   bool
}

// sorted is byEpoch, sorted again if a segment arrived since.
func (s *xrayStore) sorted() []*xtrace {
	if s.stale || len(s.byEpoch) != len(s.traces) {
		s.byEpoch = s.byEpoch[:0]
		for _, t := range s.traces {
			s.byEpoch = append(s.byEpoch, t)
		}
		sort.Slice(s.byEpoch, func(i, j int) bool { return newerTrace(s.byEpoch[i], s.byEpoch[j]) })
		s.stale = false
	}
	return s.byEpoch
}

// newerTrace is the newest-first order of summaries by trace id.
func newerTrace(a, b *xtrace) bool {
	if a.epoch != b.epoch {
		return a.epoch > b.epoch
	}
	if a.start != b.start {
		return a.start > b.start
	}
	return a.id > b.id
}

func (a *AWS) xrayIn(region string) *xrayStore {
	if region == "" {
		region = a.o.Region
	}
	s := a.xray[region]
	if s == nil {
		s = &xrayStore{traces: map[string]*xtrace{}}
		a.xray[region] = s
	}
	return s
}

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
	var s xraySeg
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return &unprocessedSegment{ErrorCode: "JSONFormatError", Message: "Invalid segment. ErrorCode: JSONFormatError"}
	}
	if u := a.checkSegment(&s); u != nil {
		return u
	}
	s.raw = doc
	ep, _ := traceEpoch(s.TraceID)
	t := store.traces[s.TraceID]
	if t == nil {
		t = &xtrace{id: s.TraceID, epoch: ep}
		store.traces[s.TraceID] = t
	}
	if t.add(&s) && s.Type != "subsegment" {
		store.segments++
	}
	store.stale = true
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
	key := func(t *xtrace) float64 {
		if byTraceID {
			return float64(t.epoch)
		}
		return t.start
	}
	// newer is the newest-first order: by key, then start, then id.
	newer := func(k1, s1 float64, id1 string, k2, s2 float64, id2 string) bool {
		if k1 != k2 {
			return k1 > k2
		}
		if s1 != s2 {
			return s1 > s2
		}
		return id1 > id2
	}
	if byTraceID {
		return a.summariesByTraceID(store, start, end, filter, cur), nil
	}
	var hits []*xtrace
	processed := 0
	for _, t := range store.traces {
		if !t.summarizable() {
			continue
		}
		if byTraceID {
			if k := float64(t.epoch); k < math.Floor(start) || k > end {
				continue
			}
		} else if t.start > end || t.end < start {
			continue
		}
		processed++
		if filter != nil && !filter(traceView{t}) {
			continue
		}
		if cur != nil && !newer(cur.Key, cur.Start, cur.ID, key(t), t.start, t.id) {
			continue
		}
		hits = append(hits, t)
	}
	sort.Slice(hits, func(i, j int) bool {
		return newer(key(hits[i]), hits[i].start, hits[i].id, key(hits[j]), hits[j].start, hits[j].id)
	})
	out := map[string]any{"ApproximateTime": epoch(a.o.Now()), "TracesProcessedCount": processed}
	if len(hits) > xraySummaryPage {
		last := hits[xraySummaryPage-1]
		raw, _ := json.Marshal(summaryCursor{Key: key(last), Start: last.start, ID: last.id})
		out["NextToken"] = base64.RawURLEncoding.EncodeToString(raw)
		hits = hits[:xraySummaryPage]
	}
	sums := make([]map[string]any, 0, len(hits))
	for _, t := range hits {
		sums = append(sums, a.summary(t, !byTraceID))
	}
	out["TraceSummaries"] = sums
	return out, nil
}

// summariesByTraceID is a page of GetTraceSummaries with TimeRangeType
// TraceId: the traces whose id carries an epoch second from StartTime
// (taken down to its second) to EndTime, both included, newest first,
// after the cursor.
func (a *AWS) summariesByTraceID(store *xrayStore, start, end float64, filter filterFunc, cur *summaryCursor) pooledJSON {
	all := store.sorted()
	lo := int64(math.Floor(start))
	// The first trace not newer than the window's end, or than the cursor.
	i := sort.Search(len(all), func(i int) bool { return float64(all[i].epoch) <= end })
	if cur != nil {
		c := &xtrace{epoch: int64(cur.Key), start: cur.Start, id: cur.ID}
		i = max(i, sort.Search(len(all), func(i int) bool { return newerTrace(c, all[i]) }))
	}
	var hits []*xtrace
	processed := 0
	more := false
	for ; i < len(all) && all[i].epoch >= lo; i++ {
		t := all[i]
		if !t.summarizable() {
			continue
		}
		processed++
		if filter != nil && !filter(traceView{t}) {
			continue
		}
		if len(hits) == xraySummaryPage {
			more = true
			break
		}
		hits = append(hits, t)
	}
	// The page is written by hand around the summaries encoded once.
	b := pageBuffers.Get().(*bytes.Buffer)
	b.Reset()
	fmt.Fprintf(b, `{"ApproximateTime":%s,"TracesProcessedCount":%d`, fmtEpoch(epoch(a.o.Now())), processed)
	if more {
		last := hits[len(hits)-1]
		raw, _ := json.Marshal(summaryCursor{Key: float64(last.epoch), Start: last.start, ID: last.id})
		fmt.Fprintf(b, `,"NextToken":%q`, base64.RawURLEncoding.EncodeToString(raw))
	}
	b.WriteString(`,"TraceSummaries":[`)
	for i, t := range hits {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(a.summaryJSON(t))
	}
	b.WriteString("]}")
	return pooledJSON{b}
}

// pageBuffers hold pages of summaries while they are written: a page is
// some 100 KB, and a client paging 100,000 traces asks for a thousand.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pooledJSON is an answer encoded in a pooled buffer; writeJSON writes it
// and gives the buffer back.
type pooledJSON struct{ b *bytes.Buffer }

// summaryJSON is the trace's summary by trace id, encoded once.
func (a *AWS) summaryJSON(t *xtrace) json.RawMessage {
	if t.sumJSON == nil {
		t.sumJSON, _ = json.Marshal(a.summary(t, false))
	}
	return t.sumJSON
}

func (a *AWS) serviceID(name, typ string) map[string]any {
	id := map[string]any{"Name": name, "Names": []string{name}, "AccountId": a.o.AccountID}
	if typ != "" {
		id["Type"] = typ
	}
	return id
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func (a *AWS) summary(t *xtrace, event bool) map[string]any {
	root := t.root
	type svcKey struct{ name, typ string }
	var ids []map[string]any
	seen := map[svcKey]bool{}
	segs := append([]*xraySeg(nil), t.segs...)
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].start() < segs[j].start() })
	annotations := map[string][]map[string]any{}
	var users []map[string]any
	for _, s := range segs {
		k := svcKey{s.Name, s.serviceType()}
		if !seen[k] {
			seen[k] = true
			ids = append(ids, a.serviceID(k.name, k.typ))
		}
		svc := []map[string]any{a.serviceID(k.name, k.typ)}
		var walk func(x *xraySeg)
		walk = func(x *xraySeg) {
			names := make([]string, 0, len(x.Annotations))
			for n := range x.Annotations {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				v := map[string]any{}
				switch val := x.Annotations[n].(type) {
				case string:
					v["StringValue"] = val
				case float64:
					v["NumberValue"] = val
				case bool:
					v["BooleanValue"] = val
				default:
					continue
				}
				annotations[n] = append(annotations[n], map[string]any{"AnnotationValue": v, "ServiceIds": svc})
			}
			for _, sub := range x.Subsegments {
				walk(sub)
			}
		}
		walk(s)
		if s.User != "" {
			users = append(users, map[string]any{"UserName": s.User, "ServiceIds": svc})
		}
	}
	if users == nil {
		users = []map[string]any{}
	}
	out := map[string]any{
		"Id": t.id, "Revision": len(t.segs) + len(t.subs) - 1,
		"Duration": round3(t.duration()), "ResponseTime": round3(t.responseTime()),
		"HasError": t.outcome.err, "HasFault": t.outcome.fault, "HasThrottle": t.outcome.throttle, "IsPartial": t.partial,
		"ServiceIds": ids, "EntryPoint": a.serviceID(root.Name, root.serviceType()),
		"StartTime": t.start, "Annotations": annotations, "Users": users,
		"ResourceARNs": []any{}, "InstanceIds": []any{}, "AvailabilityZones": []any{},
		"FaultRootCauses": []any{}, "ErrorRootCauses": []any{}, "ResponseTimeRootCauses": []any{},
	}
	if event {
		out["MatchedEventTime"] = t.start
	}
	if root.HTTP != nil {
		h := map[string]any{}
		if rq := root.HTTP.Request; rq != nil {
			for k, v := range map[string]string{"HttpURL": rq.URL, "HttpMethod": rq.Method, "ClientIp": rq.ClientIP, "UserAgent": rq.UserAgent} {
				if v != "" {
					h[k] = v
				}
			}
		}
		if st := root.status(); st != 0 {
			h["HttpStatus"] = st
		}
		out["Http"] = h
	}
	return out
}

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
			segs = append(segs, map[string]any{"Id": s.ID, "Document": s.raw})
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
	for _, t := range store.traces {
		if !t.summarizable() || t.start > end || t.end < start {
			continue
		}
		// Every subsegment of the trace, with the segment it belongs to;
		// subsegments sent on their own join their parent.
		owner := map[string]*xraySeg{}
		subs := map[string]*xraySeg{}
		var walk func(seg *xraySeg, list []*xraySeg)
		walk = func(seg *xraySeg, list []*xraySeg) {
			for _, sub := range list {
				owner[sub.ID], subs[sub.ID] = seg, sub
				walk(seg, sub.Subsegments)
			}
		}
		segByID := map[string]*xraySeg{}
		for _, s := range t.segs {
			segByID[s.ID] = s
			walk(s, s.Subsegments)
		}
		for range t.subs { // parents may be subsegments sent on their own too
			for _, sub := range t.subs {
				if _, done := subs[sub.ID]; done {
					continue
				}
				if seg := segByID[sub.ParentID]; seg != nil {
					owner[sub.ID], subs[sub.ID] = seg, sub
					walk(seg, sub.Subsegments)
				} else if seg := owner[sub.ParentID]; seg != nil {
					owner[sub.ID], subs[sub.ID] = seg, sub
					walk(seg, sub.Subsegments)
				}
			}
		}
		called := map[string]bool{} // subsegments with a traced service behind them
		for _, s := range t.segs {
			o := s.outcome()
			n := node(s.Name, s.serviceType(), false)
			n.stats.add(o, s.duration(), s.start(), s.end())
			switch parent := owner[s.ParentID]; {
			case s.ParentID == "":
				n.root = true
				edge(client, s.Name).add(o, s.duration(), s.start(), s.end())
			case parent != nil:
				called[s.ParentID] = true
				sub := subs[s.ParentID]
				edge(parent.Name, s.Name).add(sub.outcome(), sub.duration(), sub.start(), sub.end())
			}
		}
		// Remote calls with no traced service behind them: inferred nodes.
		for id, sub := range subs {
			if called[id] || (sub.Namespace != "remote" && sub.Namespace != "aws") {
				continue
			}
			typ := "remote"
			switch {
			case sub.Namespace == "aws":
				typ = "AWS::" + sub.Name
			case len(sub.SQL) > 0:
				typ = "Database::SQL"
			}
			o := sub.outcome()
			node(sub.Name, typ, true).stats.add(o, sub.duration(), sub.start(), sub.end())
			edge(owner[id].Name, sub.Name).add(o, sub.duration(), sub.start(), sub.end())
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
		if s.Name == name {
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
func (v segView) partial() bool                  { return v.s.InProgress }
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
