package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/xray"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

// `xray-wizard traces` against X-Ray endpoints it did not set up: the
// counts and the map of what is there, as JSON and as text; a bad filter
// and a bad --since are named.
func TestTracesCommand(t *testing.T) {
	a := sandbox.NewAWS(sandbox.AWSOptions{})
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	x := xray.NewFromConfig(aws.Config{Region: a.Region(), BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.SandboxAccessKeyID, sandbox.SandboxSecretAccessKey, "")})
	now := time.Now().Add(-2 * time.Minute).Truncate(time.Second)
	var docs []string
	for i := range 30 {
		sec := now.Unix() - int64(i)
		status := []int{200, 200, 404, 429, 500}[i%5]
		d := map[string]any{"name": "frontend", "id": fmt.Sprintf("%016x", i+1), "trace_id": fmt.Sprintf("1-%08x-%024x", sec, i+1),
			"start_time": float64(sec), "end_time": float64(sec) + 0.02,
			"http": map[string]any{"response": map[string]any{"status": status}},
			"subsegments": []any{map[string]any{"name": "catalog", "id": fmt.Sprintf("%016x", 1000+i), "namespace": "remote",
				"start_time": float64(sec) + 0.005, "end_time": float64(sec) + 0.015, "http": map[string]any{"response": map[string]any{"status": 200}}}}}
		switch {
		case status >= 500:
			d["fault"] = true
		case status == 429:
			d["error"], d["throttle"] = true, true
		case status >= 400:
			d["error"] = true
		}
		b, _ := json.Marshal(d)
		docs = append(docs, string(b))
	}
	if _, err := x.PutTraceSegments(context.Background(), &xray.PutTraceSegmentsInput{TraceSegmentDocuments: docs}); err != nil {
		t.Fatal(err)
	}
	env := []string{"AWS_ENDPOINT_URL=" + url, "AWS_ACCESS_KEY_ID=" + sandbox.SandboxAccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + sandbox.SandboxSecretAccessKey, "AWS_REGION=" + a.Region()}

	r := run(t, 30*time.Second, env, "traces", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var out struct {
		Region string
		Traces flow.TraceCounts
		Graph  flow.ServiceGraph
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	c := out.Traces
	if c.Total != 30 || c.OK != 12 || c.Error != 6 || c.Throttle != 6 || c.Fault != 6 || c.ByService["frontend"] != 30 {
		t.Errorf("traces = %+v", c)
	}
	edges := map[string]int{}
	for _, e := range out.Graph.Edges {
		edges[out.Graph.Node(e.From).Name+"→"+out.Graph.Node(e.To).Name] = e.Stats.Requests
	}
	if edges["client→frontend"] != 30 || edges["frontend→catalog"] != 30 {
		t.Errorf("graph edges = %v", edges)
	}

	r = run(t, 30*time.Second, env, "traces", "--lang", "en")
	for _, want := range []string{"30 traces: 12 ok, 6 4xx, 6 5xx, 6 429", "client → frontend", "frontend → catalog", "#xray:service-map/map"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, r.stdout)
		}
	}

	r = run(t, 30*time.Second, env, "traces", "--lang", "en", "--filter", "nonsense ~~ 3")
	if r.code != 1 || !strings.Contains(r.stdout, `X-Ray refused the filter expression "nonsense ~~ 3"`) || !strings.Contains(r.stdout, "xray-console-filters") {
		t.Errorf("bad filter: exit %d\n%s", r.code, r.stdout)
	}
	r = run(t, 30*time.Second, env, "traces", "--filter", `service("frontend") AND fault`, "--output", "json")
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Traces.Total != 6 || out.Traces.Fault != 6 {
		t.Errorf("filtered: exit %d, %+v (%v)", r.code, out.Traces, err)
	}
	r = run(t, 30*time.Second, env, "traces", "--since", "2000h")
	if r.code != 2 || !strings.Contains(r.stderr, "--since") {
		t.Errorf("--since 2000h: exit %d, %s", r.code, r.stderr)
	}
	// An empty window fails with what to do.
	r = run(t, 30*time.Second, env, "traces", "--lang", "en", "--since", "30s")
	if r.code != 1 || !strings.Contains(r.stdout, "has no traces") || !strings.Contains(r.stdout, "--since 1h") {
		t.Errorf("empty window: exit %d\n%s", r.code, r.stdout)
	}
}

// sandbox serve's seeded, throttled, slow X-Ray, counted by the traces
// command: the totals it printed on stderr are the ones counted.
func TestServeSeededThrottled(t *testing.T) {
	vars, stderr := serve(t, "--seed-traces", "2000", "--throttle-rate", "30", "--latency", "2ms")
	if !strings.Contains(stderr, "seeded 2000 traces: 1600 ok, 100 4xx, 100 429, 200 5xx") {
		t.Fatalf("stderr: %s", stderr)
	}
	env := environ(vars)
	r := run(t, 60*time.Second, env, "traces", "--output", "json", "--since", "20m")
	var got struct{ Traces flow.TraceCounts }
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	c := got.Traces
	if c.Total != 2000 || c.OK != 1600 || c.Error != 100 || c.Throttle != 100 || c.Fault != 200 ||
		c.ByService["Frontend"] != 2000 || c.ByService["Product-Detail"] != 1000 {
		t.Errorf("counted %+v", c)
	}
	for _, bad := range [][]string{{"--latency", "-1s"}, {"--seed-traces", "-3"}, {"--throttle-rate", "-1"}} {
		if r := run(t, 10*time.Second, nil, append([]string{"sandbox", "serve", "--listen", "127.0.0.1:0"}, bad...)...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, r.code)
		}
	}
}

// The traces screen in the practice sandbox has made-up history to show.
func TestTracesCommandSandbox(t *testing.T) {
	r := run(t, 60*time.Second, nil, "traces", "--sandbox", "--output", "json")
	var got struct {
		Sandbox bool
		Traces  flow.TraceCounts
		Graph   flow.ServiceGraph
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if !got.Sandbox || got.Traces.Total != 1200 || got.Traces.Fault != 120 || len(got.Graph.Nodes) != 4 || len(got.Graph.Edges) != 3 {
		t.Errorf("sandbox traces: %+v, graph %d nodes %d edges", got.Traces, len(got.Graph.Nodes), len(got.Graph.Edges))
	}
}
