package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// awsTReq is one request through the sample app, as the test sends its
// trace: the frontend answers status after rt; 429 is the frontend's own
// rate limit, 404 the catalog's, anything else goes through all three.
type awsTReq struct {
	id     string
	start  time.Time
	status int
	rt     time.Duration
}

var awsTSeq atomic.Int64

func awsTHex(n int) string { return fmt.Sprintf("%0*x", n, awsTSeq.Add(1)) }

func awsTNewReq(start time.Time, status int, rt time.Duration) awsTReq {
	return awsTReq{id: fmt.Sprintf("1-%08x-%s", start.Unix(), awsTHex(24)), start: start, status: status, rt: rt}
}

func awsTEpoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// awsTMark sets the flags the X-Ray SDKs set for a status.
func awsTMark(doc map[string]any, status int) {
	switch classify(status) {
	case statusThrottle:
		doc["error"], doc["throttle"] = true, true
	case statusFault:
		doc["fault"] = true
	case statusError:
		doc["error"] = true
	}
}

// docs are the request's segment documents by service, each a JSON string
// as PutTraceSegments takes them.
func (r awsTReq) docs() map[string]string {
	end := r.start.Add(r.rt)
	eks := map[string]any{"eks": map[string]any{"cluster_name": "eksworkshop-eksctl"}, "xray": map[string]any{"sdk": "X-Ray for Go"}}
	fe := map[string]any{"name": "Frontend", "id": awsTHex(16), "trace_id": r.id, "start_time": awsTEpoch(r.start), "end_time": awsTEpoch(end),
		"aws": eks, "http": map[string]any{
			"request":  map[string]any{"method": "GET", "url": "http://frontend.example/products", "client_ip": "203.0.113.10", "user_agent": "curl/8"},
			"response": map[string]any{"status": r.status}}}
	awsTMark(fe, r.status)
	out := map[string]any{"Frontend": fe}
	if r.status != 429 {
		step := r.rt / 10
		call := map[string]any{"name": "prodcatalog", "id": awsTHex(16), "namespace": "remote", "start_time": awsTEpoch(r.start.Add(step)), "end_time": awsTEpoch(end.Add(-step)),
			"http": map[string]any{"request": map[string]any{"method": "GET", "url": "http://prodcatalog:5000/products/"}, "response": map[string]any{"status": r.status}}}
		awsTMark(call, r.status)
		fe["subsegments"] = []any{call}
		cat := map[string]any{"name": "Product-Catalog", "id": awsTHex(16), "trace_id": r.id, "parent_id": call["id"], "origin": "AWS::EKS::Container",
			"start_time": awsTEpoch(r.start.Add(2 * step)), "end_time": awsTEpoch(end.Add(-2 * step)), "http": map[string]any{"response": map[string]any{"status": r.status}}}
		awsTMark(cat, r.status)
		out["Product-Catalog"] = cat
		if r.status != 404 {
			call2 := map[string]any{"name": "proddetail", "id": awsTHex(16), "namespace": "remote", "start_time": awsTEpoch(r.start.Add(3 * step)), "end_time": awsTEpoch(end.Add(-3 * step)),
				"http": map[string]any{"response": map[string]any{"status": r.status}}}
			awsTMark(call2, r.status)
			cat["subsegments"] = []any{call2}
			det := map[string]any{"name": "Product-Detail", "id": awsTHex(16), "trace_id": r.id, "parent_id": call2["id"], "origin": "AWS::EKS::Container",
				"start_time": awsTEpoch(r.start.Add(4 * step)), "end_time": awsTEpoch(end.Add(-4 * step)), "http": map[string]any{"response": map[string]any{"status": r.status}}}
			awsTMark(det, r.status)
			out["Product-Detail"] = det
		}
	}
	docs := map[string]string{}
	for svc, d := range out {
		b, _ := json.Marshal(d)
		docs[svc] = string(b)
	}
	return docs
}

// awsTPut uploads documents in batches of 50 and fails on any refused one.
func awsTPut(t *testing.T, xc *xray.Client, docs []string) {
	t.Helper()
	for len(docs) > 0 {
		n := min(50, len(docs))
		out, err := xc.PutTraceSegments(context.Background(), &xray.PutTraceSegmentsInput{TraceSegmentDocuments: docs[:n]})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.UnprocessedTraceSegments) != 0 {
			t.Fatalf("unprocessed: %+v", out.UnprocessedTraceSegments)
		}
		docs = docs[n:]
	}
}

// awsTSend uploads the requests' traces, each service's segments in a
// batch of their own (downstream services first), as three daemons would.
func awsTSend(t *testing.T, xc *xray.Client, reqs []awsTReq) {
	t.Helper()
	by := map[string][]string{}
	for _, r := range reqs {
		for svc, d := range r.docs() {
			by[svc] = append(by[svc], d)
		}
	}
	for _, svc := range []string{"Product-Detail", "Product-Catalog", "Frontend"} {
		awsTPut(t, xc, by[svc])
	}
}

// awsTSummaries pages GetTraceSummaries with the SDK's paginator; processed
// adds up the pages' TracesProcessedCount.
func awsTSummaries(t *testing.T, xc *xray.Client, in *xray.GetTraceSummariesInput) (sums []xraytypes.TraceSummary, pages []int, processed int64) {
	t.Helper()
	for p := xray.NewGetTraceSummariesPaginator(xc, in); p.HasMorePages(); {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		processed += aws.ToInt64(page.TracesProcessedCount)
		pages = append(pages, len(page.TraceSummaries))
		sums = append(sums, page.TraceSummaries...)
	}
	return sums, pages, processed
}

// X-Ray writes need the right principal: the node role and a role without
// the write policy are denied, the IRSA role with it is accepted.
func TestAWSXRayWriteAccess(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	ctx := context.Background()
	r := awsTNewReq(time.Now().Add(-time.Minute), 200, 100*time.Millisecond)
	docs := []string{r.docs()["Frontend"]}

	_, err := xray.NewFromConfig(awsTAs(cfg, NodeAccessKeyID, "x", "")).PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: docs})
	code, status := awsTCode(t, err)
	want := "User: arn:aws:sts::123456789012:assumed-role/eksctl-eksworkshop-eksctl-nodegroup-NodeInstanceRole/i-0node is not authorized to perform: " +
		"xray:PutTraceSegments because no identity-based policy allows the xray:PutTraceSegments action"
	var ae interface{ ErrorMessage() string }
	if code != "AccessDeniedException" || status != 403 || !errors.As(err, &ae) || ae.ErrorMessage() != want {
		t.Errorf("node role: %s %d %v", code, status, err)
	}

	issuer := a.Issuer("eksworkshop-eksctl")
	anon := cfg
	anon.Credentials = aws.AnonymousCredentials{}
	irsa := func(roleARN string) *xray.Client {
		token := awsTToken(issuer, "system:serviceaccount:default:xray-daemon", []string{"sts.amazonaws.com"}, time.Now().Add(time.Hour))
		c := cfg
		c.Credentials = aws.NewCredentialsCache(stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(anon), roleARN, awsTTokenFunc(token)))
		return xray.NewFromConfig(c)
	}
	bare := awsTIRSA(t, cfg, issuer, "no-policy", "default", "xray-daemon")
	_, err = irsa(bare).PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: docs})
	if code, _ := awsTCode(t, err); code != "AccessDeniedException" || !strings.Contains(err.Error(), "assumed-role/no-policy/") {
		t.Errorf("role without the policy: %v", err)
	}
	writer := irsa(awsTIRSA(t, cfg, issuer, "xray-writer", "default", "xray-daemon", awsTWritePolicy))
	out, err := writer.PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: docs})
	if err != nil || len(out.UnprocessedTraceSegments) != 0 {
		t.Fatalf("IRSA role with the write policy: %v %v", out, err)
	}
	if a.Segments() != 1 {
		t.Errorf("%d segments stored", a.Segments())
	}
	// The write policy does not read.
	_, err = writer.GetTraceSummaries(ctx, &xray.GetTraceSummariesInput{StartTime: aws.Time(time.Now().Add(-time.Hour)), EndTime: aws.Time(time.Now())})
	if code, _ := awsTCode(t, err); code != "AccessDeniedException" || !strings.Contains(err.Error(), "xray:GetTraceSummaries") {
		t.Errorf("reading with the write policy: %v", err)
	}
	// The daemon's sampling calls are in the write policy.
	rules, err := writer.GetSamplingRules(ctx, &xray.GetSamplingRulesInput{})
	if err != nil || len(rules.SamplingRuleRecords) != 1 || aws.ToString(rules.SamplingRuleRecords[0].SamplingRule.RuleName) != "Default" ||
		rules.SamplingRuleRecords[0].SamplingRule.FixedRate != 0.05 || rules.SamplingRuleRecords[0].SamplingRule.ReservoirSize != 1 {
		t.Errorf("sampling rules %+v %v", rules, err)
	}
	// Attaching the policy later lets the next upload through: IAM is
	// read on every call.
	if _, err := iam.NewFromConfig(cfg).AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("no-policy"), PolicyArn: aws.String(awsTWritePolicy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := irsa(bare).PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: []string{r.docs()["Frontend"]}}); err != nil {
		t.Errorf("after attaching: %v", err)
	}
}

// PutTraceSegments refuses bad documents one by one, as X-Ray does, and
// keeps the rest; a completed segment replaces its in-progress one.
func TestAWSXRayPutTraceSegments(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	xc, ctx := xray.NewFromConfig(cfg), context.Background()
	now := time.Now()
	tid := fmt.Sprintf("1-%08x-%024x", now.Unix(), 7)
	doc := func(m map[string]any) string { b, _ := json.Marshal(m); return string(b) }
	good := map[string]any{"name": "Frontend", "id": "00000000000000a1", "trace_id": tid, "start_time": awsTEpoch(now.Add(-time.Second)), "end_time": awsTEpoch(now)}
	with := func(k string, v any) string {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m["id"] = "00000000000000b2"
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return doc(m)
	}
	inProgress := map[string]any{"name": "Product-Catalog", "id": "00000000000000c3", "trace_id": tid, "parent_id": "00000000000000a1",
		"start_time": awsTEpoch(now.Add(-time.Second)), "in_progress": true}
	out, err := xc.PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: []string{
		doc(good),
		"{not json",
		with("id", nil),
		with("id", "xyz"),
		with("trace_id", "1-zz-00"),
		with("trace_id", fmt.Sprintf("1-%08x-%024x", now.Add(-40*24*time.Hour).Unix(), 1)),
		with("name", nil),
		with("name", "bad<name>"),
		with("start_time", nil),
		with("end_time", nil),
		doc(inProgress),
	}})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, u := range out.UnprocessedTraceSegments {
		codes = append(codes, aws.ToString(u.ErrorCode))
		if !strings.HasPrefix(aws.ToString(u.Message), "Invalid segment. ErrorCode: ") {
			t.Errorf("message %q", aws.ToString(u.Message))
		}
	}
	want := []string{"JSONFormatError", "MissingId", "InvalidId", "InvalidTraceId", "InvalidTraceId", "MissingName", "InvalidName", "MissingStartTime", "MissingEndTime"}
	if !slices.Equal(codes, want) {
		t.Errorf("refused %v, want %v", codes, want)
	}
	if got := aws.ToString(out.UnprocessedTraceSegments[2].Id); got != "xyz" {
		t.Errorf("the refused segment's id: %q", got)
	}
	if a.Segments() != 2 {
		t.Errorf("%d segments stored, want 2", a.Segments())
	}
	window := &xray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-time.Minute)), EndTime: aws.Time(now.Add(time.Minute))}
	sums, _, _ := awsTSummaries(t, xc, window)
	if len(sums) != 1 || !aws.ToBool(sums[0].IsPartial) {
		t.Fatalf("summaries %+v", sums)
	}
	delete(inProgress, "in_progress")
	inProgress["end_time"] = awsTEpoch(now.Add(-time.Second / 2))
	awsTPut(t, xc, []string{doc(inProgress)})
	sums, _, _ = awsTSummaries(t, xc, window)
	if a.Segments() != 2 || len(sums) != 1 || aws.ToBool(sums[0].IsPartial) || len(sums[0].ServiceIds) != 2 {
		t.Errorf("after completing: %d segments, %+v", a.Segments(), sums)
	}
	bt, err := xc.BatchGetTraces(ctx, &xray.BatchGetTracesInput{TraceIds: []string{tid, "1-00000000-000000000000000000000000"}})
	if err != nil || len(bt.Traces) != 1 || len(bt.Traces[0].Segments) != 2 || len(bt.UnprocessedTraceIds) != 1 {
		t.Errorf("BatchGetTraces %+v %v", bt, err)
	}

	// Traces sent to another region are X-Ray's in that region only.
	east := cfg
	east.Region = "us-east-1"
	r := awsTNewReq(now, 200, 50*time.Millisecond)
	awsTPut(t, xray.NewFromConfig(east), []string{r.docs()["Frontend"]})
	if sums, _, _ := awsTSummaries(t, xc, window); len(sums) != 1 {
		t.Errorf("%d traces in us-west-2 after an upload to us-east-1", len(sums))
	}
	if sums, _, _ := awsTSummaries(t, xray.NewFromConfig(east), window); len(sums) != 1 || aws.ToString(sums[0].Id) != r.id {
		t.Errorf("us-east-1: %+v", sums)
	}
}

// 250 traces: three pages of at most 100, newest first, each trace once,
// and the error, fault and throttle counts exact.
func TestAWSXRayTraceSummariesPaging(t *testing.T) {
	_, cfg := awsTStart(t, AWSOptions{})
	xc := xray.NewFromConfig(cfg)
	base := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	var reqs []awsTReq
	for i := range 250 {
		status := map[int]int{0: 500, 1: 404, 2: 429}[i%10]
		if status == 0 {
			status = 200
		}
		reqs = append(reqs, awsTNewReq(base.Add(time.Duration(i)*time.Second), status, time.Duration(100+100*(i%5))*time.Millisecond))
	}
	awsTSend(t, xc, reqs)
	sums, pages, processed := awsTSummaries(t, xc, &xray.GetTraceSummariesInput{StartTime: aws.Time(base.Add(-time.Second)), EndTime: aws.Time(base.Add(5 * time.Minute))})
	if !slices.Equal(pages, []int{100, 100, 50}) || processed != 250 {
		t.Fatalf("pages %v, processed %d", pages, processed)
	}
	seen := map[string]bool{}
	var errs, faults, throttles int
	for i, s := range sums {
		id := aws.ToString(s.Id)
		if seen[id] {
			t.Errorf("trace %s twice", id)
		}
		seen[id] = true
		if i > 0 && !s.StartTime.Before(*sums[i-1].StartTime) {
			t.Errorf("summary %d (%v) not older than the one before (%v)", i, s.StartTime, sums[i-1].StartTime)
		}
		if aws.ToBool(s.HasError) {
			errs++
		}
		if aws.ToBool(s.HasFault) {
			faults++
		}
		if aws.ToBool(s.HasThrottle) {
			throttles++
		}
	}
	// 404 and 429 are errors, 429 is also a throttle, 500 a fault.
	if errs != 50 || faults != 25 || throttles != 25 {
		t.Errorf("errors %d, faults %d, throttles %d; want 50, 25, 25", errs, faults, throttles)
	}
	newest, last := sums[0], reqs[len(reqs)-1]
	if aws.ToString(newest.Id) != last.id {
		t.Fatalf("newest %s, want %s", aws.ToString(newest.Id), last.id)
	}
	var svcs []string
	for _, id := range newest.ServiceIds {
		svcs = append(svcs, aws.ToString(id.Name))
		if aws.ToString(id.Type) != "AWS::EKS::Container" || aws.ToString(id.AccountId) != "123456789012" {
			t.Errorf("service id %+v", id)
		}
	}
	sort.Strings(svcs)
	h := newest.Http
	if !slices.Equal(svcs, []string{"Frontend", "Product-Catalog", "Product-Detail"}) || aws.ToString(newest.EntryPoint.Name) != "Frontend" ||
		h == nil || aws.ToString(h.HttpURL) != "http://frontend.example/products" || aws.ToInt32(h.HttpStatus) != 200 || aws.ToString(h.HttpMethod) != "GET" ||
		aws.ToString(h.ClientIp) != "203.0.113.10" || aws.ToString(h.UserAgent) != "curl/8" ||
		math.Abs(aws.ToFloat64(newest.ResponseTime)-last.rt.Seconds()) > 0.002 || math.Abs(aws.ToFloat64(newest.Duration)-last.rt.Seconds()) > 0.002 {
		t.Errorf("newest summary %+v http %+v services %v", newest, h, svcs)
	}
	// A NextToken that is not one.
	_, err := xc.GetTraceSummaries(context.Background(), &xray.GetTraceSummariesInput{StartTime: aws.Time(base), EndTime: aws.Time(base.Add(time.Minute)), NextToken: aws.String("garbage!")})
	var ire *xraytypes.InvalidRequestException
	if !errors.As(err, &ire) {
		t.Errorf("bad NextToken: %v", err)
	}
}

// TimeRangeType TraceId selects by the time in the trace id, Event by the
// segments' times.
func TestAWSXRayTimeRangeType(t *testing.T) {
	_, cfg := awsTStart(t, AWSOptions{})
	xc := xray.NewFromConfig(cfg)
	w := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	// byID's id is inside the window, its segments four hours later; byEvent
	// the other way round.
	byID := awsTNewReq(w.Add(10*time.Second), 200, 50*time.Millisecond)
	byID.start = w.Add(4 * time.Hour)
	byEvent := awsTNewReq(w.Add(-4*time.Hour), 200, 50*time.Millisecond)
	byEvent.start = w.Add(20 * time.Second)
	awsTSend(t, xc, []awsTReq{byID, byEvent})
	in := func(typ xraytypes.TimeRangeType) []string {
		sums, _, _ := awsTSummaries(t, xc, &xray.GetTraceSummariesInput{StartTime: aws.Time(w), EndTime: aws.Time(w.Add(time.Minute)), TimeRangeType: typ})
		var ids []string
		for _, s := range sums {
			ids = append(ids, aws.ToString(s.Id))
		}
		return ids
	}
	if got := in(xraytypes.TimeRangeTypeTraceId); !slices.Equal(got, []string{byID.id}) {
		t.Errorf("TraceId: %v, want %v", got, byID.id)
	}
	if got := in(xraytypes.TimeRangeTypeEvent); !slices.Equal(got, []string{byEvent.id}) {
		t.Errorf("Event: %v, want %v", got, byEvent.id)
	}
	if got := in(""); !slices.Equal(got, []string{byEvent.id}) {
		t.Errorf("default (Event): %v", got)
	}
}

// The filter expressions the sandbox knows select exactly; any other is
// refused with InvalidRequestException, never matched silently.
func TestAWSXRayFilterExpressions(t *testing.T) {
	_, cfg := awsTStart(t, AWSOptions{})
	xc := xray.NewFromConfig(cfg)
	base := time.Now().Add(-5 * time.Minute).Truncate(time.Second)
	statuses := []int{200, 200, 500, 404, 429, 200}
	var reqs []awsTReq
	for i := range 60 {
		reqs = append(reqs, awsTNewReq(base.Add(time.Duration(i)*time.Second), statuses[i%len(statuses)], time.Duration(100+100*(i%5))*time.Millisecond))
	}
	awsTSend(t, xc, reqs)
	rt := func(r awsTReq) float64 { return r.rt.Seconds() }
	cases := map[string]func(r awsTReq) bool{
		`ok`:                                   func(r awsTReq) bool { return r.status == 200 },
		`error`:                                func(r awsTReq) bool { return r.status == 404 || r.status == 429 },
		`fault`:                                func(r awsTReq) bool { return r.status == 500 },
		`throttle`:                             func(r awsTReq) bool { return r.status == 429 },
		`service("Product-Detail")`:            func(r awsTReq) bool { return r.status == 200 || r.status == 500 },
		`service("Product-Detail") { fault }`:  func(r awsTReq) bool { return r.status == 500 },
		`service("Product-Catalog") { error }`: func(r awsTReq) bool { return r.status == 404 },
		`service("Product-Catalog") { ok }`:    func(r awsTReq) bool { return r.status == 200 },
		`service("Frontend") { throttle }`:     func(r awsTReq) bool { return r.status == 429 },
		`service("Nobody")`:                    func(awsTReq) bool { return false },
		`responsetime > 0.35`:                  func(r awsTReq) bool { return rt(r) > 0.35 },
		`responsetime < 0.25`:                  func(r awsTReq) bool { return rt(r) < 0.25 },
		`duration >= 0.29`:                     func(r awsTReq) bool { return rt(r) >= 0.29 },
		`http.status = 404`:                    func(r awsTReq) bool { return r.status == 404 },
		`http.status != 200`:                   func(r awsTReq) bool { return r.status != 200 },
		`fault OR throttle`:                    func(r awsTReq) bool { return r.status == 500 || r.status == 429 },
		`(error OR fault) AND responsetime < 0.25`: func(r awsTReq) bool {
			return (r.status == 404 || r.status == 429 || r.status == 500) && rt(r) < 0.25
		},
		`service("Frontend") { fault } and service("Product-Catalog") { fault }`: func(r awsTReq) bool { return r.status == 500 },
		`ok || (throttle && responsetime > 0.35)`:                                func(r awsTReq) bool { return r.status == 200 || r.status == 429 && rt(r) > 0.35 },
	}
	window := func(f string) *xray.GetTraceSummariesInput {
		return &xray.GetTraceSummariesInput{StartTime: aws.Time(base.Add(-time.Second)), EndTime: aws.Time(base.Add(2 * time.Minute)), FilterExpression: aws.String(f)}
	}
	for expr, match := range cases {
		want := map[string]bool{}
		for _, r := range reqs {
			if match(r) {
				want[r.id] = true
			}
		}
		sums, _, processed := awsTSummaries(t, xc, window(expr))
		got := map[string]bool{}
		for _, s := range sums {
			got[aws.ToString(s.Id)] = true
		}
		if len(got) != len(want) || len(sums) != len(want) {
			t.Errorf("%s: %d traces, want %d", expr, len(sums), len(want))
			continue
		}
		for id := range want {
			if !got[id] {
				t.Errorf("%s: %s missing", expr, id)
			}
		}
		if len(want) > 0 && processed != 60 {
			t.Errorf("%s: TracesProcessedCount %d, want 60 (the filter does not change it)", expr, processed)
		}
	}
	for _, expr := range []string{`annotation.user = "alice"`, `service("Frontend"`, `edge("Frontend", "Product-Catalog")`, `responsetime >`,
		`ok AND`, `http.url CONTAINS "products"`, `service(Frontend)`, `!ok`, `fault } ok`} {
		_, err := xc.GetTraceSummaries(context.Background(), window(expr))
		var ire *xraytypes.InvalidRequestException
		if !errors.As(err, &ire) || !strings.HasPrefix(ire.ErrorMessage(), "Invalid filter expression") {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if _, status := awsTCode(t, err); status != 400 {
			t.Errorf("%s: status %d", expr, status)
		}
	}
}

// The service map of the sample app: client → Frontend → Product-Catalog
// → Product-Detail, each node and edge counting what it saw.
func TestAWSXRayServiceGraph(t *testing.T) {
	_, cfg := awsTStart(t, AWSOptions{})
	xc, ctx := xray.NewFromConfig(cfg), context.Background()
	base := time.Now().Add(-3 * time.Minute).Truncate(time.Second)
	var reqs []awsTReq
	for i, st := range []int{200, 200, 500, 200, 404, 200, 429, 200, 500, 200} {
		reqs = append(reqs, awsTNewReq(base.Add(time.Duration(i)*time.Second), st, 200*time.Millisecond))
	}
	awsTSend(t, xc, reqs)
	g, err := xc.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: aws.Time(base.Add(-time.Second)), EndTime: aws.Time(base.Add(time.Minute))})
	if err != nil {
		t.Fatal(err)
	}
	byName, byRef := map[string]xraytypes.Service{}, map[int32]string{}
	edges := 0
	for _, s := range g.Services {
		byName[aws.ToString(s.Name)] = s
		byRef[aws.ToInt32(s.ReferenceId)] = aws.ToString(s.Name)
		edges += len(s.Edges)
	}
	if len(g.Services) != 4 || edges != 3 {
		t.Fatalf("%d services, %d edges: %v", len(g.Services), edges, byRef)
	}
	type counts struct{ total, ok, errOther, throttle, fault int64 }
	statsOf := func(total, ok *int64, es *xraytypes.ErrorStatistics, fs *xraytypes.FaultStatistics) counts {
		return counts{aws.ToInt64(total), aws.ToInt64(ok), aws.ToInt64(es.OtherCount), aws.ToInt64(es.ThrottleCount), aws.ToInt64(fs.TotalCount)}
	}
	edgeTo := func(from, to string) counts {
		t.Helper()
		for _, e := range byName[from].Edges {
			if byRef[aws.ToInt32(e.ReferenceId)] == to {
				s := e.SummaryStatistics
				if e.StartTime == nil || e.EndTime == nil || len(e.ResponseTimeHistogram) == 0 {
					t.Errorf("edge %s → %s: %+v", from, to, e)
				}
				return statsOf(s.TotalCount, s.OkCount, s.ErrorStatistics, s.FaultStatistics)
			}
		}
		t.Errorf("no edge %s → %s", from, to)
		return counts{}
	}
	// 10 requests: 6 ok, 2 faults, one 404 (the catalog's), one 429 (the
	// frontend's own).
	want := map[[2]string]counts{
		{"client", "Frontend"}:                {10, 6, 1, 1, 2},
		{"Frontend", "Product-Catalog"}:       {9, 6, 1, 0, 2},
		{"Product-Catalog", "Product-Detail"}: {8, 6, 0, 0, 2},
	}
	for k, w := range want {
		if got := edgeTo(k[0], k[1]); got != w {
			t.Errorf("edge %s → %s: %+v, want %+v", k[0], k[1], got, w)
		}
	}
	nodes := map[string]counts{"Frontend": {10, 6, 1, 1, 2}, "Product-Catalog": {9, 6, 1, 0, 2}, "Product-Detail": {8, 6, 0, 0, 2}}
	for name, w := range nodes {
		s := byName[name]
		st := s.SummaryStatistics
		if st == nil {
			t.Errorf("%s has no statistics", name)
			continue
		}
		if got := statsOf(st.TotalCount, st.OkCount, st.ErrorStatistics, st.FaultStatistics); got != w {
			t.Errorf("node %s: %+v, want %+v", name, got, w)
		}
		if aws.ToString(s.Type) != "AWS::EKS::Container" || aws.ToString(s.State) != "active" || aws.ToString(s.AccountId) != "123456789012" ||
			!slices.Equal(s.Names, []string{name}) || aws.ToBool(s.Root) != (name == "Frontend") || s.StartTime == nil || s.EndTime == nil {
			t.Errorf("node %s: %+v", name, s)
		}
	}
	if c := byName["client"]; aws.ToString(c.Type) != "client" || len(c.Edges) != 1 {
		t.Errorf("client node %+v", c)
	}
	fe := byName["client"].Edges[0].SummaryStatistics
	if math.Abs(aws.ToFloat64(fe.TotalResponseTime)-2.0) > 0.01 {
		t.Errorf("client → Frontend response time %v, want 2.0 s", aws.ToFloat64(fe.TotalResponseTime))
	}

	// A call out of the app with no traced service behind it: an inferred
	// node, named by the subsegment.
	early := base.Add(-20 * time.Minute)
	r := awsTNewReq(early, 200, 100*time.Millisecond)
	var det map[string]any
	_ = json.Unmarshal([]byte(r.docs()["Product-Detail"]), &det)
	det["subsegments"] = []any{map[string]any{"name": "payments.example.com", "id": awsTHex(16), "namespace": "remote",
		"start_time": awsTEpoch(early.Add(40 * time.Millisecond)), "end_time": awsTEpoch(early.Add(50 * time.Millisecond)),
		"http": map[string]any{"response": map[string]any{"status": 503}}, "fault": true}}
	b, _ := json.Marshal(det)
	awsTPut(t, xc, []string{string(b)})
	g, err = xc.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: aws.Time(early.Add(-time.Second)), EndTime: aws.Time(early.Add(time.Second))})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range g.Services {
		if aws.ToString(s.Name) == "payments.example.com" {
			found = true
			if aws.ToString(s.Type) != "remote" || aws.ToInt64(s.SummaryStatistics.FaultStatistics.TotalCount) != 1 {
				t.Errorf("inferred node %+v", s)
			}
		}
	}
	if !found {
		t.Errorf("no inferred node in %+v", g.Services)
	}
}

// The X-Ray SDK for Go, under load, sends a segment twice, the second copy
// listing its remote call twice (the same id): one call, answered by the
// traced service, so no inferred node beside it.
func TestAWSXRayDuplicateSubsegment(t *testing.T) {
	_, cfg := awsTStart(t, AWSOptions{})
	xc, ctx := xray.NewFromConfig(cfg), context.Background()
	now := time.Now()
	tid := fmt.Sprintf("1-%08x-%s", now.Unix(), awsTHex(24))
	ep := func(d time.Duration) float64 { return awsTEpoch(now.Add(d)) }
	call := map[string]any{"id": "00000000000000c1", "name": "catalog:8080", "namespace": "remote", "start_time": ep(time.Millisecond), "end_time": ep(9 * time.Millisecond),
		"http": map[string]any{"response": map[string]any{"status": 200}}}
	front := func(calls ...any) string {
		b, _ := json.Marshal(map[string]any{"trace_id": tid, "id": "00000000000000f1", "name": "Frontend", "start_time": ep(0), "end_time": ep(10 * time.Millisecond),
			"subsegments": calls})
		return string(b)
	}
	catalog, _ := json.Marshal(map[string]any{"trace_id": tid, "id": "00000000000000d1", "parent_id": "00000000000000c1", "name": "Product-Catalog",
		"start_time": ep(2 * time.Millisecond), "end_time": ep(8 * time.Millisecond)})
	awsTPut(t, xc, []string{string(catalog), front(call), front(call, call)})
	g, err := xc.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: aws.Time(now.Add(-time.Minute)), EndTime: aws.Time(now.Add(time.Minute))})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range g.Services {
		names = append(names, aws.ToString(s.Name))
		for _, e := range s.Edges {
			if n := aws.ToInt64(e.SummaryStatistics.TotalCount); n != 1 {
				t.Errorf("%s's edge to %d: %d calls", aws.ToString(s.Name), aws.ToInt32(e.ReferenceId), n)
			}
		}
	}
	if !slices.Equal(names, []string{"client", "Frontend", "Product-Catalog"}) {
		t.Errorf("services %v", names)
	}
}
