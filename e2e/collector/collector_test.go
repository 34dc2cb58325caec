// Package collector runs the real OpenTelemetry Collector (v0.141.0, built by
// build.sh from the Go module proxy with the components the wizard's
// Collector manifest names) with the configuration that manifest carries —
// only its addresses moved to loopback and its exporter and sampling proxy
// pointed at `xray-wizard sandbox serve` — and sends it real X-Ray SDK
// segments over UDP and OpenTelemetry SDK spans over OTLP.
package collector

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-xray-sdk-go/daemoncfg"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	xraysdk "github.com/aws/aws-xray-sdk-go/xray"
	"github.com/aws/aws-xray-sdk-go/xraylog"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// otelVersion is the release build.sh builds.
const otelVersion = "v0.141.0"

var (
	wizard  string // the xray-wizard binary, built for the package
	otelBin string // build.sh's cache of the Collector and otlpsend
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "xray-wizard-collector")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	wizard = filepath.Join(dir, "xray-wizard")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", wizard, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Dir = root
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "collector e2e: building xray-wizard failed:", err)
		os.Exit(1)
	}
	otelBin = os.Getenv("XRAY_WIZARD_OTEL_CACHE")
	if otelBin == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache")
		}
		otelBin = filepath.Join(cache, "xray-wizard", "otelcol-"+otelVersion)
	}
	otelBin = filepath.Join(otelBin, "bin")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tool is a binary build.sh made; the test fails, naming the build, when
// it is not there.
func tool(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(otelBin, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is not built (%v): run `make collector` (bash e2e/collector/build.sh) first", p, err)
	}
	return p
}

// serve starts `xray-wizard sandbox serve` on a free loopback port and
// returns the environment it printed.
func serve(t *testing.T) map[string]string {
	t.Helper()
	cmd := exec.Command(wizard, "sandbox", "serve", "--listen", "127.0.0.1:0")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8"}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	env := map[string]string{}
	sc := bufio.NewScanner(out)
	for len(env) < 5 && sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "="); ok {
			env[k] = v
		}
	}
	if !strings.HasPrefix(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:") {
		t.Fatalf("sandbox serve printed %v", env)
	}
	return env
}

// freePort is a loopback port free for both UDP and TCP.
func freePort(t *testing.T) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		l.Close()
		if err == nil {
			u.Close()
			return port
		}
	}
	t.Fatal("no loopback port free for both UDP and TCP")
	return 0
}

// ports are the loopback addresses the test gives the Collector.
type ports struct{ xray, grpc, http, metrics int }

// collectorConfig is the config the wizard's Collector manifest carries,
// for region, with every address moved to loopback and the exporter and
// the sampling proxy pointed at endpoint. It fails if the manifest's
// addresses are not the ones it promises (0.0.0.0:2000, :4317, :4318, its
// metrics on 127.0.0.1).
func collectorConfig(t *testing.T, region, endpoint string, p ports) string {
	t.Helper()
	objs, err := steps.LoadManifest(steps.CollectorOtel, "default", region)
	if err != nil {
		t.Fatal(err)
	}
	raw := objs.ConfigMap.String("data", "collector.yaml")
	var cfg map[string]any
	if err := sigsyaml.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	m := func(v any, keys ...string) map[string]any {
		for _, k := range keys {
			v = v.(map[string]any)[k]
		}
		return v.(map[string]any)
	}
	set := func(obj map[string]any, key string, want, to any) {
		if fmt.Sprint(obj[key]) != fmt.Sprint(want) {
			t.Fatalf("the manifest's %s is %v, want %v:\n%s", key, obj[key], want, raw)
		}
		obj[key] = to
	}
	xr := m(cfg, "receivers", "awsxray")
	set(xr, "endpoint", "0.0.0.0:2000", fmt.Sprintf("127.0.0.1:%d", p.xray))
	proxy := m(xr, "proxy_server")
	set(proxy, "endpoint", "0.0.0.0:2000", fmt.Sprintf("127.0.0.1:%d", p.xray))
	set(proxy, "region", region, region)
	proxy["aws_endpoint"] = endpoint
	set(m(cfg, "receivers", "otlp", "protocols", "grpc"), "endpoint", "0.0.0.0:4317", fmt.Sprintf("127.0.0.1:%d", p.grpc))
	set(m(cfg, "receivers", "otlp", "protocols", "http"), "endpoint", "0.0.0.0:4318", fmt.Sprintf("127.0.0.1:%d", p.http))
	exp := m(cfg, "exporters", "awsxray")
	set(exp, "region", region, region)
	exp["endpoint"] = endpoint
	readers := m(cfg, "service", "telemetry", "metrics")["readers"].([]any)
	prom := m(readers[0], "pull", "exporter", "prometheus")
	set(prom, "host", "127.0.0.1", "127.0.0.1")
	set(prom, "port", 8888, p.metrics)
	out, err := sigsyaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); strings.Contains(s, "0.0.0.0") || strings.Contains(s, "localhost") {
		t.Fatalf("an address is not on 127.0.0.1:\n%s", s)
	}
	return string(out)
}

// syncBuffer is a bytes.Buffer for a process's output and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The real Collector, configured as the wizard's manifest configures it,
// validates; takes real X-Ray SDK segments on UDP and OpenTelemetry SDK
// spans on OTLP; proxies the SDK's centralized sampling calls on TCP; and
// the wizard's traces command counts exactly what was sent, per class and
// per service, and draws the edges.
func TestCollectorRealParts(t *testing.T) {
	otelcol, otlpsend := tool(t, "otelcol-xray"), tool(t, "otlpsend")
	env := serve(t)
	region, endpoint := env["AWS_REGION"], env["AWS_ENDPOINT_URL"]
	p := ports{xray: freePort(t), grpc: freePort(t), http: freePort(t), metrics: freePort(t)}
	file := filepath.Join(t.TempDir(), "collector.yaml")
	if err := os.WriteFile(file, []byte(collectorConfig(t, region, endpoint, p)), 0o600); err != nil {
		t.Fatal(err)
	}
	procEnv := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_ACCESS_KEY_ID=" + env["AWS_ACCESS_KEY_ID"],
		"AWS_SECRET_ACCESS_KEY=" + env["AWS_SECRET_ACCESS_KEY"], "AWS_EC2_METADATA_DISABLED=true"}

	// otelcol validate passes.
	v := exec.Command(otelcol, "validate", "--config="+file)
	v.Env = procEnv
	if out, err := v.CombinedOutput(); err != nil {
		t.Fatalf("otelcol validate: %v\n%s", err, out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	col := exec.CommandContext(ctx, otelcol, "--config="+file)
	col.Env = procEnv
	var log syncBuffer
	col.Stdout, col.Stderr = &log, &log
	if err := col.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		_ = col.Wait()
		if t.Failed() {
			t.Logf("the Collector's log:\n%s", log.String())
		}
	}()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(log.String(), "Everything is ready"); {
		if time.Now().After(deadline) {
			t.Fatalf("the Collector did not start within 20 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	daemonAddr := fmt.Sprintf("127.0.0.1:%d", p.xray)

	t.Run("sampling through the TCP proxy", func(t *testing.T) { centralizedSampling(t, daemonAddr) })

	// Real X-Ray SDK segments over UDP: Frontend calls Product-Catalog, and
	// answers 200, 404, 429 and 500.
	sdkStatuses := []int{200, 404, 429, 500, 200, 200, 404, 500, 429, 200}
	sendSDKSegments(t, daemonAddr, sdkStatuses)
	// OpenTelemetry SDK spans over OTLP/HTTP: Otel-Frontend calls
	// Otel-Catalog.
	otlpStatuses := []string{"200", "404", "500", "429", "200"}
	send := exec.Command(otlpsend, "--endpoint", fmt.Sprintf("127.0.0.1:%d", p.http), "--statuses", strings.Join(otlpStatuses, ","))
	if out, err := send.CombinedOutput(); err != nil {
		t.Fatalf("otlpsend: %v\n%s", err, out)
	}

	want := flow.TraceCounts{Total: 15, OK: 6, Error: 3, Throttle: 3, Fault: 3} // Error is 4xx other than 429
	wantSvc := map[string]int{"Frontend": 10, "Product-Catalog": 10, "Otel-Frontend": 5, "Otel-Catalog": 5}
	wantEdges := map[string]int{"client→Frontend": 10, "Frontend→Product-Catalog": 10, "client→Otel-Frontend": 5, "Otel-Frontend→Otel-Catalog": 5}
	var got struct {
		Traces flow.TraceCounts
		Graph  flow.ServiceGraph
	}
	var edges map[string]int
	var last string
	for deadline := time.Now().Add(30 * time.Second); ; {
		r := exec.Command(wizard, "traces", "--output", "json", "--since", "5m")
		r.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8"}, environ(env)...)
		out, _ := r.Output()
		last = string(out)
		got.Traces, got.Graph = flow.TraceCounts{}, flow.ServiceGraph{}
		if err := json.Unmarshal(out, &got); err == nil {
			edges = map[string]int{}
			for _, e := range got.Graph.Edges {
				edges[got.Graph.Node(e.From).Name+"→"+got.Graph.Node(e.To).Name] = e.Stats.Requests
			}
			c := got.Traces
			if c.Total == want.Total && c.OK == want.OK && c.Error == want.Error && c.Throttle == want.Throttle && c.Fault == want.Fault &&
				sameCounts(c.ByService, wantSvc) && sameCounts(edges, wantEdges) {
				return
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	t.Errorf("counted %+v\nedges %v\nwant %+v, by service %v, edges %v\nlast output:\n%s", got.Traces, edges, want, wantSvc, wantEdges, last)
}

func sameCounts(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

func environ(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// centralizedSampling: the X-Ray SDK's centralized strategy fetches its
// rules (GetSamplingRules) and its quota (GetSamplingTargets) through the
// Collector's TCP proxy, and then decides by the Default rule it fetched.
func centralizedSampling(t *testing.T, daemonAddr string) {
	var sdkLog syncBuffer
	xraysdk.SetLogger(xraylog.NewDefaultLogger(&sdkLog, xraylog.LogLevelDebug))
	defer xraysdk.SetLogger(xraylog.NewDefaultLogger(os.Stderr, xraylog.LogLevelWarn))
	s, err := sampling.NewCentralizedStrategy()
	if err != nil {
		t.Fatal(err)
	}
	ep, err := daemoncfg.GetDaemonEndpointsFromString(daemonAddr)
	if err != nil {
		t.Fatal(err)
	}
	s.LoadDaemonEndpoints(ep)
	req := &sampling.Request{Host: "frontend", Method: "GET", URL: "/", ServiceName: "Frontend", ServiceType: ""}
	var rule string
	for deadline := time.Now().Add(15 * time.Second); rule == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if d := s.ShouldTrace(req); d.Rule != nil {
			rule = *d.Rule
		}
	}
	if rule != "Default" || !strings.Contains(sdkLog.String(), "Successfully fetched sampling rules") {
		t.Fatalf("the SDK's decision named rule %q; its log:\n%s", rule, sdkLog.String())
	}
	// The target poller reports the statistics every 10 s (with jitter).
	for deadline := time.Now().Add(25 * time.Second); !strings.Contains(sdkLog.String(), "Successfully refreshed sampling targets"); time.Sleep(200 * time.Millisecond) {
		s.ShouldTrace(req)
		if time.Now().After(deadline) {
			t.Fatalf("no GetSamplingTargets through the proxy within 25 s; the SDK's log:\n%s", sdkLog.String())
		}
	}
}

// sendSDKSegments serves a Frontend that calls a Product-Catalog, both
// instrumented with the real X-Ray SDK sending to daemonAddr, sampling
// every request, and sends one request per status.
func sendSDKSegments(t *testing.T, daemonAddr string, statuses []int) {
	t.Helper()
	all, err := sampling.NewLocalizedStrategyFromJSONBytes([]byte(`{"version":2,"default":{"fixed_target":1000,"rate":1.0},"rules":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := xraysdk.Configure(xraysdk.Config{DaemonAddr: daemonAddr, SamplingStrategy: all, ServiceVersion: "1.0"}); err != nil {
		t.Fatal(err)
	}
	catalog := httptest.NewServer(xraysdk.Handler(xraysdk.NewFixedSegmentNamer("Product-Catalog"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[{"id":1}]`))
	})))
	defer catalog.Close()
	client := xraysdk.Client(nil)
	frontend := httptest.NewServer(xraysdk.Handler(xraysdk.NewFixedSegmentNamer("Frontend"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, catalog.URL+"/products", nil)
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		resp.Body.Close()
		var status int
		_, _ = fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/"), &status)
		w.WriteHeader(status)
	})))
	defer frontend.Close()
	for _, s := range statuses {
		resp, err := http.Get(fmt.Sprintf("%s/%d", frontend.URL, s))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != s {
			t.Fatalf("frontend answered %d, want %d", resp.StatusCode, s)
		}
	}
}
