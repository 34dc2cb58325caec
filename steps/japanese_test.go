package steps_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/report"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Words that stay in English in a Japanese run: AWS and Kubernetes names
// and terms, the tool's and the lab's command names.
var englishAllowed = []string{
	"AWS", "IAM", "OIDC", "EKS", "IRSA", "STS", "ID", "ARN", "API", "SDK", "UDP", "TCP", "HTTP", "URL", "TLS", "SHA",
	"X-Ray", "Kubernetes", "DaemonSet", "ServiceAccount", "Pod", "ConfigMap", "Service", "ClusterRoleBinding", "Deployment",
	"Ready", "Running", "Pending", "ContainerCreating", "CrashLoopBackOff",
	"IAM OIDC provider", "IAM role", "IAM policy", "AWSXRayDaemonWriteAccess", "AWSXrayReadOnlyAccess",
	"Frontend", "Product-Catalog", "Product-Detail", "client", "daemon", "kube", "kubectl", "eksctl", "aws", "xray-wizard",
	"ACTIVE", "doctor", "default", "workshop", "ms", "ok", "sandbox", "preflight", "oidc", "iamsa", "daemonset", "pods", "sampling", "app", "traces",
	"Default", // the account's sampling rule, as X-Ray names it
	"EKS Pod Identity", "EKS Auto Mode", "IAM Identity Center", "RBAC", "kubeconfig", "irsa",
	"AmazonEKSAdminPolicy", "AmazonEKSAdminViewPolicy", "ResourceInUseException", "CREATING", "UPDATING", "DEGRADED", "DELETING",
}

// stray finds the English words in text that are not allowed: commands
// (lines with $), URLs, ARNs, flags, names with / . : = or digits are
// left out first.
func stray(text string) []string {
	skip := []*regexp.Regexp{
		regexp.MustCompile(`(?m)\$ .*$`),
		regexp.MustCompile(`(?:https?://|arn:)\S+`),
		regexp.MustCompile(`--[a-z-]+`),
		regexp.MustCompile(`\S*[/.:=_@]\S*`),
		regexp.MustCompile(`[A-Za-z-]*\d[A-Za-z0-9-]*`),    // 4xx, us-west-2, v1beta1
		regexp.MustCompile(`\b[a-z0-9]+(?:-[a-z0-9]+)+\b`), // names: cluster-admin, eksworkshop-eksctl
	}
	// Placeholders in commands are for the person to read.
	holders := strings.Join(regexp.MustCompile(`<[^<>]+>`).FindAllString(text, -1), " ")
	text = strings.ReplaceAll(text, "$ ", "\n$ ") + "\n" + holders
	for _, re := range skip {
		text = re.ReplaceAllString(text, " ")
	}
	for _, allowed := range slices.Backward(sortedByLen(englishAllowed)) {
		text = strings.ReplaceAll(text, allowed, " ")
	}
	seen := map[string]bool{}
	for _, w := range regexp.MustCompile(`[A-Za-z][A-Za-z'-]*[A-Za-z]`).FindAllString(text, -1) {
		seen[w] = true
	}
	var out []string
	for w := range seen {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

func sortedByLen(s []string) []string {
	out := slices.Clone(s)
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) < len(out[j]) })
	return out
}

// stray finds what the issue found in Japanese runs.
func TestStrayFindsEnglish(t *testing.T) {
	got := stray("  計画: create IAM OIDC provider arn:aws:iam::1:oidc-provider/x\n    $ aws iam create-open-id-connect-provider --thumbprint-list <sha1 of the issuer's root CA>\n  Frontend → Product-Catalog  17 req  4xx 0.0%")
	for _, w := range []string{"create", "root", "req"} {
		if !slices.Contains(got, w) {
			t.Errorf("stray missed %q: %q", w, got)
		}
	}
}

// A Japanese sandbox run speaks Japanese: its lines on stderr and its
// summary have no English but commands, names and AWS/Kubernetes terms.
// The second run (everything in place) and a run that fails and is
// diagnosed are read too.
func TestJapaneseRunHasNoEnglish(t *testing.T) {
	sb := startSandbox(t)
	var out bytes.Buffer
	titles := map[string]string{}
	run := func(env *steps.Env, ss []steps.Step) {
		for _, in := range steps.Infos(env, ss) {
			titles[in.ID] = in.Title
		}
		sum := (&steps.Runner{Env: env, Steps: ss, Sandbox: true}).Run(context.Background(), &report.Lines{W: &out, Lang: i18n.Ja, Titles: titles})
		report.Text(&out, sum, i18n.Ja)
	}
	// First a dry run (the plans), then the lab, then again.
	env := withDoctor(newEnv(sb, steps.Options{Lang: i18n.Ja, Requests: 10}))
	(&steps.Runner{Env: env, Steps: steps.All(), DryRun: true, Confirm: flow.Always{}}).Run(context.Background(), &report.Lines{W: &out, Lang: i18n.Ja, Titles: titles})
	run(env, steps.All())
	run(withDoctor(newEnv(sb, steps.Options{Lang: i18n.Ja, Requests: 5})), steps.All())
	if words := stray(out.String()); len(words) > 0 {
		t.Errorf("English in a Japanese run: %q\n%s", words, out.String())
	}
}

// The diagnosed failure of the traces step, in Japanese.
func TestJapaneseDiagnosisHasNoEnglish(t *testing.T) {
	sb := startSandbox(t)
	var out bytes.Buffer
	env := withDoctor(newEnv(sb, steps.Options{Lang: i18n.Ja, Requests: 5}))
	sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "preflight,app,traces"), Sandbox: true}).Run(context.Background(), &report.Lines{W: &out, Lang: i18n.Ja})
	report.Text(&out, sum, i18n.Ja)
	if words := stray(out.String()); len(words) > 0 {
		t.Errorf("English in a Japanese run: %q\n%s", words, out.String())
	}
}

// Who the daemon and the wizard are on the cluster, in Japanese: a Pod
// Identity run (the agent installed and waited for), a broken agent, a
// kube context that does not reach the cluster, and the API's refusals
// with the access-entry commands.
func TestJapaneseIdentityHasNoEnglish(t *testing.T) {
	sb := startSandbox(t)
	ctx := context.Background()
	var out bytes.Buffer
	lines := &report.Lines{W: &out, Lang: i18n.Ja}
	env := newEnv(sb, steps.Options{Lang: i18n.Ja, Identity: steps.IdentityPodIdentity})
	(&steps.Runner{Env: env, Steps: mustSelect(t, "preflight,oidc,iamsa"), DryRun: true}).Run(ctx, lines)
	report.Text(&out, (&steps.Runner{Env: env, Steps: mustSelect(t, "preflight,oidc,iamsa")}).Run(ctx, lines), i18n.Ja)
	sb.AWS.SetAddonStatus("eksworkshop-eksctl", "eks-pod-identity-agent", "DEGRADED", sandbox.AddonIssue{Code: "InsufficientNumberOfReplicas", Message: "x"})
	report.Text(&out, (&steps.Runner{Env: env, Steps: mustSelect(t, "preflight,iamsa")}).Run(ctx, lines), i18n.Ja)

	other := newEnv(sb, steps.Options{Lang: i18n.Ja})
	other.KubeContext, other.KubeServer = "my-tunnel", "https://127.0.0.1:8443"
	report.Text(&out, (&steps.Runner{Env: other, Steps: mustSelect(t, "preflight")}).Run(ctx, lines), i18n.Ja)
	other.KubeContexts = []steps.KubeContext{{Name: "eks-admin", Server: sb.AWS.Endpoint("eksworkshop-eksctl")}}
	report.Text(&out, (&steps.Runner{Env: other, Steps: mustSelect(t, "preflight")}).Run(ctx, lines), i18n.Ja)
	other.Opts.AcceptContext = true
	(&steps.Runner{Env: other, Steps: mustSelect(t, "preflight")}).Run(ctx, lines)
	other.KubeCA = []byte(sb.AWS.CA("eksworkshop-eksctl"))
	other.Opts.AcceptContext = false
	(&steps.Runner{Env: other, Steps: mustSelect(t, "preflight")}).Run(ctx, lines)

	for _, e := range []error{
		apierrors.NewUnauthorized("Unauthorized"),
		apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "daemonsets"}, "xray-daemon", errors.New("x")),
		apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "", errors.New("x")),
	} {
		var fe *flow.Error
		if !errors.As(other.KubeError("apply", "daemonset default/xray-daemon", e), &fe) || len(fe.Commands) == 0 {
			t.Fatalf("no access commands for %v", e)
		}
		fmt.Fprintf(&out, "%s\n%s\n$ %s\n", fe.Cause, fe.Fix, strings.Join(fe.Commands, "\n$ "))
	}
	if words := stray(out.String()); len(words) > 0 {
		t.Errorf("English in a Japanese run: %q\n%s", words, out.String())
	}
}
