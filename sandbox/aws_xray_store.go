package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// X-Ray's store: segment documents checked as PutTraceSegments checks them,
// kept slim (a 100,000-trace store must fit a laptop's test run), and two
// indexes that let GetTraceSummaries page by binary search.

// ---- segment documents as sent

// xraySegDoc is the part of a segment (or subsegment) document the sandbox
// reads, as decoded on arrival. What is kept is an xraySeg.
type xraySegDoc struct {
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
	HTTP        *xrayHTTPDoc               `json:"http"`
	AWS         map[string]json.RawMessage `json:"aws"`
	SQL         json.RawMessage            `json:"sql"`
	Annotations map[string]any             `json:"annotations"`
	Subsegments []*xraySegDoc              `json:"subsegments"`
}

type xrayHTTPDoc struct {
	Request  *xrayRequest `json:"request"`
	Response *struct {
		Status int `json:"status"`
	} `json:"response"`
}

// xrayRequest is a segment's http.request: the summary's Http of the root.
type xrayRequest struct {
	Method    string `json:"method,omitempty"`
	URL       string `json:"url,omitempty"`
	ClientIP  string `json:"client_ip,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
}

// serviceType is the type X-Ray gives a segment's service: its origin, or
// the platform its aws block names (AWS::EKS::Container when the SDK
// reports EKS).
func (d *xraySegDoc) serviceType() string {
	if d.Origin != "" {
		return d.Origin
	}
	for _, p := range [...]struct{ key, typ string }{{"eks", "AWS::EKS::Container"}, {"ecs", "AWS::ECS::Container"}, {"ec2", "AWS::EC2::Instance"}} {
		if _, ok := d.AWS[p.key]; ok {
			return p.typ
		}
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
func (a *AWS) checkSegment(s *xraySegDoc) *unprocessedSegment {
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
	var walk func(list []*xraySegDoc) *unprocessedSegment
	walk = func(list []*xraySegDoc) *unprocessedSegment {
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

// ---- segments as kept

type segFlags uint16

const (
	segHasParent  segFlags = 1 << iota // parent set
	segHasEnd                          // end_time sent
	segInProgress                      // in_progress
	segError                           // error
	segFault                           // fault
	segThrottle                        // throttle
	segSQL                             // an sql block: a database call
	segHTTP                            // an http block
	segSubsegment                      // a document of type subsegment
)

// xraySeg is a segment or subsegment as the store keeps it: ids as
// numbers, its names behind one interned pointer, the rarely sent parts
// behind another.
type xraySeg struct {
	*segKind
	id, parent uint64
	startT     float64
	endT       float64  // startT when not sent
	x          *segMore // user, http.request, annotations, document; nil when none
	subs       []xraySeg
	httpStatus int32 // http.response.status, 0 when none
	flags      segFlags
}

// segKind is a (sub)segment's names, shared by every one that has them.
type segKind struct {
	name, namespace string
	typ             string // the service's type, for segments
}

// segMore is what few segments carry. Seeded segments share theirs.
type segMore struct {
	user        string
	req         *xrayRequest
	annotations map[string]any
	raw         string // the document as sent; "" for subsegments in one, and seeded segments
}

func (s *xraySeg) has(f segFlags) bool { return s.flags&f != 0 }

func (s *xraySeg) start() float64 { return s.startT }

func (s *xraySeg) end() float64 { return s.endT }

func (s *xraySeg) duration() float64 { return math.Max(0, s.endT-s.startT) }

func (s *xraySeg) status() int { return int(s.httpStatus) }

func (s *xraySeg) user() string {
	if s.x == nil {
		return ""
	}
	return s.x.user
}

func (s *xraySeg) request() *xrayRequest {
	if s.x == nil {
		return nil
	}
	return s.x.req
}

// raw is the document as sent, or "".
func (s *xraySeg) raw() string {
	if s.x == nil {
		return ""
	}
	return s.x.raw
}

func (s *xraySeg) annotations() map[string]any {
	if s.x == nil {
		return nil
	}
	return s.x.annotations
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
	o := outcome{s.has(segError), s.has(segFault), s.has(segThrottle)}
	switch classify(s.status()) {
	case statusThrottle:
		o.err, o.throttle = true, true
	case statusFault:
		o.fault = true
	case statusError:
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
	for i := range s.subs {
		o = o.or(s.subs[i].outcome())
	}
	return o
}

// keep turns a checked document (raw) into what the store keeps.
func (st *xrayStore) keep(d *xraySegDoc, raw string, s *xraySeg) {
	var seen []uint64
	st.keepSeg(d, raw, s, &seen)
}

// keepSeg keeps one (sub)segment of a document; seen are the ids of the
// document's subsegments kept so far. An id names one subsegment: the X-Ray
// SDK for Go, when it sends a segment twice, may list a subsegment twice in
// the second copy, and the copy adds nothing.
func (st *xrayStore) keepSeg(d *xraySegDoc, raw string, s *xraySeg, seen *[]uint64) {
	s.id, _ = strconv.ParseUint(d.ID, 16, 64)
	if d.ParentID != "" {
		s.parent, _ = strconv.ParseUint(d.ParentID, 16, 64)
		s.flags |= segHasParent
	}
	if d.StartTime != nil {
		s.startT = *d.StartTime
	}
	s.endT = s.startT
	if d.EndTime != nil {
		s.endT = *d.EndTime
		s.flags |= segHasEnd
	}
	for _, f := range [...]struct {
		on   bool
		flag segFlags
	}{{d.InProgress, segInProgress}, {d.Error, segError}, {d.Fault, segFault}, {d.Throttle, segThrottle},
		{len(d.SQL) > 0, segSQL}, {d.HTTP != nil, segHTTP}, {d.Type == "subsegment", segSubsegment}} {
		if f.on {
			s.flags |= f.flag
		}
	}
	s.segKind = st.kind(d.Name, d.Namespace, d.serviceType())
	if d.HTTP != nil && d.HTTP.Response != nil {
		s.httpStatus = int32(d.HTTP.Response.Status)
	}
	var req *xrayRequest
	if d.HTTP != nil && d.HTTP.Request != nil {
		r := *d.HTTP.Request
		r.Method = st.intern(r.Method)
		req = &r
	}
	if d.User != "" || req != nil || len(d.Annotations) > 0 || raw != "" {
		s.x = &segMore{user: d.User, req: req, annotations: d.Annotations, raw: raw}
	}
	if len(d.Subsegments) > 0 {
		s.subs = make([]xraySeg, 0, len(d.Subsegments))
		for _, c := range d.Subsegments {
			id, _ := strconv.ParseUint(c.ID, 16, 64)
			if slices.Contains(*seen, id) {
				continue
			}
			*seen = append(*seen, id)
			s.subs = append(s.subs, xraySeg{})
			st.keepSeg(c, "", &s.subs[len(s.subs)-1], seen)
		}
	}
}

// kind is the shared segKind of the names: a store of 100,000 traces
// holds a handful of services, not hundreds of thousands of copies.
func (st *xrayStore) kind(name, namespace, typ string) *segKind {
	k := segKind{name, namespace, typ}
	if p := st.kinds[k]; p != nil {
		return p
	}
	p := &segKind{strings.Clone(name), strings.Clone(namespace), strings.Clone(typ)}
	if len(st.kinds) < 1<<16 {
		st.kinds[*p] = p
	}
	return p
}

// intern keeps one copy of a short string that many segments repeat.
func (st *xrayStore) intern(s string) string {
	return st.kind(s, "", "").name
}

// ---- traces

type xtrace struct {
	id    string
	epoch int64
	segs  []*xraySeg // segment documents, by arrival
	subs  []*xraySeg // subsegments sent as documents of their own

	// derived on every change
	start, end float64
	root       *xraySeg
	outcome    outcome
	partial    bool

	pending bool // waiting to be (re)placed in the store's indexes
	indexed bool // in the store's indexes
	drop    bool // being taken out of them
}

// add stores a document; a document with an id the trace has replaces it
// (an in-progress segment completed). It reports whether the id is new.
func (t *xtrace) add(s *xraySeg) bool {
	list := &t.segs
	if s.has(segSubsegment) {
		list = &t.subs
	}
	isNew := true
	for i, old := range *list {
		if old.id == s.id {
			(*list)[i], isNew = s, false
			break
		}
	}
	if isNew {
		*list = append(*list, s)
	}
	t.derive()
	return isNew
}

func (t *xtrace) derive() {
	t.start, t.end = math.Inf(1), math.Inf(-1)
	t.root, t.outcome, t.partial = nil, outcome{}, false
	for _, list := range [2][]*xraySeg{t.segs, t.subs} {
		for _, s := range list {
			t.start = math.Min(t.start, s.start())
			t.end = math.Max(t.end, s.end())
			t.outcome = t.outcome.or(s.outcome())
			t.partial = t.partial || s.has(segInProgress)
		}
	}
	for _, s := range t.segs {
		if !s.has(segHasParent) && (t.root == nil || s.start() < t.root.start()) {
			t.root = s
		}
	}
	if t.root == nil {
		for _, s := range t.segs {
			if t.root == nil || s.start() < t.root.start() {
				t.root = s
			}
		}
	}
}

// summarizable: a trace with subsegments alone has nothing to summarize.
func (t *xtrace) summarizable() bool { return t.root != nil }

func (t *xtrace) responseTime() float64 { return t.root.duration() }

func (t *xtrace) duration() float64 { return math.Max(0, t.end-t.start) }

// ---- the store

type xrayStore struct {
	search   xraySearch   // Transaction Search's destination and indexing
	sampling *samplingSet // the region's sampling rules (aws_xray_sampling.go)
	traces   map[string]*xtrace
	segments int
	kinds    map[segKind]*segKind // interned names

	// byEpoch and byStart are the traces oldest first, by trace id epoch
	// (then start, then id) and by start (then id): GetTraceSummaries'
	// orders for TimeRangeType TraceId and Event, read backwards. A trace
	// that is new or whose start moved waits in pending until the next
	// query places it, so a page costs a binary search and the traces it
	// returns, and traces arriving between pages cost their own placing.
	byEpoch, byStart []*xtrace
	pending          []*xtrace
	// maxSpan is the longest trace's end - start: an Event query looks
	// this far before its window for traces that reach into it.
	maxSpan float64
}

func newXRayStore() *xrayStore {
	return &xrayStore{traces: map[string]*xtrace{}, kinds: map[segKind]*segKind{}}
}

// olderByEpoch is the order of byEpoch.
func olderByEpoch(a, b *xtrace) bool {
	if a.epoch != b.epoch {
		return a.epoch < b.epoch
	}
	if a.start != b.start {
		return a.start < b.start
	}
	return a.id < b.id
}

// olderByStart is the order of byStart.
func olderByStart(a, b *xtrace) bool {
	if a.start != b.start {
		return a.start < b.start
	}
	return a.id < b.id
}

// put adds a kept document to its trace.
func (st *xrayStore) put(traceID string, epoch int64, s *xraySeg) {
	t := st.traces[traceID]
	if t == nil {
		t = &xtrace{id: traceID, epoch: epoch}
		st.traces[traceID] = t
	}
	before := t.start
	if t.add(s) && !s.has(segSubsegment) {
		st.segments++
	}
	st.touched(t, before)
}

// touched queues t for the indexes when its place in them may have moved.
func (st *xrayStore) touched(t *xtrace, before float64) {
	if t.end-t.start > st.maxSpan && !math.IsInf(t.end-t.start, 0) {
		st.maxSpan = t.end - t.start
	}
	if t.pending || (t.indexed && t.start == before) {
		return
	}
	t.pending = true
	st.pending = append(st.pending, t)
}

// indexes places the pending traces and returns both indexes.
func (st *xrayStore) indexes() (byEpoch, byStart []*xtrace) {
	if len(st.pending) > 0 {
		moved := false
		for _, t := range st.pending {
			if t.indexed {
				t.drop, moved = true, true
			}
		}
		st.byEpoch = mergeTraces(st.byEpoch, st.pending, moved, olderByEpoch)
		st.byStart = mergeTraces(st.byStart, st.pending, moved, olderByStart)
		for _, t := range st.pending {
			t.pending, t.drop, t.indexed = false, false, true
		}
		clear(st.pending)
		st.pending = st.pending[:0]
	}
	return st.byEpoch, st.byStart
}

// mergeTraces merges add into the sorted list, taking out first the
// traces marked drop when moved says there are any. Traces arrive mostly
// newer than all before them, so the merge mostly appends.
func mergeTraces(list, add []*xtrace, moved bool, less func(a, b *xtrace) bool) []*xtrace {
	if moved {
		list = slices.DeleteFunc(list, func(t *xtrace) bool { return t.drop })
	}
	add = slices.Clone(add)
	slices.SortFunc(add, func(a, b *xtrace) int {
		if less(a, b) {
			return -1
		}
		if less(b, a) {
			return 1
		}
		return 0
	})
	n := len(list)
	list = slices.Grow(list, len(add))[:n+len(add)]
	// Merge from the back: i walks list, j walks add, k the merged end.
	i, j := n-1, len(add)-1
	for k := len(list) - 1; j >= 0; k-- {
		if i >= 0 && less(add[j], list[i]) {
			list[k] = list[i]
			i--
		} else {
			list[k] = add[j]
			j--
		}
	}
	return list
}

func (a *AWS) xrayIn(region string) *xrayStore {
	if region == "" {
		region = a.o.Region
	}
	s := a.xray[region]
	if s == nil {
		s = newXRayStore()
		a.xray[region] = s
	}
	return s
}
