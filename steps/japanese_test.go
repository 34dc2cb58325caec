package steps_test

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/report"
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
	"Default",                                      // the account's sampling rule, as X-Ray names it
	"OpenTelemetry Collector", "Collector", "otel", // the other collector, its name and its --collector value
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
