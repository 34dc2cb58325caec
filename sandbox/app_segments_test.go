package sandbox

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
)

// TestAppSegmentDocuments reads the documents X-Ray stored (BatchGetTraces
// through the real client) and checks them against the X-Ray segment
// document format, as the SDKs write it: ids of 16 hex digits, trace ids
// 1-<8 hex>-<24 hex>, times, http, flags, origin, SDK, one segment per
// service, each downstream segment's parent_id the id of its caller's
// remote subsegment.
func TestAppSegmentDocuments(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{Seed: 9})
	l.recordAll()
	l.serviceAccount(l.irsa("default", "xray-daemon"))
	l.deployDaemon("us-west-2")
	n, statuses := l.trafficWithEveryOutcome(8)
	l.settle()
	sums := l.summaries()
	if len(sums) != n {
		t.Fatalf("%d traces for %d requests", len(sums), n)
	}
	var ids []string
	for _, s := range sums {
		ids = append(ids, aws.ToString(s.Id))
	}
	xc := xray.NewFromConfig(l.cfg)
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)
	traceID := regexp.MustCompile(`^1-[0-9a-f]{8}-[0-9a-f]{24}$`)
	byStatus := map[int]int{}
	for len(ids) > 0 {
		batch := ids[:min(5, len(ids))]
		ids = ids[len(batch):]
		out, err := xc.BatchGetTraces(context.Background(), &xray.BatchGetTracesInput{TraceIds: batch})
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range out.Traces {
			type httpDoc struct {
				Request struct {
					Method, URL, ClientIP, UserAgent string
				}
				Response struct {
					Status, ContentLength int
				}
			}
			type segDoc struct {
				Name, ID, TraceID, ParentID, Origin, Namespace string
				StartTime, EndTime                             float64
				Error, Fault, Throttle                         bool
				HTTP                                           *httpDoc
				AWS                                            map[string]map[string]any
				Subsegments                                    []segDoc
			}
			segs := map[string]segDoc{}
			subs := map[string]segDoc{} // remote subsegments by id
			for _, raw := range tr.Segments {
				var sd segDoc
				doc := strings.NewReplacer(`"trace_id"`, `"TraceID"`, `"parent_id"`, `"ParentID"`, `"start_time"`, `"StartTime"`, `"end_time"`, `"EndTime"`,
					`"client_ip"`, `"ClientIP"`, `"user_agent"`, `"UserAgent"`, `"content_length"`, `"ContentLength"`).Replace(aws.ToString(raw.Document))
				if err := json.Unmarshal([]byte(doc), &sd); err != nil {
					t.Fatalf("segment %s: %v", aws.ToString(raw.Document), err)
				}
				if !hexID.MatchString(sd.ID) || !traceID.MatchString(sd.TraceID) || sd.TraceID != aws.ToString(tr.Id) ||
					sd.StartTime <= 0 || sd.EndTime < sd.StartTime || sd.Origin != "AWS::EKS::Container" || sd.HTTP == nil ||
					sd.AWS["xray"]["sdk"] == nil || sd.AWS["xray"]["sdk_version"] == nil || sd.AWS["eks"]["pod"] == nil {
					t.Errorf("segment %s", aws.ToString(raw.Document))
				}
				segs[sd.Name] = sd
				for _, sub := range sd.Subsegments {
					if sub.Namespace != "remote" || !hexID.MatchString(sub.ID) || sub.StartTime < sd.StartTime || sub.EndTime > sd.EndTime {
						t.Errorf("subsegment of %s: %+v", sd.Name, sub)
					}
					subs[sub.ID] = sub
				}
			}
			fe, ok := segs["Frontend"]
			if !ok || fe.ParentID != "" || fe.HTTP.Request.ClientIP != "127.0.0.1" || fe.HTTP.Request.UserAgent == "" ||
				!strings.HasPrefix(fe.HTTP.Request.URL, "http://localhost:") || fe.HTTP.Response.ContentLength == 0 {
				t.Fatalf("frontend segment %+v", fe)
			}
			status := fe.HTTP.Response.Status
			byStatus[status]++
			if fe.Error != (status == 404 || status == 429) || fe.Throttle != (status == 429) || fe.Fault != (status == 500) {
				t.Errorf("%d: frontend flags error %v throttle %v fault %v", status, fe.Error, fe.Throttle, fe.Fault)
			}
			for _, pair := range [][2]string{{"Product-Catalog", "prodcatalog"}, {"Product-Detail", "proddetail"}} {
				seg, ok := segs[pair[0]]
				if !ok {
					continue
				}
				sub, ok := subs[seg.ParentID]
				if !ok || sub.Name != pair[1] || sub.HTTP.Response.Status != seg.HTTP.Response.Status ||
					!strings.HasPrefix(seg.HTTP.Request.URL, "http://"+pair[1]+".workshop.svc.cluster.local:") {
					t.Errorf("%s: parent %s is not its caller's subsegment to %s (%+v)", pair[0], seg.ParentID, pair[1], sub)
				}
			}
			if status == 500 && !segs["Product-Detail"].Fault {
				t.Error("a 500 without Product-Detail's fault")
			}
		}
	}
	if !mapsEqual(byStatus, statuses) {
		t.Errorf("documents by status %v, answers %v", byStatus, statuses)
	}
}
