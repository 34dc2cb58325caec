package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"github.com/xray-wizard/xray-wizard/kube"
)

// lab is the workshop's setting in the sandbox: the simulated AWS account,
// the cluster with its sample app, and the learner's SDK clients.
type lab struct {
	t      *testing.T
	aws    *AWS
	cfg    aws.Config
	c      *Cluster
	o      *observer
	issuer string
	start  time.Time
	url    string
}

func newLab(t *testing.T, o ClusterOptions) *lab {
	t.Helper()
	a := NewAWS(AWSOptions{})
	endpoint, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	o.Issuer = a.Issuer("eksworkshop-eksctl")
	o.AWSEndpoint = endpoint
	o.SamplingRules = func() []SamplingRuleState { return a.SamplingRules("us-west-2") }
	o.SamplingReport = func(rule string, at time.Time, sampled bool) { a.ReportSampling("us-west-2", rule, at, sampled) }
	l := &lab{t: t, aws: a, issuer: o.Issuer, start: time.Now().Add(-time.Minute),
		cfg: aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider(SandboxAccessKeyID, SandboxSecretAccessKey, "")}}
	l.c = startCluster(t, o)
	l.o = observe(t, l.c.Clientset())
	l.o.waitFor(t, "the frontend's load balancer", 5*time.Second, func() bool {
		svc, err := l.o.svcs.Services("workshop").Get("frontend")
		if err == nil {
			l.url = frontendURL(svc)
		}
		return l.url != ""
	})
	return l
}

// irsa does what `eksctl utils associate-iam-oidc-provider` and `eksctl
// create iamserviceaccount` do in IAM, through the real IAM client, and
// returns the role's ARN.
func (l *lab) irsa(ns, sa string) string {
	l.t.Helper()
	ctx, ic := context.Background(), iam.NewFromConfig(l.cfg)
	p, err := ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(l.issuer), ClientIDList: []string{"sts.amazonaws.com"},
		ThumbprintList: []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"},
	})
	if err != nil {
		l.t.Fatalf("OIDC provider: %v", err)
	}
	hp := strings.TrimPrefix(l.issuer, "https://")
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"%s:sub":"system:serviceaccount:%s:%s","%s:aud":"sts.amazonaws.com"}}}]}`,
		aws.ToString(p.OpenIDConnectProviderArn), hp, ns, sa, hp)
	r, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("eksctl-eksworkshop-eksctl-addon-iamserviceaccount-Role1"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		l.t.Fatalf("role: %v", err)
	}
	if _, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: r.Role.RoleName, PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess")}); err != nil {
		l.t.Fatalf("policy: %v", err)
	}
	return aws.ToString(r.Role.Arn)
}

// serviceAccount makes the daemon's ServiceAccount, with the role
// annotation when role is not empty.
func (l *lab) serviceAccount(role string) {
	l.t.Helper()
	sa := corev1ac.ServiceAccount("xray-daemon", "default")
	if role != "" {
		sa.WithAnnotations(map[string]string{"eks.amazonaws.com/role-arn": role})
	}
	if _, err := l.c.Clientset().CoreV1().ServiceAccounts("default").Apply(context.Background(), ac(sa), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		l.t.Fatal(err)
	}
}

// applyDaemon applies the daemon's ConfigMap, Service and DaemonSet, as
// `kubectl apply -f xray-k8s-daemonset.yaml` does; deployDaemon also waits
// for a Ready pod on every node.
func (l *lab) applyDaemon(region string) {
	l.t.Helper()
	ctx, cs, opts := context.Background(), l.c.Clientset(), metav1.ApplyOptions{FieldManager: fieldManager}
	applyDaemonConfig(l.t, cs, region)
	if _, err := cs.CoreV1().Services("default").Apply(ctx, ac(corev1ac.Service("xray-service", "default").WithSpec(corev1ac.ServiceSpec().
		WithSelector(map[string]string{"app": "xray-daemon"}).
		WithPorts(corev1ac.ServicePort().WithName("xray-ingest").WithPort(2000).WithProtocol(corev1.ProtocolUDP),
			corev1ac.ServicePort().WithName("xray-tcp").WithPort(2000).WithProtocol(corev1.ProtocolTCP)))), opts); err != nil {
		l.t.Fatal(err)
	}
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), opts); err != nil {
		l.t.Fatal(err)
	}
}

func (l *lab) deployDaemon(region string) {
	l.t.Helper()
	l.applyDaemon(region)
	l.o.waitFor(l.t, "the daemon's pods", 5*time.Second, func() bool { return allReady(l.o.daemonPods("default", "xray-daemon"), 3, nil) })
}

// traffic is what the learner does in the lab: open the app, look at
// products, add some. It returns the statuses the app answered with.
func (l *lab) traffic(n int) map[int]int {
	l.t.Helper()
	statuses := map[int]int{}
	for i := range n {
		var resp *http.Response
		var err error
		switch i % 4 {
		case 0:
			resp, err = http.Get(l.url)
		case 1:
			resp, err = http.Get(l.url + "products")
		case 2:
			resp, err = http.Get(fmt.Sprintf("%sproducts/%d", l.url, i%3+1))
		default:
			resp, err = http.PostForm(l.url+"products", url.Values{"name": {fmt.Sprintf("Product %d", i)}})
		}
		if err != nil {
			l.t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	return statuses
}

// trafficWithEveryOutcome sends at least n requests, and more until the app
// has answered with each of 200, 404, 429 and 500, so the counts below are
// checked on every kind of trace.
func (l *lab) trafficWithEveryOutcome(n int) (int, map[int]int) {
	l.t.Helper()
	sent, statuses := 0, map[int]int{}
	for sent < n || len(statuses) < 4 {
		if sent > 500 {
			l.t.Fatalf("after %d requests the app answered only %v", sent, statuses)
		}
		for code, k := range l.traffic(1) {
			statuses[code] += k
		}
		sent++
	}
	return sent, statuses
}

// summaries are the traces X-Ray has, through the real client and its
// paginator, as the wizard's traces step reads them.
func (l *lab) summaries() []xraytypes.TraceSummary {
	l.t.Helper()
	p := xray.NewGetTraceSummariesPaginator(xray.NewFromConfig(l.cfg), &xray.GetTraceSummariesInput{
		StartTime: aws.Time(l.start), EndTime: aws.Time(time.Now().Add(time.Minute)),
	})
	var out []xraytypes.TraceSummary
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			l.t.Fatalf("GetTraceSummaries: %v", err)
		}
		out = append(out, page.TraceSummaries...)
	}
	return out
}

// settle waits for the daemon to have dealt with every segment it got (sent
// or failed) and two of its flush intervals more.
func (l *lab) settle() {
	l.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, sent, failed := l.c.DaemonStats()
		if got == sent+failed {
			break
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("the daemon still holds segments: received %d, sent %d, failed %d", got, sent, failed)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(2 * daemonFlush)
}

func (l *lab) logHas(s string) bool {
	return slices.ContainsFunc(l.c.DaemonLog(), func(line string) bool { return strings.Contains(line, s) })
}

// waitLog waits for a daemon log line containing s.
func (l *lab) waitLog(s string) {
	l.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !l.logHas(s) {
		if time.Now().After(deadline) {
			l.t.Fatalf("no daemon log line with %q in %q", s, l.c.DaemonLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// daemonLogLine is the daemon's log format; the lines of a multi-line
// message (an SDK error's status code and request id) follow indented.
var daemonLogLine = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[(Info|Error|Warn|Debug)\] |\t|caused by: )`)

func TestAppServesTheCatalog(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{Seed: 7})
	base := c.AppURL()
	get := func(method, path string, form url.Values) (int, string) {
		t.Helper()
		var resp *http.Response
		var err error
		if method == http.MethodPost {
			resp, err = http.PostForm(base+path, form)
		} else {
			resp, err = http.Get(base + path)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		return resp.StatusCode, string(b)
	}
	counted := map[int]int{}
	// Adding a product, as the lab asks: it shows on the next good page.
	added := false
	for i := 0; i < 20 && !added; i++ {
		code, _ := get(http.MethodPost, "products", url.Values{"name": {"Matcha <latte>"}})
		counted[code]++
		added = code == http.StatusOK
	}
	if !added {
		t.Fatalf("no POST /products succeeded: %v", counted)
	}
	for _, path := range []string{"", "products", "products/2", "ping"} {
		for i := 0; ; i++ {
			code, body := get(http.MethodGet, path, nil)
			counted[code]++
			if code != http.StatusOK {
				if !slices.Contains([]int{404, 429, 500}, code) || i == 20 {
					t.Fatalf("GET /%s: %d", path, code)
				}
				continue
			}
			if path != "ping" && !strings.Contains(body, "Matcha &lt;latte&gt;") {
				t.Errorf("GET /%s does not list the added product (escaped): %s", path, body)
			}
			break
		}
	}
	// The app's own tally is what the clients saw.
	tally := c.AppTally()
	if !mapsEqual(tally, counted) {
		t.Errorf("the app's tally %v, the answers %v", tally, counted)
	}
}

func mapsEqual(a, b map[int]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// TestAppWithoutDaemonNoTraces: before the lab, the app's SDK sends to
// xray-service.default:2000, which does not exist: segments go nowhere.
func TestAppWithoutDaemonNoTraces(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{})
	l.traffic(10)
	time.Sleep(3 * daemonFlush)
	if got, sent, failed := l.c.DaemonStats(); got != 0 || sent != 0 || failed != 0 {
		t.Errorf("the daemon got segments without a Service for it: %d %d %d", got, sent, failed)
	}
	if s := l.summaries(); len(s) != 0 {
		t.Errorf("%d traces without a daemon", len(s))
	}
	if l.aws.Calls()["XRay.PutTraceSegments"] != 0 {
		t.Errorf("PutTraceSegments called without a daemon: %v", l.aws.Calls())
	}

	// The Service alone, with no pod behind it, reaches nothing either.
	l.serviceAccount("")
	if _, err := l.c.Clientset().CoreV1().Services("default").Apply(context.Background(), ac(corev1ac.Service("xray-service", "default").
		WithSpec(corev1ac.ServiceSpec().WithSelector(map[string]string{"app": "xray-daemon"}).
			WithPorts(corev1ac.ServicePort().WithPort(2000).WithProtocol(corev1.ProtocolUDP)))), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	l.o.waitFor(t, "the Service in the cache", 2*time.Second, func() bool { _, err := l.o.svcs.Services("default").Get("xray-service"); return err == nil })
	l.traffic(5)
	time.Sleep(3 * daemonFlush)
	if got, _, _ := l.c.DaemonStats(); got != 0 {
		t.Errorf("the daemon got %d segments through a Service without pods", got)
	}
}

// TestDaemonWithoutRoleIsDenied: the daemon runs, but its service account
// has no IAM role, so it uploads as the node role and X-Ray refuses. Giving
// the service account a role afterwards is not enough: the running pods
// started without it. A rollout restart brings the role, and traces.
func TestDaemonWithoutRoleIsDenied(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{})
	l.recordAll()
	l.serviceAccount("")
	l.deployDaemon("us-west-2")
	l.traffic(8)
	l.waitLog("AccessDeniedException")
	l.settle()
	got, sent, failed := l.c.DaemonStats()
	if got == 0 || sent != 0 || failed != got {
		t.Errorf("received %d, sent %d, failed %d: want every segment failed", got, sent, failed)
	}
	if s := l.summaries(); len(s) != 0 {
		t.Errorf("%d traces from a daemon without a role", len(s))
	}
	for _, line := range l.c.DaemonLog() {
		if !daemonLogLine.MatchString(line) {
			t.Errorf("log line not in the daemon's format: %q", line)
		}
	}
	if !l.logHas("[Error] Sending segment batch failed with: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/eksctl-eksworkshop-eksctl-nodegroup-NodeInstanceRole/") ||
		!l.logHas("\tstatus code: 403, request id: ") || !l.logHas("[Warn] Delaying sending of additional batches by 0 seconds") {
		t.Errorf("the log should name the failure and the node role: %q", l.c.DaemonLog())
	}

	// The role and the annotation, after the pods started.
	l.serviceAccount(l.irsa("default", "xray-daemon"))
	before, _, _ := l.c.DaemonStats()
	l.traffic(4)
	l.settle()
	if _, sent, _ := l.c.DaemonStats(); sent != 0 || len(l.summaries()) != 0 {
		t.Errorf("pods started before the annotation uploaded (%d sent); they should still be denied", sent)
	}
	if after, _, _ := l.c.DaemonStats(); after <= before {
		t.Errorf("the daemon got nothing more (%d → %d)", before, after)
	}

	// kubectl rollout restart daemonset xray-daemon
	restart(t, l.c.Clientset(), "DaemonSet", "default", "xray-daemon")
	l.o.waitFor(t, "restarted pods with the role", 5*time.Second, func() bool {
		return allReady(l.o.daemonPods("default", "xray-daemon"), 3, func(p *corev1.Pod) bool { return podEnv(p, "AWS_ROLE_ARN") != "" })
	})
	statuses := l.traffic(6)
	l.settle()
	if s := l.summaries(); len(s) != 6 {
		t.Errorf("%d traces after the restart, want 6 (answers %v); log %q", len(s), statuses, l.c.DaemonLog())
	}
	if calls := l.aws.Calls(); calls["STS.AssumeRoleWithWebIdentity"] == 0 {
		t.Errorf("the daemon did not take its role through STS: %v", calls)
	}
}

// TestDaemonWithoutRegion: no Region in the daemon's config and none in its
// environment (no IRSA to inject AWS_REGION), and the instance metadata out
// of a pod's reach (hop limit 1): the daemon exits at start, its pods
// crash-loop, and the app's segments reach nobody.
func TestDaemonWithoutRegion(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{})
	l.serviceAccount("")
	l.applyDaemon("")
	l.waitLog("[Error] Cannot fetch region variable from config file, environment variables, ecs metadata, or ec2 metadata.")
	if !l.logHas("[Error] Unable to fetch region from EC2 metadata: ") {
		t.Errorf("log %q", l.c.DaemonLog())
	}
	l.traffic(3)
	time.Sleep(3 * daemonFlush)
	if got, sent, failed := l.c.DaemonStats(); got != 0 || sent != 0 || failed != 0 {
		t.Errorf("received %d, sent %d, failed %d", got, sent, failed)
	}
	for _, p := range l.o.daemonPods("default", "xray-daemon") {
		if kube.PodReady(p) {
			t.Errorf("pod %s Ready without a region", p.Name)
		}
	}
	if n := l.aws.Calls()["XRay.PutTraceSegments"]; n != 0 {
		t.Errorf("%d uploads without a region", n)
	}
}

// TestDaemonWithIRSATracesArrive is the lab done right: OIDC provider, role
// with AWSXRayDaemonWriteAccess trusted by the daemon's service account,
// the annotation before the DaemonSet, and the workshop's sampling rule at
// rate 1.0 for the frontend. Every request becomes one trace,
// and X-Ray's error, fault and throttle flags match what the app answered.
func TestDaemonWithIRSATracesArrive(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{Seed: 42})
	l.recordAll()
	l.serviceAccount(l.irsa("default", "xray-daemon"))
	l.deployDaemon("us-west-2")
	for _, p := range l.o.daemonPods("default", "xray-daemon") {
		if podEnv(p, "AWS_ROLE_ARN") == "" || podEnv(p, "AWS_WEB_IDENTITY_TOKEN_FILE") == "" {
			t.Fatalf("pod %s has no role", p.Name)
		}
	}
	n, statuses := l.trafficWithEveryOutcome(20)
	t.Logf("%d requests, answers %v", n, statuses)
	if !mapsEqual(statuses, l.c.AppTally()) {
		t.Errorf("the app's tally %v, the answers %v", l.c.AppTally(), statuses)
	}
	l.settle()
	sums := l.summaries()
	if len(sums) != n {
		t.Fatalf("%d traces for %d requests (answers %v); log %q", len(sums), n, statuses, l.c.DaemonLog())
	}
	// Each trace's services: the frontend answers 429 itself, the catalog
	// knows a missing product (404); the rest go through all three.
	wantServices := map[int][]string{
		200: {"Frontend", "Product-Catalog", "Product-Detail"},
		500: {"Frontend", "Product-Catalog", "Product-Detail"},
		404: {"Frontend", "Product-Catalog"},
		429: {"Frontend"},
	}
	var errs, faults, throttles int
	byStatus := map[int]int{}
	for _, s := range sums {
		status := int(aws.ToInt32(s.Http.HttpStatus))
		byStatus[status]++
		var services []string
		for _, id := range s.ServiceIds {
			services = append(services, aws.ToString(id.Name))
		}
		slices.Sort(services)
		if want := wantServices[status]; !slices.Equal(services, want) {
			t.Errorf("trace %s (%d) services %v, want %v", aws.ToString(s.Id), status, services, want)
		}
		if aws.ToString(s.EntryPoint.Name) != "Frontend" || !strings.HasPrefix(aws.ToString(s.Http.HttpURL), "http://localhost:") {
			t.Errorf("trace %s entry %s %s", aws.ToString(s.Id), aws.ToString(s.EntryPoint.Name), aws.ToString(s.Http.HttpURL))
		}
		e, f, th := aws.ToBool(s.HasError), aws.ToBool(s.HasFault), aws.ToBool(s.HasThrottle)
		if e != (status == 404 || status == 429) || f != (status == 500) || th != (status == 429) {
			t.Errorf("trace %s (%d): error %v fault %v throttle %v", aws.ToString(s.Id), status, e, f, th)
		}
		switch {
		case th:
			throttles++
		case f:
			faults++
		case e:
			errs++
		}
	}
	if !mapsEqual(byStatus, statuses) {
		t.Errorf("traces by status %v, answers %v", byStatus, statuses)
	}
	if errs != statuses[404] || faults != statuses[500] || throttles != statuses[429] {
		t.Errorf("X-Ray: %d errors, %d faults, %d throttles; the app answered %v", errs, faults, throttles, statuses)
	}
	// Segments: one per service per request, all accepted.
	wantSegs := 3*(statuses[200]+statuses[500]) + 2*statuses[404] + statuses[429]
	if got, sent, failed := l.c.DaemonStats(); got != wantSegs || sent != wantSegs || failed != 0 {
		t.Errorf("daemon received %d, sent %d, failed %d; want %d segments", got, sent, failed, wantSegs)
	}
	if l.aws.Segments() != wantSegs {
		t.Errorf("X-Ray stored %d segments, want %d", l.aws.Segments(), wantSegs)
	}
	// Batches of at most 50, logged as the daemon does.
	if !l.logHas("[Info] Successfully sent batch of ") || l.logHas("[Error]") || l.logHas("[Warn]") {
		t.Errorf("daemon log %q", l.c.DaemonLog())
	}
	for _, line := range l.c.DaemonLog() {
		if !strings.Contains(line, " batch of ") {
			continue
		}
		var k int
		var secs float64
		_, msg, _ := strings.Cut(line, "[Info] ")
		if _, err := fmt.Sscanf(msg, "Successfully sent batch of %d segments (%f seconds)", &k, &secs); err != nil || k < 1 || k > 50 || !daemonLogLine.MatchString(line) {
			t.Errorf("log line %q", line)
		}
	}
	// The service map links the services through the subsegments' ids.
	g, err := xray.NewFromConfig(l.cfg).GetServiceGraph(context.Background(), &xray.GetServiceGraphInput{StartTime: aws.Time(l.start), EndTime: aws.Time(time.Now().Add(time.Minute))})
	if err != nil {
		t.Fatal(err)
	}
	edges := map[string]bool{}
	names := map[int32]string{}
	for _, s := range g.Services {
		names[aws.ToInt32(s.ReferenceId)] = aws.ToString(s.Name)
	}
	for _, s := range g.Services {
		for _, e := range s.Edges {
			edges[aws.ToString(s.Name)+"→"+names[aws.ToInt32(e.ReferenceId)]] = true
		}
	}
	if !edges["Frontend→Product-Catalog"] || !edges["Product-Catalog→Product-Detail"] {
		t.Errorf("service graph edges %v", edges)
	}
}

// TestAppMixIsSeeded: the app's mix of answers depends on its seed alone,
// and is about 80 % 200, 8 % 404, 6 % 500 and 6 % 429.
func TestAppMixIsSeeded(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []int {
		c := startCluster(t, ClusterOptions{Seed: seed})
		var out []int
		for range 300 {
			resp, err := http.Get(c.AppURL())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			out = append(out, resp.StatusCode)
		}
		return out
	}
	a, b, other := run(5), run(5), run(6)
	if !slices.Equal(a, b) {
		t.Error("one seed, two sequences of answers")
	}
	if slices.Equal(a, other) {
		t.Error("two seeds, one sequence of answers")
	}
	share := map[int]float64{}
	for _, s := range a {
		share[s] += 1.0 / float64(len(a))
	}
	for status, want := range map[int][2]float64{200: {0.72, 0.88}, 404: {0.04, 0.13}, 500: {0.025, 0.10}, 429: {0.025, 0.10}} {
		if share[status] < want[0] || share[status] > want[1] {
			t.Errorf("%d in %.3f of the answers, want %.2f–%.2f", status, share[status], want[0], want[1])
		}
	}
}

// serviceNames are the services of a trace, sorted.
func serviceNames(s xraytypes.TraceSummary) []string {
	var out []string
	for _, id := range s.ServiceIds {
		out = append(out, aws.ToString(id.Name))
	}
	slices.Sort(out)
	return out
}

// setDaemonAddress does `kubectl set env deployment/<app>
// AWS_XRAY_DAEMON_ADDRESS=<addr>` and waits for the rollout.
func (l *lab) setDaemonAddress(app, addr string) {
	l.t.Helper()
	patch := fmt.Sprintf(`{"spec":{"template":{"spec":{"containers":[{"name":%q,"env":[{"name":"AWS_XRAY_DAEMON_ADDRESS","value":%q}]}]}}}}`, app, addr)
	if _, err := l.c.Clientset().AppsV1().Deployments("workshop").Patch(context.Background(), app, types.StrategicMergePatchType, []byte(patch),
		metav1.PatchOptions{FieldManager: "kubectl-set"}); err != nil {
		l.t.Fatal(err)
	}
	l.o.waitFor(l.t, "the rollout of "+app, 5*time.Second, func() bool {
		pods, _ := l.o.pods.Pods("workshop").List(labels.SelectorFromSet(labels.Set{"app": app}))
		return len(pods) == 1 && kube.PodReady(pods[0]) && podEnv(pods[0], "AWS_XRAY_DAEMON_ADDRESS") == addr
	})
}

// TestAppDaemonAddress: the SDK sends where AWS_XRAY_DAEMON_ADDRESS says,
// so a wrong address in one service loses that service's segments: its own
// loopback (no daemon in the app's pod), or the Service's name without its
// namespace (looked up in the app's namespace), or no port at all.
func TestAppDaemonAddress(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{Seed: 3})
	l.recordAll()
	l.serviceAccount(l.irsa("default", "xray-daemon"))
	l.deployDaemon("us-west-2")
	seen := 0
	for _, addr := range []string{"127.0.0.1:2000", "xray-service:2000", "xray-service.default"} {
		l.setDaemonAddress("frontend", addr)
		statuses := l.traffic(8)
		l.settle()
		sums := l.summaries()
		got := sums[:len(sums)-seen]
		seen = len(sums)
		// A 429 is the frontend's alone: nothing of it arrives.
		if len(got) != 8-statuses[429] {
			t.Errorf("%s: %d traces for %v", addr, len(got), statuses)
		}
		for _, s := range got {
			if slices.Contains(serviceNames(s), "Frontend") {
				t.Errorf("%s: a Frontend segment arrived: %v", addr, serviceNames(s))
			}
		}
	}
	l.setDaemonAddress("frontend", "xray-service.default.svc.cluster.local:2000")
	statuses := l.traffic(8)
	l.settle()
	sums := l.summaries()
	got := sums[:len(sums)-seen]
	if len(got) != 8 {
		t.Errorf("%d traces for %v with the full name", len(got), statuses)
	}
	for _, s := range got {
		if !slices.Contains(serviceNames(s), "Frontend") {
			t.Errorf("no Frontend segment: %v", serviceNames(s))
		}
	}
}

// TestDaemonDefaultBindIsUnreachable: without Socket.UDPAddress the daemon
// listens on 127.0.0.1:2000, which no other pod reaches.
func TestDaemonDefaultBindIsUnreachable(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{})
	l.serviceAccount(l.irsa("default", "xray-daemon"))
	l.deployDaemon("us-west-2")
	if _, err := l.c.Clientset().CoreV1().ConfigMaps("default").Apply(context.Background(), ac(corev1ac.ConfigMap("xray-config", "default").
		WithData(map[string]string{"config.yaml": "Region: us-west-2\nVersion: 2\n"})), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	// The ConfigMap is read at start: restart.
	old := names(l.o.daemonPods("default", "xray-daemon"))
	restart(t, l.c.Clientset(), "DaemonSet", "default", "xray-daemon")
	l.o.waitFor(t, "restarted pods", 5*time.Second, func() bool {
		return allReady(l.o.daemonPods("default", "xray-daemon"), 3, func(p *corev1.Pod) bool { return !slices.Contains(old, p.Name) })
	})
	for _, p := range l.o.daemonPods("default", "xray-daemon") {
		if log := l.c.PodLog("default", p.Name); !strings.HasSuffix(log[len(log)-1], "[Info] Starting proxy http server on 127.0.0.1:2000") {
			t.Errorf("pod %s log %q", p.Name, log)
		}
	}
	before, _, _ := l.c.DaemonStats()
	l.traffic(5)
	time.Sleep(3 * daemonFlush)
	if got, _, _ := l.c.DaemonStats(); got != before {
		t.Errorf("the daemon on 127.0.0.1 received %d segments from other pods", got-before)
	}
}

// TestDaemonHeadlessService: the lab's original Service is headless, so the
// SDK resolves it to a daemon pod's IP, once. With hostNetwork (as the lab
// had it) that IP is the node's and outlives the daemon's pods; without,
// a restart of the daemon leaves the apps sending to addresses that are
// gone, until they restart too.
func TestDaemonHeadlessService(t *testing.T) {
	t.Parallel()
	l := newLab(t, ClusterOptions{})
	l.recordAll()
	cs, ctx, opts := l.c.Clientset(), context.Background(), metav1.ApplyOptions{FieldManager: fieldManager}
	l.serviceAccount(l.irsa("default", "xray-daemon"))
	applyDaemonConfig(t, cs, "us-west-2")
	if _, err := cs.CoreV1().Services("default").Apply(ctx, ac(corev1ac.Service("xray-service", "default").WithSpec(corev1ac.ServiceSpec().
		WithClusterIP("None").WithSelector(map[string]string{"app": "xray-daemon"}).
		WithPorts(corev1ac.ServicePort().WithPort(2000).WithProtocol(corev1.ProtocolUDP)))), opts); err != nil {
		t.Fatal(err)
	}
	ready := func(what string, check func(*corev1.Pod) bool) {
		t.Helper()
		l.o.waitFor(t, what, 5*time.Second, func() bool { return allReady(l.o.daemonPods("default", "xray-daemon"), 3, check) })
	}
	traces := func(want int, what string) {
		t.Helper()
		before := len(l.summaries())
		statuses := l.traffic(6)
		l.settle()
		if got := len(l.summaries()) - before; got != want {
			t.Errorf("%s: %d new traces, want %d (answers %v)", what, got, want, statuses)
		}
	}
	appsRestarted := func() {
		t.Helper()
		pods, _ := l.o.pods.Pods("workshop").List(labels.Everything())
		old := names(pods)
		for _, a := range appServices {
			restart(t, cs, "Deployment", "workshop", a.deploy)
		}
		l.o.waitFor(t, "the apps' new pods", 5*time.Second, func() bool {
			pods, _ := l.o.pods.Pods("workshop").List(labels.Everything())
			return len(pods) == 3 && !slices.ContainsFunc(pods, func(p *corev1.Pod) bool { return !kube.PodReady(p) || slices.Contains(old, p.Name) })
		})
	}

	// Without hostNetwork: pod IPs.
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), opts); err != nil {
		t.Fatal(err)
	}
	ready("the daemon's pods", nil)
	traces(6, "first")
	old := names(l.o.daemonPods("default", "xray-daemon"))
	restart(t, cs, "DaemonSet", "default", "xray-daemon")
	ready("restarted daemon pods", func(p *corev1.Pod) bool { return !slices.Contains(old, p.Name) })
	traces(0, "after the daemon's restart")
	appsRestarted()
	traces(6, "after the apps' restart")

	// With hostNetwork: the node's IP, the same after a restart.
	hostNet := daemonSetApply("default", daemonImage)
	hostNet.Spec.Template.Spec.WithHostNetwork(true)
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(hostNet), opts); err != nil {
		t.Fatal(err)
	}
	ready("hostNetwork pods", func(p *corev1.Pod) bool { return p.Spec.HostNetwork && p.Status.PodIP == p.Status.HostIP })
	appsRestarted()
	traces(6, "hostNetwork")
	old = names(l.o.daemonPods("default", "xray-daemon"))
	restart(t, cs, "DaemonSet", "default", "xray-daemon")
	ready("restarted hostNetwork pods", func(p *corev1.Pod) bool { return !slices.Contains(old, p.Name) })
	traces(6, "hostNetwork, after the daemon's restart")
}
