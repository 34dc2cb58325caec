package e2e

import (
	"bufio"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// `sandbox serve` prints the environment that points SDKs at it, and an SDK
// client with that endpoint reaches the simulated EKS.
func TestSandboxServe(t *testing.T) {
	cmd := exec.Command(bin, "sandbox", "serve", "--listen", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	env := map[string]string{}
	sc := bufio.NewScanner(out)
	for len(env) < 4 && sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			env[k] = v
		}
	}
	if !strings.HasPrefix(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:") {
		t.Fatalf("printed %v", env)
	}
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
