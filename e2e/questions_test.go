package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/sandbox"
)

// awsOf serves a simulated account (the sandbox's AWS endpoints, which
// have EKS add-ons, as moto has not) and returns the environment that
// reaches it, with no kubeconfig.
func awsOf(t *testing.T, o sandbox.AWSOptions) []string {
	t.Helper()
	a := sandbox.NewAWS(o)
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return []string{"LANG=C.UTF-8", "AWS_ENDPOINT_URL=" + url, "AWS_ACCESS_KEY_ID=" + sandbox.SandboxAccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + sandbox.SandboxSecretAccessKey, "AWS_REGION=" + a.Region(),
		"AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "KUBECONFIG="}
}

// Without --identity, a person at the terminal chooses how the daemon gets
// its role, with the Pod Identity agent's state in the choice: not
// installed (the step will install it, asking), installed, or built into
// Auto Mode. Choosing Pod Identity takes effect: the oidc step has nothing
// to do.
func TestIdentityQuestion(t *testing.T) {
	question := regexp.MustCompile(`How should the X-Ray daemon get its IAM role\?`)
	cases := []struct {
		name string
		opts sandbox.AWSOptions

		option, agent string
	}{
		{"no agent", sandbox.AWSOptions{NoAddons: true}, "not installed", "not installed: the iamsa step installs it, asking first"},
		{"the add-on", sandbox.AWSOptions{}, "ACTIVE", "installed, ACTIVE (v1.3.8-eksbuild.2)"},
		{"auto mode", sandbox.AWSOptions{AutoMode: true}, "built into EKS Auto Mode", "built into EKS Auto Mode"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tm := newTmux(t, 80, 24, awsOf(t, c.opts), "--steps", "oidc")
			s := tm.waitFor(question, 20*time.Second)
			flat := strings.Join(strings.Fields(strings.ReplaceAll(s, "┃", " ")), " ")
			if !strings.Contains(flat, "> irsa: IAM Roles for Service Accounts, as the lab") || !strings.Contains(s, "pod-identity: EKS Pod Identity (agent "+c.option+")") ||
				!strings.Contains(flat, "On eksworkshop-eksctl the agent is "+c.agent+".") {
				t.Fatalf("the question:\n%s", s)
			}
			checkWidth(t, s, 80)
			if c.name != "no agent" {
				tm.keys("C-c")
				if code := tm.exitCode(10 * time.Second); code != 130 {
					t.Errorf("ctrl+c at the question: exit %d, want 130", code)
				}
				return
			}
			tm.keys("Down")
			tm.keys("Enter")
			tm.waitFor(regexp.MustCompile(`not needed: EKS Pod Identity does not use the OIDC provider`), 20*time.Second)
			tm.keys("Enter")
			if code := tm.exitCode(10 * time.Second); code != 0 {
				t.Errorf("exit %d, want 0; screen:\n%s", code, tm.screen())
			}
		})
	}
	// --identity given: no question.
	tm := newTmux(t, 80, 24, awsOf(t, sandbox.AWSOptions{}), "--steps", "oidc", "--identity", "pod-identity")
	s := tm.waitFor(regexp.MustCompile(`not needed|How should`), 20*time.Second)
	if question.MatchString(s) {
		t.Errorf("asked though --identity was given:\n%s", s)
	}
}

// A kube context that is neither on the cluster's endpoint nor trusts its
// certificate authority: at a terminal the person is asked, with both
// endpoints; yes goes on with it (here to an API server that is not
// there), no stops at preflight with what to do. Without a terminal, -y
// refuses it and names --accept-context.
func TestContextQuestion(t *testing.T) {
	env := awsOf(t, sandbox.AWSOptions{})
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := `apiVersion: v1
kind: Config
current-context: tunnel
clusters:
- name: tunnel
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
contexts:
- name: tunnel
  context: {cluster: tunnel, user: me}
users:
- name: me
  user: {token: abc}
`
	if err := os.WriteFile(kc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env = append(env, "KUBECONFIG="+kc)
	question := regexp.MustCompile(`Does kube context tunnel reach cluster eksworkshop-eksctl\?`)

	tm := newTmux(t, 80, 24, env, "--steps", "preflight")
	s := tm.waitFor(question, 20*time.Second)
	if !strings.Contains(s, "https://127.0.0.1:1") || !regexp.MustCompile(`\.gr7\.us-west-2\.eks\.amazonaws\.com`).MatchString(s) {
		t.Errorf("the question does not name both endpoints:\n%s", s)
	}
	tm.keys("y")
	tm.waitFor(regexp.MustCompile(`cannot reach the Kubernetes API at https://127\.0\.0\.1:1`), 30*time.Second)
	tm.keys("Enter")
	if code := tm.exitCode(10 * time.Second); code != 1 {
		t.Errorf("yes: exit %d, want 1", code)
	}

	tm = newTmux(t, 80, 24, env, "--steps", "preflight")
	tm.waitFor(question, 20*time.Second)
	tm.keys("n")
	tm.waitFor(regexp.MustCompile(`--accept-context`), 30*time.Second)
	tm.keys("Enter")
	if code := tm.exitCode(10 * time.Second); code != 1 {
		t.Errorf("no: exit %d, want 1", code)
	}

	r := run(t, 30*time.Second, env, "--steps", "preflight", "-y")
	if r.code != 1 || !strings.Contains(r.stderr, "kube context tunnel points at https://127.0.0.1:1, not at cluster eksworkshop-eksctl") ||
		!strings.Contains(r.stderr, "pass --accept-context") || !strings.Contains(r.stderr, "$ aws eks update-kubeconfig --name eksworkshop-eksctl --region us-west-2") {
		t.Errorf("-y: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, 30*time.Second, env, "--steps", "preflight", "-y", "--accept-context")
	if r.code != 1 || !strings.Contains(r.stderr, "used as you said it reaches the cluster") || !strings.Contains(r.stderr, "cannot reach the Kubernetes API") {
		t.Errorf("-y --accept-context: exit %d\n%s", r.code, r.stderr)
	}
}
