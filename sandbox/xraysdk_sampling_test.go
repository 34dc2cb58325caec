package sandbox_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	xraysdk "github.com/aws/aws-xray-sdk-go/xray"

	"github.com/xray-wizard/xray-wizard/internal/sandboxtest"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

// daemonProxy stands for the X-Ray daemon's TCP proxy: it takes the SDK's
// unsigned sampling calls, signs them with SigV4 as the daemon does with
// its credentials, and forwards them to X-Ray. It remembers the paths it
// forwarded and the statuses X-Ray answered.
type daemonProxy struct {
	srv      *httptest.Server
	endpoint string
	region   string
	creds    aws.Credentials

	mu    sync.Mutex
	calls []string // "path status"
}

func startDaemonProxy(t *testing.T, endpoint, region string, creds aws.Credentials) *daemonProxy {
	p := &daemonProxy{endpoint: endpoint, region: region, creds: creds}
	p.srv = httptest.NewServer(http.HandlerFunc(p.forward))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *daemonProxy) forward(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.endpoint+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header.Set("Content-Type", r.Header.Get("Content-Type"))
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(r.Context(), p.creds, out, hex.EncodeToString(sum[:]), "xray", p.region, time.Now()); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	resp, err := http.DefaultClient.Do(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	p.mu.Lock()
	p.calls = append(p.calls, r.URL.Path+" "+resp.Status)
	p.mu.Unlock()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (p *daemonProxy) saw(call string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.calls {
		if c == call {
			return true
		}
	}
	return false
}

// segmentCounter counts the segments the SDK sends on UDP, by name.
type segmentCounter struct {
	conn net.PacketConn
	mu   sync.Mutex
	by   map[string]int
}

func countSegments(t *testing.T) *segmentCounter {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &segmentCounter{conn: conn, by: map[string]int{}}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			_, doc, _ := bytes.Cut(buf[:n], []byte("\n"))
			var seg struct {
				Name string `json:"name"`
				Type string `json:"type"`
			}
			if json.Unmarshal(doc, &seg) == nil && seg.Type == "" {
				c.mu.Lock()
				c.by[seg.Name]++
				c.mu.Unlock()
			}
		}
	}()
	return c
}

func (c *segmentCounter) of(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.by[name]
}

// waitFor polls cond for up to d.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The real aws-xray-sdk-go's centralized sampling, through a daemon-style
// TCP proxy that signs its calls, against the sandbox's X-Ray: it fetches
// the rules and samples by them — a rule at rate 1.0 for Frontend records
// every request, the Default rule the first of each second and about 5 %
// of the rest — and its target poll (every 10 s) gets its quota.
func TestRealSDKCentralizedSampling(t *testing.T) {
	a := sandbox.NewAWS(sandbox.AWSOptions{})
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	if _, err := sandboxtest.XRay(a.Region(), url).CreateSamplingRule(ctx, &xray.CreateSamplingRuleInput{SamplingRule: &xraytypes.SamplingRule{
		RuleName: aws.String("workshop-frontend"), Priority: aws.Int32(1), FixedRate: 1, ReservoirSize: 0, ServiceName: aws.String("Frontend"),
		ServiceType: aws.String("*"), Host: aws.String("*"), HTTPMethod: aws.String("*"), URLPath: aws.String("*"), ResourceARN: aws.String("*"),
		Version: aws.Int32(1)}}); err != nil {
		t.Fatal(err)
	}
	// The proxy signs with the sandbox user's keys, as the daemon signs
	// with its role's; the sandbox refuses an unsigned call
	// (MissingAuthenticationTokenException), so a rule fetched proves the
	// signing. Only the centralized rule makes all 50 Frontend requests
	// traces: the SDK's local fallback would keep about 3.
	proxy := startDaemonProxy(t, url, a.Region(), aws.Credentials{AccessKeyID: sandbox.SandboxAccessKeyID, SecretAccessKey: sandbox.SandboxSecretAccessKey})
	segs := countSegments(t)
	strategy, err := sampling.NewCentralizedStrategy()
	if err != nil {
		t.Fatal(err)
	}
	tcp := proxy.srv.Listener.Addr().String()
	if err := xraysdk.Configure(xraysdk.Config{DaemonAddr: "tcp:" + tcp + " udp:" + segs.conn.LocalAddr().String(),
		SamplingStrategy: strategy, ServiceVersion: "1.0"}); err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	frontend := httptest.NewServer(xraysdk.Handler(xraysdk.NewFixedSegmentNamer("Frontend"), ok))
	defer frontend.Close()
	other := httptest.NewServer(xraysdk.Handler(xraysdk.NewFixedSegmentNamer("Other"), ok))
	defer other.Close()
	get := func(base string, n int) {
		for range n {
			resp, err := http.Get(base + "/products")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}

	// The first request starts the SDK's pollers; the rules come through
	// the proxy, signed.
	get(other.URL, 1)
	waitFor(t, "GetSamplingRules through the proxy", 5*time.Second, func() bool { return proxy.saw("/GetSamplingRules 200 OK") })
	time.Sleep(200 * time.Millisecond) // the manifest is swapped in after the answer

	before := segs.of("Frontend")
	get(frontend.URL, 50)
	waitFor(t, "a segment for each of 50 Frontend requests", 5*time.Second, func() bool { return segs.of("Frontend")-before == 50 })

	before = segs.of("Other")
	start := time.Now()
	get(other.URL, 200)
	seconds := int(time.Now().Unix()-start.Unix()) + 1
	time.Sleep(300 * time.Millisecond)
	got := segs.of("Other") - before
	// 1 a second (borrowed until the first targets come) and 5 % of the
	// rest: about 10 for 200 in a second; far below every request.
	if got < 1 || got > seconds+30 {
		t.Errorf("the Default rule recorded %d of 200 requests in %d s; want about %d", got, seconds, seconds+(200-seconds)/20)
	}
	t.Logf("Default rule: %d of 200 requests in %d s; workshop rule: 50 of 50", got, seconds)

	// The target poll, every 10 s: X-Ray gives the SDK its quota and the
	// rules keep sampling as before.
	waitFor(t, "GetSamplingTargets through the proxy", 15*time.Second, func() bool { return proxy.saw("/SamplingTargets 200 OK") })
	time.Sleep(200 * time.Millisecond)
	before = segs.of("Frontend")
	get(frontend.URL, 20)
	waitFor(t, "a segment for each of 20 Frontend requests after the targets", 5*time.Second, func() bool { return segs.of("Frontend")-before == 20 })
}
