package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/xray-wizard/xray-wizard/internal/peers"
)

// With no region anywhere and two clusters in moto, a person at a terminal
// is asked for the region and then the cluster (huh prompts), and the
// wizard goes on with the chosen cluster.
func TestPromptsForRegionAndCluster(t *testing.T) {
	tm := newTmux(t, 80, 24, twoClusters(t), "--steps", "preflight")
	s := tm.waitFor(regexp.MustCompile(`no AWS region is set`), 20*time.Second)
	if !strings.Contains(s, "us-west-2") {
		t.Errorf("region prompt does not offer us-west-2:\n%s", s)
	}
	tm.keys("Enter")
	s = tm.waitFor(regexp.MustCompile(`Which EKS cluster in us-west-2\?`), 20*time.Second)
	if !strings.Contains(s, "alpha") || !strings.Contains(s, "eksworkshop-eksctl") {
		t.Errorf("cluster prompt does not list both clusters:\n%s", s)
	}
	tm.keys("Down")
	tm.keys("Enter")
	// Preflight runs against the chosen cluster, then fails on the missing
	// kubeconfig with its fix (the default ~/.kube/config: a KUBECONFIG
	// given explicitly that does not exist is bad input, exit 2).
	s = tm.waitFor(regexp.MustCompile(`no Kubernetes access`), 20*time.Second)
	if !strings.Contains(s, "eksworkshop-eksctl") {
		t.Errorf("preflight did not use the chosen cluster:\n%s", s)
	}
	tm.keys("Enter")
	if code := tm.exitCode(10 * time.Second); code != 1 {
		t.Errorf("exit %d, want 1 (a step failed)", code)
	}
}

// twoClusters is moto with two EKS clusters in us-west-2 and the
// environment that reaches it with no region configured anywhere.
func twoClusters(t *testing.T) []string {
	m := peers.StartMoto(t)
	cfg := aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(m.URL), Credentials: credentials.NewStaticCredentialsProvider("x", "y", "")}
	for _, name := range []string{"alpha", "eksworkshop-eksctl"} {
		_, err := eks.NewFromConfig(cfg).CreateCluster(context.Background(), &eks.CreateClusterInput{Name: aws.String(name),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return []string{"LANG=C.UTF-8", "AWS_ENDPOINT_URL=" + m.URL, "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y",
		"AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "KUBECONFIG="}
}

// ctrl+c at the cluster question is an interruption (exit 130), not a
// failure with "context canceled".
func TestCtrlCAtTheClusterQuestion(t *testing.T) {
	tm := newTmux(t, 80, 24, twoClusters(t), "--region", "us-west-2", "--steps", "preflight")
	tm.waitFor(regexp.MustCompile(`Which EKS cluster in us-west-2\?`), 20*time.Second)
	tm.keys("C-c")
	if code := tm.exitCode(10 * time.Second); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if s := tm.screen(); strings.Contains(s, "context canceled") {
		t.Errorf("the interruption reads as an error:\n%s", s)
	}
}
