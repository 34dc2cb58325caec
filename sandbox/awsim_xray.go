package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// segment is the part of an X-Ray segment document the emulator reads.
type segment struct {
	ID          string     `json:"id"`
	TraceID     string     `json:"trace_id"`
	ParentID    string     `json:"parent_id"`
	Name        string     `json:"name"`
	Namespace   string     `json:"namespace"`
	Origin      string     `json:"origin"`
	StartTime   float64    `json:"start_time"`
	EndTime     float64    `json:"end_time"`
	InProgress  bool       `json:"in_progress"`
	Error       bool       `json:"error"`
	Fault       bool       `json:"fault"`
	Throttle    bool       `json:"throttle"`
	HTTP        *segHTTP   `json:"http"`
	Subsegments []*segment `json:"subsegments"`
	Type        string     `json:"type"`
}

type segHTTP struct {
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

func (s *segment) status() int {
	if s.HTTP != nil && s.HTTP.Response != nil {
		return s.HTTP.Response.Status
	}
	return 0
}

// flags folds in the subsegments' error, fault and throttle flags.
func (s *segment) flags() (errorF, fault, throttle bool) {
	errorF, fault, throttle = s.Error, s.Fault, s.Throttle
	if st := s.status(); st == 429 {
		throttle, errorF = true, true
	} else if st >= 500 {
		fault = true
	} else if st >= 400 {
		errorF = true
	}
	for _, sub := range s.Subsegments {
		e, f, t := sub.flags()
		errorF, fault, throttle = errorF || e, fault || f, throttle || t
	}
	return
}

type xtrace struct {
	id       string
	epoch    int64 // from the trace id
	segments []*segment
	// derived, recomputed on each new segment
	start, end       float64
	root             *segment
	hasErr, hasFault bool
	hasThrottle      bool
	services         []string
}

func (t *xtrace) add(s *segment) {
	for i, old := range t.segments {
		if old.ID == s.ID { // a completed segment replaces its in-progress one
			t.segments[i] = s
			t.derive()
			return
		}
	}
	t.segments = append(t.segments, s)
	t.derive()
}

func (t *xtrace) derive() {
	t.start, t.end = math.Inf(1), 0
	t.root = nil
	t.hasErr, t.hasFault, t.hasThrottle = false, false, false
	seen := map[string]bool{}
	t.services = t.services[:0]
	for _, s := range t.segments {
		t.start = math.Min(t.start, s.StartTime)
		t.end = math.Max(t.end, s.EndTime)
		if s.ParentID == "" && (t.root == nil || s.StartTime < t.root.StartTime) {
			t.root = s
		}
		e, f, th := s.flags()
		t.hasErr, t.hasFault, t.hasThrottle = t.hasErr || e, t.hasFault || f, t.hasThrottle || th
		if !seen[s.Name] {
			seen[s.Name] = true
			t.services = append(t.services, s.Name)
		}
	}
	if t.root == nil && len(t.segments) > 0 {
		t.root = t.segments[0]
	}
}

type xrayStore struct {
	traces   map[string]*xtrace
	segments int
	pageSize int
}

func newXRayStore(pageSize int) *xrayStore {
	return &xrayStore{traces: map[string]*xtrace{}, pageSize: pageSize}
}

// traceEpoch reads the epoch in a trace id: 1-<8 hex digits>-<24 hex digits>.
func traceEpoch(id string) (int64, bool) {
	p := strings.Split(id, "-")
	if len(p) != 3 || p[0] != "1" || len(p[1]) != 8 || len(p[2]) != 24 {
		return 0, false
	}
	n, err := strconv.ParseInt(p[1], 16, 64)
	return n, err == nil
}

func (a *AWS) serveXRay(w http.ResponseWriter, r *http.Request, body []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	action := map[string]string{"/TraceSegments": "PutTraceSegments", "/TraceSummaries": "GetTraceSummaries", "/ServiceGraph": "GetServiceGraph",
		"/Traces": "BatchGetTraces", "/GetSamplingRules": "GetSamplingRules", "/SamplingTargets": "GetSamplingTargets", "/TelemetryRecords": "PutTelemetryRecords"}[r.URL.Path]
	p, ok := a.admitJSON(w, r, "XRay", action)
	if !ok {
		return
	}
	write := action == "PutTraceSegments" || action == "PutTelemetryRecords" || action == "GetSamplingRules" || action == "GetSamplingTargets"
	if !p.admin && !(write && p.role != "" && a.canWriteXRay(p.role)) {
		writeJSONError(w, errf(403, "AccessDeniedException", "User: %s is not authorized to perform: xray:%s because no identity-based policy allows the xray:%s action", p.arn, action, action))
		return
	}
	var out any
	var e *apiError
	switch action {
	case "PutTraceSegments":
		out, e = a.putSegments(body)
	case "GetTraceSummaries":
		out, e = a.traceSummaries(body)
	case "GetServiceGraph":
		out, e = a.serviceGraph(body)
	case "PutTelemetryRecords":
		out = map[string]any{}
	case "GetSamplingRules":
		out = map[string]any{"SamplingRuleRecords": []any{}}
	case "GetSamplingTargets":
		out = map[string]any{"SamplingTargetDocuments": []any{}, "UnprocessedStatistics": []any{}}
	default:
		e = errf(400, "InvalidRequestException", "%s is not supported by the sandbox", action)
	}
	if e != nil {
		writeJSONError(w, e)
		return
	}
	writeJSON(w, 200, out)
}

func (a *AWS) putSegments(body []byte) (any, *apiError) {
	var in struct {
		TraceSegmentDocuments []string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, errf(400, "InvalidRequestException", "Invalid request body: %v", err)
	}
	type unprocessed struct {
		ID        string `json:"Id,omitempty"`
		ErrorCode string `json:"ErrorCode"`
		Message   string `json:"Message"`
	}
	bad := []unprocessed{}
	for _, doc := range in.TraceSegmentDocuments {
		var s segment
		if err := json.Unmarshal([]byte(doc), &s); err != nil {
			bad = append(bad, unprocessed{ErrorCode: "InvalidSegment", Message: "Segment is not valid JSON"})
			continue
		}
		ep, ok := traceEpoch(s.TraceID)
		switch {
		case len(s.ID) != 16:
			bad = append(bad, unprocessed{ID: s.ID, ErrorCode: "InvalidId", Message: "Invalid segment. ErrorCode: InvalidId"})
			continue
		case !ok:
			bad = append(bad, unprocessed{ID: s.ID, ErrorCode: "InvalidTraceId", Message: "Invalid segment. ErrorCode: InvalidTraceId"})
			continue
		case s.Name == "" || s.StartTime == 0 || (s.EndTime == 0 && !s.InProgress):
			bad = append(bad, unprocessed{ID: s.ID, ErrorCode: "MissingRequiredFields", Message: "Invalid segment. ErrorCode: MissingRequiredFields"})
			continue
		}
		t := a.xr.traces[s.TraceID]
		if t == nil {
			t = &xtrace{id: s.TraceID, epoch: ep}
			a.xr.traces[s.TraceID] = t
		}
		t.add(&s)
		a.xr.segments++
	}
	return map[string]any{"UnprocessedTraceSegments": bad}, nil
}

// summaryCursor is the NextToken: the position of the last summary handed
// out, so traces that land while a client pages never shift the pages.
type summaryCursor struct {
	Key float64 `json:"k"`
	ID  string  `json:"i"`
}

func (a *AWS) traceSummaries(body []byte) (any, *apiError) {
	var in struct {
		StartTime, EndTime float64
		TimeRangeType      string
		FilterExpression   string
		NextToken          string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, errf(400, "InvalidRequestException", "Invalid request body: %v", err)
	}
	if in.EndTime < in.StartTime {
		return nil, errf(400, "InvalidRequestException", "End time must be after start time")
	}
	var filter filterExpr
	if in.FilterExpression != "" {
		f, err := parseFilter(in.FilterExpression)
		if err != nil {
			return nil, errf(400, "InvalidRequestException", "Invalid filter expression: %v", err)
		}
		filter = f
	}
	var cur *summaryCursor
	if in.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		cur = &summaryCursor{}
		if err != nil || json.Unmarshal(raw, cur) != nil {
			return nil, errf(400, "InvalidRequestException", "Invalid NextToken")
		}
	}
	byTraceID := in.TimeRangeType == "TraceId"
	key := func(t *xtrace) float64 {
		if byTraceID {
			return float64(t.epoch)
		}
		return t.start
	}
	var hits []*xtrace
	processed := 0
	for _, t := range a.xr.traces {
		k := key(t)
		if byTraceID {
			if k < math.Floor(in.StartTime) || k > in.EndTime {
				continue
			}
		} else if t.start < in.StartTime || t.start > in.EndTime {
			continue
		}
		processed++
		if filter != nil && !filter(t) {
			continue
		}
		if cur != nil && (k > cur.Key || k == cur.Key && t.id >= cur.ID) {
			continue
		}
		hits = append(hits, t)
	}
	// Newest first; ties by id, so the order is total.
	sort.Slice(hits, func(i, j int) bool {
		ki, kj := key(hits[i]), key(hits[j])
		if ki != kj {
			return ki > kj
		}
		return hits[i].id > hits[j].id
	})
	out := map[string]any{"ApproximateTime": epoch(a.o.Now()), "TracesProcessedCount": processed}
	if len(hits) > a.xr.pageSize {
		last := hits[a.xr.pageSize-1]
		raw, _ := json.Marshal(summaryCursor{Key: key(last), ID: last.id})
		out["NextToken"] = base64.RawURLEncoding.EncodeToString(raw)
		hits = hits[:a.xr.pageSize]
	}
	sums := make([]map[string]any, 0, len(hits))
	for _, t := range hits {
		sums = append(sums, a.summary(t))
	}
	out["TraceSummaries"] = sums
	return out, nil
}

func (a *AWS) serviceID(s *segment) map[string]any {
	return map[string]any{"Name": s.Name, "Names": []string{s.Name}, "Type": serviceType(s), "AccountId": a.o.AccountID}
}

func serviceType(s *segment) string {
	if s.Origin != "" {
		return s.Origin
	}
	return "AWS::EKS::Container"
}

func (a *AWS) summary(t *xtrace) map[string]any {
	root := t.root
	var ids []map[string]any
	seen := map[string]bool{}
	for _, s := range t.segments {
		if !seen[s.Name] {
			seen[s.Name] = true
			ids = append(ids, a.serviceID(s))
		}
	}
	out := map[string]any{
		"Id": t.id, "Duration": round3(t.end - t.start), "ResponseTime": round3(root.EndTime - root.StartTime),
		"HasError": t.hasErr, "HasFault": t.hasFault, "HasThrottle": t.hasThrottle, "IsPartial": false,
		"ServiceIds": ids, "EntryPoint": a.serviceID(root), "StartTime": root.StartTime, "Revision": len(t.segments),
		"Annotations": map[string]any{}, "Users": []any{},
	}
	if root.HTTP != nil {
		h := map[string]any{}
		if rq := root.HTTP.Request; rq != nil {
			h["HttpURL"], h["HttpMethod"], h["ClientIp"], h["UserAgent"] = rq.URL, rq.Method, rq.ClientIP, rq.UserAgent
		}
		if st := root.status(); st != 0 {
			h["HttpStatus"] = st
		}
		out["Http"] = h
	}
	return out
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// ---- the service graph

type edgeKey struct{ from, to string }

type stats struct {
	ok, errOther, throttle, fault, total int
	respTime                             float64
}

func (s *stats) add(status int, e, f, t bool, d float64) {
	s.total++
	s.respTime += d
	switch {
	case f || status >= 500:
		s.fault++
	case t || status == 429:
		s.throttle++
	case e || status >= 400:
		s.errOther++
	default:
		s.ok++
	}
}

func (s *stats) json() map[string]any {
	return map[string]any{
		"OkCount":           s.ok,
		"ErrorStatistics":   map[string]any{"ThrottleCount": s.throttle, "OtherCount": s.errOther, "TotalCount": s.throttle + s.errOther},
		"FaultStatistics":   map[string]any{"OtherCount": s.fault, "TotalCount": s.fault},
		"TotalCount":        s.total,
		"TotalResponseTime": round3(s.respTime),
	}
}

func (a *AWS) serviceGraph(body []byte) (any, *apiError) {
	var in struct{ StartTime, EndTime float64 }
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, errf(400, "InvalidRequestException", "Invalid request body: %v", err)
	}
	nodes := map[string]*stats{}
	types := map[string]string{}
	edges := map[edgeKey]*stats{}
	roots := map[string]*stats{}
	for _, t := range a.xr.traces {
		if t.end < in.StartTime || t.start > in.EndTime {
			continue
		}
		byID := map[string]*segment{}
		owner := map[string]*segment{} // subsegment id → its segment
		var walk func(seg, s *segment)
		walk = func(seg, s *segment) {
			for _, sub := range s.Subsegments {
				byID[sub.ID] = sub
				owner[sub.ID] = seg
				walk(seg, sub)
			}
		}
		for _, s := range t.segments {
			walk(s, s)
		}
		children := map[string]bool{}
		for _, s := range t.segments {
			e, f, th := s.flags()
			d := s.EndTime - s.StartTime
			if nodes[s.Name] == nil {
				nodes[s.Name] = &stats{}
				types[s.Name] = serviceType(s)
			}
			nodes[s.Name].add(s.status(), e, f, th, d)
			if s.ParentID == "" {
				if roots[s.Name] == nil {
					roots[s.Name] = &stats{}
				}
				roots[s.Name].add(s.status(), e, f, th, d)
				continue
			}
			if parent := owner[s.ParentID]; parent != nil {
				children[s.ParentID] = true
				k := edgeKey{parent.Name, s.Name}
				if edges[k] == nil {
					edges[k] = &stats{}
				}
				edges[k].add(s.status(), e, f, th, d)
			}
		}
		// Remote calls with no traced service behind them: inferred nodes.
		for id, sub := range byID {
			if sub.Namespace != "remote" && sub.Namespace != "aws" || children[id] {
				continue
			}
			e, f, th := sub.flags()
			d := sub.EndTime - sub.StartTime
			if nodes[sub.Name] == nil {
				nodes[sub.Name] = &stats{}
				types[sub.Name] = "remote"
			}
			nodes[sub.Name].add(sub.status(), e, f, th, d)
			k := edgeKey{owner[id].Name, sub.Name}
			if edges[k] == nil {
				edges[k] = &stats{}
			}
			edges[k].add(sub.status(), e, f, th, d)
		}
	}
	names := make([]string, 0, len(nodes))
	for n := range nodes {
		names = append(names, n)
	}
	sort.Strings(names)
	ref := map[string]int{}
	for i, n := range names {
		ref[n] = i + 1
	}
	start, end := in.StartTime, in.EndTime
	var services []map[string]any
	if len(roots) > 0 {
		var es []map[string]any
		rootNames := make([]string, 0, len(roots))
		for n := range roots {
			rootNames = append(rootNames, n)
		}
		sort.Strings(rootNames)
		for _, n := range rootNames {
			es = append(es, map[string]any{"ReferenceId": ref[n], "StartTime": start, "EndTime": end, "SummaryStatistics": roots[n].json(), "ResponseTimeHistogram": []any{}, "Aliases": []any{}})
		}
		services = append(services, map[string]any{"ReferenceId": 0, "Name": "client", "Names": []string{}, "Type": "client", "Root": false, "State": "unknown",
			"StartTime": start, "EndTime": end, "Edges": es, "DurationHistogram": []any{}, "ResponseTimeHistogram": []any{}})
	}
	for _, n := range names {
		var es []map[string]any
		for _, to := range names {
			if st := edges[edgeKey{n, to}]; st != nil {
				es = append(es, map[string]any{"ReferenceId": ref[to], "StartTime": start, "EndTime": end, "SummaryStatistics": st.json(), "ResponseTimeHistogram": []any{}, "Aliases": []any{}})
			}
		}
		if es == nil {
			es = []map[string]any{}
		}
		svc := map[string]any{"ReferenceId": ref[n], "Name": n, "Names": []string{n}, "Type": types[n], "Root": roots[n] != nil, "State": "active",
			"AccountId": a.o.AccountID, "StartTime": start, "EndTime": end, "Edges": es, "SummaryStatistics": nodes[n].json(),
			"DurationHistogram": []any{}, "ResponseTimeHistogram": []any{}}
		if types[n] == "remote" {
			delete(svc, "AccountId")
			svc["State"] = "unknown"
		}
		services = append(services, svc)
	}
	if services == nil {
		services = []map[string]any{}
	}
	return map[string]any{"Services": services, "StartTime": start, "EndTime": end, "ContainsOldGroupVersions": false}, nil
}

// ---- filter expressions: the subset the sandbox understands

type filterExpr func(*xtrace) bool

type filterParser struct {
	toks []string
	pos  int
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case strings.ContainsRune("(){}", rune(c)):
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		case strings.ContainsRune("<>=!", rune(c)):
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, s[i:i+2])
				i += 2
			} else {
				toks = append(toks, string(c))
				i++
			}
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n(){}\"<>=!", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

func parseFilter(s string) (filterExpr, error) {
	toks, err := tokenize(s)
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

func (p *filterParser) or() (filterExpr, error) {
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
		l = func(t *xtrace) bool { return a(t) || b(t) }
	}
	return l, nil
}

func (p *filterParser) and() (filterExpr, error) {
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
		l = func(t *xtrace) bool { return a(t) && b(t) }
	}
	return l, nil
}

func (p *filterParser) term() (filterExpr, error) {
	tok := p.next()
	switch strings.ToLower(tok) {
	case "(":
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return f, nil
	case "ok":
		return func(t *xtrace) bool { return !t.hasErr && !t.hasFault && !t.hasThrottle }, nil
	case "error":
		return func(t *xtrace) bool { return t.hasErr }, nil
	case "fault":
		return func(t *xtrace) bool { return t.hasFault }, nil
	case "throttle":
		return func(t *xtrace) bool { return t.hasThrottle }, nil
	case "service":
		if p.next() != "(" {
			return nil, fmt.Errorf("service needs (\"name\")")
		}
		name := p.next()
		if len(name) < 2 || name[0] != '"' {
			return nil, fmt.Errorf("service needs a quoted name")
		}
		name = name[1 : len(name)-1]
		if p.next() != ")" {
			return nil, fmt.Errorf("missing ) after service name")
		}
		kw := ""
		if p.peek() == "{" {
			p.next()
			kw = strings.ToLower(p.next())
			if p.next() != "}" || (kw != "ok" && kw != "error" && kw != "fault" && kw != "throttle") {
				return nil, fmt.Errorf("service(...) { ok | error | fault | throttle }")
			}
		}
		return func(t *xtrace) bool {
			for _, s := range t.segments {
				if s.Name != name {
					continue
				}
				e, f, th := s.flags()
				switch kw {
				case "":
					return true
				case "ok":
					if !e && !f && !th {
						return true
					}
				case "error":
					if e {
						return true
					}
				case "fault":
					if f {
						return true
					}
				case "throttle":
					if th {
						return true
					}
				}
			}
			return false
		}, nil
	case "responsetime", "duration", "http.status":
		op := p.next()
		num, err := strconv.ParseFloat(p.next(), 64)
		if err != nil {
			return nil, fmt.Errorf("%s needs a number", tok)
		}
		field := strings.ToLower(tok)
		val := func(t *xtrace) float64 {
			switch field {
			case "responsetime":
				return t.root.EndTime - t.root.StartTime
			case "duration":
				return t.end - t.start
			}
			return float64(t.root.status())
		}
		cmp := map[string]func(a, b float64) bool{
			">": func(a, b float64) bool { return a > b }, "<": func(a, b float64) bool { return a < b },
			">=": func(a, b float64) bool { return a >= b }, "<=": func(a, b float64) bool { return a <= b },
			"=": func(a, b float64) bool { return a == b }, "!=": func(a, b float64) bool { return a != b },
		}[op]
		if cmp == nil {
			return nil, fmt.Errorf("unknown comparison %q", op)
		}
		return func(t *xtrace) bool { return cmp(val(t), num) }, nil
	}
	if tok == "" {
		return nil, fmt.Errorf("unexpected end")
	}
	return nil, fmt.Errorf("unsupported keyword %q", tok)
}
