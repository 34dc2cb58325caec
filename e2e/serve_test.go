package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// `sandbox serve` prints the environment that points SDKs at it, and an SDK
// client with that endpoint reaches the simulated EKS.
func TestSandboxServe(t *testing.T) {
	env, _ := serve(t)
	cfg := aws.Config{Region: env["AWS_REGION"], BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL"]),
		Credentials: credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], "")}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lc, err := eks.NewFromConfig(cfg).ListClusters(ctx, &eks.ListClustersInput{})
	if err != nil || len(lc.Clusters) != 1 || lc.Clusters[0] != "eksworkshop-eksctl" {
		t.Fatalf("ListClusters through the printed endpoint: %v %v", lc, err)
	}
	// Not on loopback: refused as bad usage.
	if r := run(t, 10*time.Second, nil, "sandbox", "serve", "--listen", "0.0.0.0:4566"); r.code != 2 {
		t.Errorf("--listen 0.0.0.0: exit %d, want 2", r.code)
	}
}

// serve starts `xray-wizard sandbox serve` on a free port with more flags,
// stops it when the test ends, and returns the environment it printed
// (AWS_ENDPOINT_URL, the keys, the region) and what it wrote on stderr
// before printing it.
func serve(tb testing.TB, flags ...string) (map[string]string, string) {
	tb.Helper()
	cmd := exec.Command(bin, append([]string{"sandbox", "serve", "--listen", "127.0.0.1:0"}, flags...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tb.TempDir(), "LANG=C.UTF-8"}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	env := map[string]string{}
	sc := bufio.NewScanner(out)
	for len(env) < 5 && sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "="); ok {
			env[k] = v
		}
	}
	if !strings.HasPrefix(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:") {
		tb.Fatalf("sandbox serve printed %v\n%s", env, stderr.String())
	}
	// Its stderr comes through a pipe of its own: wait for the line it
	// writes just before the environment.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(stderr.String(), "Sandbox AWS endpoints on") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	return env, stderr.String()
}

// environ is env as KEY=VALUE lines.
func environ(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// syncBuffer is a strings.Builder a process may write to while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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
