package sandbox

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"unicode/utf8"
)

// X-Ray's answers that are written often — a trace summary, a seeded
// segment's document — appended by hand: encoding/json's maps cost more
// than the rest of a 100,000-trace paging together.

// appendJSONFloat writes f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, '0')
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONString writes s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendJSONBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// segID is a (sub)segment id as documents write it: 16 hex digits.
func segID(id uint64) string {
	return string(appendSegID(nil, id))
}

func appendSegID(b []byte, id uint64) []byte { return appendHex(b, id, 16) }

// appendServiceID writes a ServiceId.
func (a *AWS) appendServiceID(b []byte, name, typ string) []byte {
	b = append(b, `{"AccountId":`...)
	b = appendJSONString(b, a.o.AccountID)
	b = append(b, `,"Name":`...)
	b = appendJSONString(b, name)
	b = append(b, `,"Names":[`...)
	b = appendJSONString(b, name)
	b = append(b, ']')
	if typ != "" {
		b = append(b, `,"Type":`...)
		b = appendJSONString(b, typ)
	}
	return append(b, '}')
}

// appendSummary writes the trace's TraceSummary; event adds
// MatchedEventTime, as queries by TimeRangeType Event answer.
func (a *AWS) appendSummary(b []byte, t *xtrace, event bool) []byte {
	root := t.root
	var buf [8]*xraySeg
	segs := append(buf[:0], t.segs...)
	slices.SortStableFunc(segs, func(x, y *xraySeg) int {
		switch {
		case x.start() < y.start():
			return -1
		case x.start() > y.start():
			return 1
		}
		return 0
	})
	b = append(b, `{"Annotations":`...)
	b = a.appendAnnotations(b, segs)
	b = append(b, `,"AvailabilityZones":[],"Duration":`...)
	b = appendJSONFloat(b, round3(t.duration()))
	b = append(b, `,"EntryPoint":`...)
	b = a.appendServiceID(b, root.name, root.typ)
	b = append(b, `,"ErrorRootCauses":[],"FaultRootCauses":[],"HasError":`...)
	b = appendJSONBool(b, t.outcome.err)
	b = append(b, `,"HasFault":`...)
	b = appendJSONBool(b, t.outcome.fault)
	b = append(b, `,"HasThrottle":`...)
	b = appendJSONBool(b, t.outcome.throttle)
	if root.has(segHTTP) {
		b = append(b, `,"Http":{`...)
		n := 0
		field := func(k string) {
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = append(b, '"')
			b = append(b, k...)
			b = append(b, `":`...)
		}
		rq := root.request()
		if rq != nil && rq.ClientIP != "" {
			field("ClientIp")
			b = appendJSONString(b, rq.ClientIP)
		}
		if rq != nil && rq.Method != "" {
			field("HttpMethod")
			b = appendJSONString(b, rq.Method)
		}
		if st := root.status(); st != 0 {
			field("HttpStatus")
			b = strconv.AppendInt(b, int64(st), 10)
		}
		if rq != nil && rq.URL != "" {
			field("HttpURL")
			b = appendJSONString(b, rq.URL)
		}
		if rq != nil && rq.UserAgent != "" {
			field("UserAgent")
			b = appendJSONString(b, rq.UserAgent)
		}
		b = append(b, '}')
	}
	b = append(b, `,"Id":`...)
	b = appendJSONString(b, t.id)
	b = append(b, `,"InstanceIds":[],"IsPartial":`...)
	b = appendJSONBool(b, t.partial)
	if event {
		b = append(b, `,"MatchedEventTime":`...)
		b = appendJSONFloat(b, t.start)
	}
	b = append(b, `,"ResourceARNs":[],"ResponseTime":`...)
	b = appendJSONFloat(b, round3(t.responseTime()))
	b = append(b, `,"ResponseTimeRootCauses":[],"Revision":`...)
	b = strconv.AppendInt(b, int64(len(t.segs)+len(t.subs)-1), 10)
	b = append(b, `,"ServiceIds":[`...)
	for i, s := range segs {
		seen := false
		for _, p := range segs[:i] {
			if p.name == s.name && p.typ == s.typ {
				seen = true
				break
			}
		}
		if seen {
			continue
		}
		if b[len(b)-1] != '[' {
			b = append(b, ',')
		}
		b = a.appendServiceID(b, s.name, s.typ)
	}
	b = append(b, `],"StartTime":`...)
	b = appendJSONFloat(b, t.start)
	b = append(b, `,"Users":[`...)
	n := 0
	for _, s := range segs {
		if s.user() == "" {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, `{"ServiceIds":[`...)
		b = a.appendServiceID(b, s.name, s.typ)
		b = append(b, `],"UserName":`...)
		b = appendJSONString(b, s.user())
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendAnnotations writes the summary's Annotations: each name's values,
// with the service of the segment (or its subsegment) that set it.
func (a *AWS) appendAnnotations(b []byte, segs []*xraySeg) []byte {
	found := false
	var has func(s *xraySeg) bool
	has = func(s *xraySeg) bool {
		if len(s.annotations()) > 0 {
			return true
		}
		for i := range s.subs {
			if has(&s.subs[i]) {
				return true
			}
		}
		return false
	}
	for _, s := range segs {
		found = found || has(s)
	}
	if !found {
		return append(b, "{}"...)
	}
	type svcID struct {
		AccountID string   `json:"AccountId"`
		Name      string   `json:"Name"`
		Names     []string `json:"Names"`
		Type      string   `json:"Type,omitempty"`
	}
	type value struct {
		AnnotationValue map[string]any `json:"AnnotationValue"`
		ServiceIds      []svcID        `json:"ServiceIds"`
	}
	out := map[string][]value{}
	for _, s := range segs {
		svc := []svcID{{a.o.AccountID, s.name, []string{s.name}, s.typ}}
		var walk func(x *xraySeg)
		walk = func(x *xraySeg) {
			ann := x.annotations()
			names := make([]string, 0, len(ann))
			for n := range ann {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				var v map[string]any
				switch val := ann[n].(type) {
				case string:
					v = map[string]any{"StringValue": val}
				case float64:
					v = map[string]any{"NumberValue": val}
				case bool:
					v = map[string]any{"BooleanValue": val}
				default:
					continue
				}
				out[n] = append(out[n], value{v, svc})
			}
			for i := range x.subs {
				walk(&x.subs[i])
			}
		}
		walk(s)
	}
	j, _ := json.Marshal(out)
	return append(b, j...)
}

// document is the segment's document for BatchGetTraces: as it was sent,
// or for a seeded segment (which keeps none) written from what it is.
func (s *xraySeg) document(traceID string) string {
	if raw := s.raw(); raw != "" {
		return raw
	}
	return string(s.appendDoc(nil, traceID))
}

// appendDoc writes the segment document a seeded segment stands for:
// every field a seeded segment has, in the shape an X-Ray SDK sends it.
func (s *xraySeg) appendDoc(b []byte, traceID string) []byte {
	b = append(b, `{"id":"`...)
	b = appendSegID(b, s.id)
	b = append(b, `","name":`...)
	b = appendJSONString(b, s.name)
	if traceID != "" {
		b = append(b, `,"trace_id":`...)
		b = appendJSONString(b, traceID)
	}
	if s.has(segHasParent) {
		b = append(b, `,"parent_id":"`...)
		b = appendSegID(b, s.parent)
		b = append(b, '"')
	}
	if s.has(segSubsegment) {
		b = append(b, `,"type":"subsegment"`...)
	}
	if s.namespace != "" {
		b = append(b, `,"namespace":`...)
		b = appendJSONString(b, s.namespace)
	}
	if s.typ != "" && traceID != "" {
		b = append(b, `,"origin":`...)
		b = appendJSONString(b, s.typ)
	}
	b = append(b, `,"start_time":`...)
	b = appendJSONFloat(b, s.startT)
	if s.has(segHasEnd) {
		b = append(b, `,"end_time":`...)
		b = appendJSONFloat(b, s.endT)
	}
	for _, f := range [...]struct {
		flag segFlags
		key  string
	}{{segInProgress, "in_progress"}, {segError, "error"}, {segFault, "fault"}, {segThrottle, "throttle"}} {
		if s.has(f.flag) {
			b = append(b, `,"`...)
			b = append(b, f.key...)
			b = append(b, `":true`...)
		}
	}
	if u := s.user(); u != "" {
		b = append(b, `,"user":`...)
		b = appendJSONString(b, u)
	}
	if s.has(segHTTP) {
		b = append(b, `,"http":{`...)
		if rq := s.request(); rq != nil {
			r, _ := json.Marshal(rq)
			b = append(b, `"request":`...)
			b = append(b, r...)
		}
		if s.httpStatus != 0 {
			if b[len(b)-1] != '{' {
				b = append(b, ',')
			}
			b = append(b, `"response":{"status":`...)
			b = strconv.AppendInt(b, int64(s.httpStatus), 10)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	if ann := s.annotations(); len(ann) > 0 {
		j, _ := json.Marshal(ann)
		b = append(b, `,"annotations":`...)
		b = append(b, j...)
	}
	if len(s.subs) > 0 {
		b = append(b, `,"subsegments":[`...)
		for i := range s.subs {
			if i > 0 {
				b = append(b, ',')
			}
			b = s.subs[i].appendDoc(b, "")
		}
		b = append(b, ']')
	}
	return append(b, '}')
}
