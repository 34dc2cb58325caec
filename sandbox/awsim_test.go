package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/smithy-go"
)

func startAWS(t *testing.T, o AWSOptions) (*AWS, aws.Config) {
	t.Helper()
	a := NewAWS(o)
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(SandboxAccessKeyID, SandboxSecretAccessKey, "")}
}

func TestAWSErrorShapes(t *testing.T) {
	_, cfg := startAWS(t, AWSOptions{})
	ctx := context.Background()
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "123456789012" {
		t.Fatalf("identity: %v %v", id, err)
	}
	ic := iam.NewFromConfig(cfg)
	_, err = ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Errorf("GetRole of a missing role: %v", err)
	}
	if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{}`)})
	var eae *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &eae) {
		t.Errorf("duplicate role: %v", err)
	}
	_, err = eks.NewFromConfig(cfg).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("other")})
	var rnf *ekstypes.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Errorf("missing cluster: %v", err)
	}
	// An unknown access key is refused as real STS does.
	bad := cfg.Copy()
	bad.Credentials = credentials.NewStaticCredentialsProvider("AKIAUNKNOWN000000000", "x", "")
	_, err = sts.NewFromConfig(bad).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidClientTokenId" {
		t.Errorf("unknown key: %v", err)
	}
}

// segmentsFor makes one trace of the sample app's shape: Frontend calls
// Product-Catalog, which calls Product-Detail.
func segmentsFor(at time.Time, status int) []string {
	tid := fmt.Sprintf("1-%08x-%s", at.Unix(), randHex(24))
	feSub, catSub := newID(), newID()
	start := float64(at.UnixNano()) / 1e9
	doc := func(m map[string]any) string { b, _ := json.Marshal(m); return string(b) }
	fe := map[string]any{"name": "Frontend", "id": newID(), "trace_id": tid, "start_time": start, "end_time": start + 0.05,
		"http":        map[string]any{"response": map[string]any{"status": status}},
		"subsegments": []any{map[string]any{"name": "prodcatalog", "id": feSub, "namespace": "remote", "start_time": start + 0.01, "end_time": start + 0.04}}}
	cat := map[string]any{"name": "Product-Catalog", "id": newID(), "trace_id": tid, "parent_id": feSub, "start_time": start + 0.011, "end_time": start + 0.039,
		"subsegments": []any{map[string]any{"name": "proddetail", "id": catSub, "namespace": "remote", "start_time": start + 0.02, "end_time": start + 0.03}}}
	det := map[string]any{"name": "Product-Detail", "id": newID(), "trace_id": tid, "parent_id": catSub, "start_time": start + 0.021, "end_time": start + 0.029,
		"http": map[string]any{"response": map[string]any{"status": status}}}
	return []string{doc(fe), doc(cat), doc(det)}
}

func TestAWSXRayPagingFiltersAndGraph(t *testing.T) {
	a, cfg := startAWS(t, AWSOptions{})
	ctx := context.Background()
	xc := xray.NewFromConfig(cfg)
	base := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	want := map[int]int{}
	for i := 0; i < 250; i++ {
		status := []int{200, 200, 200, 404, 500, 429}[i%6]
		want[status]++
		out, err := xc.PutTraceSegments(ctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: segmentsFor(base.Add(time.Duration(i)*time.Second), status)})
		if err != nil || len(out.UnprocessedTraceSegments) != 0 {
			t.Fatalf("put: %v %+v", err, out)
		}
	}
	if a.Segments() != 750 {
		t.Fatalf("%d segments stored", a.Segments())
	}
	count := func(filter string) (n, pages int, flags map[string]int) {
		flags = map[string]int{}
		in := &xray.GetTraceSummariesInput{StartTime: aws.Time(base.Add(-time.Minute)), EndTime: aws.Time(time.Now()), TimeRangeType: xraytypes.TimeRangeTypeTraceId}
		if filter != "" {
			in.FilterExpression = aws.String(filter)
		}
		p := xray.NewGetTraceSummariesPaginator(xc, in)
		seen := map[string]bool{}
		var last time.Time
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("page: %v", err)
			}
			pages++
			for _, s := range out.TraceSummaries {
				if seen[aws.ToString(s.Id)] {
					t.Fatalf("trace %s on two pages", aws.ToString(s.Id))
				}
				seen[aws.ToString(s.Id)] = true
				if !last.IsZero() && s.StartTime.After(last) {
					t.Fatal("not newest first")
				}
				last = *s.StartTime
				n++
				if aws.ToBool(s.HasFault) {
					flags["fault"]++
				}
				if aws.ToBool(s.HasThrottle) {
					flags["throttle"]++
				}
				if aws.ToBool(s.HasError) && !aws.ToBool(s.HasThrottle) {
					flags["error"]++
				}
				if len(s.ServiceIds) != 3 {
					t.Fatalf("service ids: %+v", s.ServiceIds)
				}
			}
		}
		return
	}
	n, pages, flags := count("")
	if n != 250 || pages != 3 {
		t.Errorf("%d traces on %d pages, want 250 on 3", n, pages)
	}
	if flags["fault"] != want[500] || flags["throttle"] != want[429] || flags["error"] != want[404] {
		t.Errorf("flags %v, want 500:%d 429:%d 404:%d", flags, want[500], want[429], want[404])
	}
	if n, _, _ := count(`service("Product-Detail") { fault }`); n != want[500] {
		t.Errorf("service fault filter: %d", n)
	}
	if n, _, _ := count(`ok OR throttle`); n != want[200]+want[429] {
		t.Errorf("ok OR throttle: %d", n)
	}
	_, err := xc.GetTraceSummaries(ctx, &xray.GetTraceSummariesInput{StartTime: aws.Time(base), EndTime: aws.Time(time.Now()), FilterExpression: aws.String(`annotation.user = "x"`)})
	var ire *xraytypes.InvalidRequestException
	if !errors.As(err, &ire) {
		t.Errorf("unsupported filter: %v, want InvalidRequestException", err)
	}
	g, err := xc.GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: aws.Time(base.Add(-time.Minute)), EndTime: aws.Time(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]xraytypes.Service{}
	for _, s := range g.Services {
		names[aws.ToString(s.Name)] = s
	}
	fe, cat := names["Frontend"], names["Product-Catalog"]
	if len(g.Services) != 4 || len(fe.Edges) != 1 || len(cat.Edges) != 1 || len(names["client"].Edges) != 1 {
		t.Fatalf("graph: %d services, edges fe=%d cat=%d", len(g.Services), len(fe.Edges), len(cat.Edges))
	}
	if got := aws.ToInt64(fe.Edges[0].SummaryStatistics.TotalCount); got != 250 {
		t.Errorf("Frontend → Product-Catalog carries %d calls", got)
	}
	if got := aws.ToInt64(cat.Edges[0].SummaryStatistics.FaultStatistics.TotalCount); got != int64(want[500]) {
		t.Errorf("Product-Catalog → Product-Detail faults %d, want %d", got, want[500])
	}
}

// Injected throttling is retried by the SDK's standard retryer.
func TestAWSFaultsAreRetried(t *testing.T) {
	a, cfg := startAWS(t, AWSOptions{})
	a.SetFaults(Fault{Action: "*", Rate: 0.3, Status: 400, Code: "Throttling", Message: "Rate exceeded"})
	ic := iam.NewFromConfig(cfg, func(o *iam.Options) { o.RetryMaxAttempts = 10 })
	for i := 0; i < 20; i++ {
		if _, err := ic.ListRoles(context.Background(), &iam.ListRolesInput{}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if c := a.Calls()["IAM.ListRoles"]; c <= 20 {
		t.Errorf("%d calls for 20 successes: no throttling was injected", c)
	}
	a.SetFaults(Fault{Action: "IAM.CreateRole", Rate: 1, Status: 403, Code: "AccessDenied", Message: "denied"})
	_, err := ic.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String("{}")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Errorf("injected AccessDenied: %v", err)
	}
}
