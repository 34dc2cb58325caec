package steps_test

import (
	"context"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

func runSteps(t *testing.T, env *steps.Env, ids string, c flow.Confirmer) flow.Summary {
	t.Helper()
	ss, err := steps.Select(ids)
	if err != nil {
		t.Fatal(err)
	}
	return (&steps.Runner{Env: env, Steps: ss, Confirm: c}).Run(context.Background(), &events{})
}

// Each failure a person meets names its cause and its fix in one line.
func TestErrorsAPersonCanActOn(t *testing.T) {
	sb := startSandbox(t)

	// Credentials AWS does not accept (Cloud9's managed temporary ones).
	env := newEnv(sb, steps.Options{})
	bad := sb.AWSConfig()
	bad.Credentials = credentials.NewStaticCredentialsProvider("ASIAEXPIREDEXPIRED00", "x", "token")
	env.UseAWS(bad)
	s := runSteps(t, env, "preflight", nil).Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "InvalidClientTokenId") || !strings.Contains(s.Fix, "Cloud9") {
		t.Errorf("bad credentials: %+v", s)
	}

	// A cluster that does not exist: the ones that do are listed.
	env = newEnv(sb, steps.Options{Cluster: "nosuch"})
	s = runSteps(t, env, "preflight", nil).Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "nosuch not found in us-west-2") || !strings.Contains(s.Fix, "eksworkshop-eksctl") {
		t.Errorf("missing cluster: %+v", s)
	}

	// Nothing listens at the endpoint.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	env = newEnv(sb, steps.Options{})
	gone := sb.AWSConfig()
	gone.BaseEndpoint = aws.String("http://" + addr)
	gone.RetryMaxAttempts = 1
	env.UseAWS(gone)
	s = runSteps(t, env, "preflight", nil).Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "cannot reach AWS") || !strings.Contains(s.Detail, addr) || s.Fix == "" {
		t.Errorf("unreachable endpoint: %+v", s)
	}
	for _, st := range []string{s.Detail, s.Fix} {
		if strings.Contains(st, "\n") {
			t.Errorf("more than one line: %q", st)
		}
	}
}

// A ServiceAccount someone else made is changed only with the flag or a
// person's confirmation; a role whose trust differs is reported with the
// difference and fixed only after confirmation.
func TestForeignServiceAccountAndTrust(t *testing.T) {
	sb := startSandbox(t)
	ctx := context.Background()
	if _, err := sb.Clientset().CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon", Namespace: "default", Labels: map[string]string{"team": "platform"}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(sb, steps.Options{})
	sum := runSteps(t, env, "oidc,iamsa", nil)
	if s := sum.Steps[1]; s.Status != flow.Failed || !strings.Contains(s.Detail, "not made by xray-wizard") || !strings.Contains(s.Fix, "--override-existing-serviceaccounts") {
		t.Fatalf("foreign SA with -y: %+v", s)
	}
	if sum := runSteps(t, newEnv(sb, steps.Options{}), "iamsa", yes{}); sum.Steps[0].Status != flow.Created {
		t.Fatalf("foreign SA, confirmed: %+v", sum.Steps[0])
	}
	sa, _ := sb.Clientset().CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
	if sa.Annotations["eks.amazonaws.com/role-arn"] == "" || sa.Labels["team"] != "platform" {
		t.Errorf("SA after confirmation: %+v", sa.ObjectMeta)
	}

	// Someone narrowed the trust to another service account.
	role := steps.RoleName("eksworkshop-eksctl", "default", "xray-daemon")
	ic := iam.NewFromConfig(sb.AWSConfig())
	got, _ := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	doc := strings.ReplaceAll(aws.ToString(got.Role.AssumeRolePolicyDocument), "xray-daemon", "other")
	if _, err := ic.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(unescape(doc))}); err != nil {
		t.Fatal(err)
	}
	s := runSteps(t, newEnv(sb, steps.Options{}), "iamsa", nil).Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "system:serviceaccount:default:other, want system:serviceaccount:default:xray-daemon") {
		t.Fatalf("trust differs, -y: %+v", s)
	}
	if s := runSteps(t, newEnv(sb, steps.Options{}), "iamsa", yes{}).Steps[0]; s.Status != flow.Changed {
		t.Fatalf("trust differs, confirmed: %+v", s)
	}
	if s := runSteps(t, newEnv(sb, steps.Options{}), "iamsa", nil).Steps[0]; !strings.Contains(s.Detail, "already") {
		t.Errorf("after the fix: %+v", s)
	}
}

func unescape(s string) string {
	out, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return out
}
