package controlplane_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/xray-wizard/xray-wizard/e2e/controlplane"
	"github.com/xray-wizard/xray-wizard/internal/peers"
)

var (
	wizardOnce sync.Once
	wizardBin  string
	wizardErr  error
)

// wizard builds the wizard's binary once for the package's tests, as make
// build builds it.
func wizard(t *testing.T) string {
	t.Helper()
	wizardOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		dir, err := os.MkdirTemp("", "xray-wizard-cp-")
		if err != nil {
			wizardErr = err
			return
		}
		wizardBin = filepath.Join(dir, "xray-wizard")
		cmd := exec.Command("go", "build", "-trimpath", "-o", wizardBin, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			wizardErr = err
			wizardBin = string(out)
		}
	})
	if wizardErr != nil {
		t.Fatalf("building xray-wizard: %v\n%s", wizardErr, wizardBin)
	}
	return wizardBin
}

// eksBehindTunnel is an EKS cluster "lab" in moto whose API server is the
// real control plane, reached another way than its endpoint — moto's
// endpoint is a made-up eks.amazonaws.com name, the kubeconfig's server is
// the control plane's loopback address — and whose certificate authority,
// as EKS reports it, is the control plane's. moto cannot be told a
// cluster's certificate authority, so a proxy in front of it writes it
// into DescribeCluster's answer; every other call is moto's own.
func eksBehindTunnel(t *testing.T, cp *controlplane.ControlPlane) (endpoint string, env []string) {
	t.Helper()
	ctx := context.Background()
	m := peers.StartMoto(t)
	cfg := aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(m.URL), Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTO", "moto", "")}
	out, err := eks.NewFromConfig(cfg).CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("lab"),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/eks-cluster"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}})
	if err != nil {
		t.Fatalf("moto CreateCluster: %v", err)
	}
	// The wizard runs as a role's session, as on Cloud9 or with SSO.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("eks-admins"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	as, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/eks-admins"), RoleSessionName: aws.String("wizard")})
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(m.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	director := proxy.Director
	proxy.Director = func(r *http.Request) {
		director(r)
		r.Header.Del("Accept-Encoding") // a body the proxy can read
	}
	ca := base64.StdEncoding.EncodeToString(cp.Config.TLSClientConfig.CAData)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Method != http.MethodGet || resp.Request.URL.Path != "/clusters/lab" || resp.StatusCode != http.StatusOK {
			return nil
		}
		var body map[string]map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			return err
		}
		resp.Body.Close()
		body["cluster"]["certificateAuthority"] = map[string]any{"data": ca}
		b, _ := json.Marshal(body)
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return aws.ToString(out.Cluster.Endpoint), []string{"AWS_ENDPOINT_URL=" + srv.URL, "AWS_REGION=us-west-2",
		"AWS_ACCESS_KEY_ID=" + aws.ToString(as.Credentials.AccessKeyId), "AWS_SECRET_ACCESS_KEY=" + aws.ToString(as.Credentials.SecretAccessKey),
		"AWS_SESSION_TOKEN=" + aws.ToString(as.Credentials.SessionToken), "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent"}
}

// kubeconfigOf writes one kubeconfig with a context per name, each a copy
// of the control plane's cluster and one of its users, changed by edit.
func kubeconfigOf(t *testing.T, contexts map[string]struct {
	from string
	edit func(*clientcmdapi.Cluster, *clientcmdapi.AuthInfo)
}) string {
	t.Helper()
	out := clientcmdapi.NewConfig()
	for name, c := range contexts {
		src, err := clientcmd.LoadFromFile(c.from)
		if err != nil {
			t.Fatal(err)
		}
		kc := src.Contexts[src.CurrentContext]
		cl, ai := src.Clusters[kc.Cluster].DeepCopy(), src.AuthInfos[kc.AuthInfo].DeepCopy()
		cl.LocationOfOrigin, ai.LocationOfOrigin = "", ""
		if c.edit != nil {
			c.edit(cl, ai)
		}
		out.Clusters[name], out.AuthInfos[name] = cl, ai
		out.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*out, path); err != nil {
		t.Fatal(err)
	}
	return path
}

type runResult struct {
	stdout, stderr string
	code           int
}

func runWizard(t *testing.T, env []string, args ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, wizard(t), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8"}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", args, err)
	}
	return runResult{out.String(), errb.String(), code}
}

// On a real API server reached through another address than the EKS
// cluster's endpoint (a tunnel's): the context that trusts the cluster's
// certificate authority is used, and says how it reaches it; one that
// trusts nothing (insecure-skip-tls-verify) is refused with the context
// that reaches the cluster and --accept-context, which then accepts it.
// A user without RBAC rights (403) and one the API server does not know
// (401) are told the IAM principal and the access-entry commands.
func TestContextAndAccessOnRealAPIServer(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Fatal("the AWS CLI is not installed: a context's credential plugin runs it here, as aws eks update-kubeconfig writes it (steps' moto tests read with it too)")
	}
	cp := controlplane.Start(t, controlplane.Options{Nodes: 1})
	endpoint, env := eksBehindTunnel(t, cp)
	type ctxSpec = struct {
		from string
		edit func(*clientcmdapi.Cluster, *clientcmdapi.AuthInfo)
	}
	kc := kubeconfigOf(t, map[string]ctxSpec{
		"tunnel": {cp.Kubeconfig, nil},
		"insecure": {cp.Kubeconfig, func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) {
			c.CertificateAuthorityData, c.InsecureSkipTLSVerify = nil, true
		}},
		"visitor": {cp.KubeconfigFor("visitor"), nil},
		"stranger": {cp.Kubeconfig, func(_ *clientcmdapi.Cluster, ai *clientcmdapi.AuthInfo) {
			*ai = clientcmdapi.AuthInfo{Token: "not-a-token-this-cluster-knows"}
		}},
		// As aws eks update-kubeconfig --role-arn writes it: the AWS CLI
		// assumes another role for the token.
		"assumer": {cp.Kubeconfig, func(_ *clientcmdapi.Cluster, ai *clientcmdapi.AuthInfo) {
			*ai = clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{APIVersion: "client.authentication.k8s.io/v1beta1", Command: "aws",
				Args:            []string{"--region", "us-west-2", "eks", "get-token", "--cluster-name", "lab", "--role-arn", "arn:aws:iam::123456789012:role/other-admins"},
				InteractiveMode: clientcmdapi.NeverExecInteractiveMode}}
		}},
	})
	base := []string{"--kubeconfig", kc, "--cluster", "lab", "-y"}
	wizardRun := func(ctxName string, args ...string) runResult {
		return runWizard(t, env, append(append(append([]string{}, base...), "--context", ctxName), args...)...)
	}

	r := wizardRun("tunnel", "--steps", "preflight")
	if want := "kube context tunnel reaches cluster lab through " + cp.Server + ", with the cluster's certificate authority (its endpoint is " + endpoint + ")"; r.code != 0 || !strings.Contains(r.stderr, want) {
		t.Fatalf("tunnel: exit %d, want 0 and %q\n%s", r.code, want, r.stderr)
	}

	r = wizardRun("insecure", "--steps", "preflight")
	for _, want := range []string{"kube context insecure points at " + cp.Server + ", not at cluster lab (" + endpoint + ")",
		"Contexts that reach cluster lab: assumer, stranger, tunnel, visitor — pass --context assumer.", "pass --accept-context"} {
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("insecure: exit %d, want 1 and %q\n%s", r.code, want, r.stderr)
		}
	}
	r = wizardRun("insecure", "--steps", "preflight", "--accept-context")
	if r.code != 0 || !strings.Contains(r.stderr, "used as you said it reaches the cluster") {
		t.Errorf("insecure, accepted: exit %d\n%s", r.code, r.stderr)
	}

	const role = "arn:aws:iam::123456789012:role/eks-admins"
	entry := "$ aws eks create-access-entry --cluster-name lab --principal-arn " + role
	policy := "$ aws eks associate-access-policy --cluster-name lab --principal-arn " + role +
		" --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy --access-scope type=namespace,namespaces=default,workshop"
	r = wizardRun("visitor", "--steps", "preflight,iamsa")
	for _, want := range []string{role + " may not get serviceaccount default/xray-daemon on cluster lab (Kubernetes RBAC)", entry, policy} {
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("visitor (403): exit %d, want 1 and %q\n%s", r.code, want, r.stderr)
		}
	}
	r = wizardRun("stranger", "--steps", "preflight", "--output", "json")
	for _, want := range []string{"cluster lab did not accept your kube credentials: it has no access entry for " + role, entry, policy} {
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("stranger (401): exit %d, want 1 and %q\n%s", r.code, want, r.stderr)
		}
	}
	var sum struct {
		Steps []struct {
			ID       string   `json:"id"`
			Commands []string `json:"commands"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || len(sum.Steps) != 1 || len(sum.Steps[0].Commands) != 2 ||
		"$ "+sum.Steps[0].Commands[0] != entry {
		t.Errorf("the JSON summary's commands: %v\n%s", err, r.stdout)
	}
	// The token the AWS CLI made for the other role is not one this API
	// server knows: the principal named is that role, not the caller.
	r = wizardRun("assumer", "--steps", "preflight")
	if want := "it has no access entry for arn:aws:iam::123456789012:role/other-admins"; r.code != 1 || !strings.Contains(r.stderr, want) ||
		!strings.Contains(r.stderr, "$ aws eks create-access-entry --cluster-name lab --principal-arn arn:aws:iam::123456789012:role/other-admins") {
		t.Errorf("assumer (401): exit %d, want 1 and %q\n%s", r.code, want, r.stderr)
	}
}
