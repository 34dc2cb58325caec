package steps_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/internal/steptest"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The wizard's own run, when IAM refuses Cloud9's managed temporary
// credentials: in a Cloud9 terminal the failing step names the setting
// and its fix (and the practice sandbox's switch, where there is one), in
// both languages; elsewhere the refusal is the credentials' general error.
func TestCloud9RefusalInTheWizard(t *testing.T) {
	sb := startSandbox(t)
	sb.AWS.SetCloud9ManagedCredentials(true)
	run := func(lang i18n.Lang, c9 *steps.Cloud9) flow.StepSummary {
		env := newEnv(sb, steps.Options{Lang: lang})
		env.Cloud9 = c9
		sum := (&steps.Runner{Env: env, Steps: steptest.Select(t, "preflight,oidc")}).Run(context.Background(), &events{})
		if sum.Steps[0].Status == flow.Failed {
			t.Fatalf("preflight (STS answers these credentials): %+v", sum.Steps[0])
		}
		return sum.Steps[1]
	}
	const off = "xray-wizard sandbox cloud9 --managed-credentials=off"
	s := run(i18n.En, &steps.Cloud9{Command: off})
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "IAM refused iam:") || !strings.Contains(s.Detail, "Cloud9's AWS managed temporary credentials") ||
		!strings.Contains(s.Fix, "Preferences") || !strings.HasSuffix(s.Fix, "In the practice sandbox that switch is: "+off) {
		t.Errorf("en: %+v", s)
	}
	s = run(i18n.Ja, steps.Cloud9FromEnv(func(k string) string { return map[string]string{"C9_PID": "0123abcd"}[k] }))
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "Cloud9 の AWS マネージド一時認証情報") || strings.Contains(s.Fix, "xray-wizard sandbox") {
		t.Errorf("ja, a real Cloud9 terminal: %+v", s)
	}
	s = run(i18n.En, nil)
	if s.Status != flow.Failed || strings.Contains(s.Detail, "Cloud9's") || !strings.Contains(s.Detail, "InvalidClientTokenId") {
		t.Errorf("not Cloud9: %+v", s)
	}
}

func TestCloud9FromEnv(t *testing.T) {
	if steps.Cloud9FromEnv(func(string) string { return "" }) != nil {
		t.Error("no C9_ variables: Cloud9")
	}
	c := steps.Cloud9FromEnv(func(k string) string {
		return map[string]string{"C9_HOSTNAME": "vfs.cloud9.us-west-2.amazonaws.com", "C9_PID": "4f0e", "C9_PROJECT": "eksworkshop"}[k]
	})
	if c == nil || c.EnvironmentID != "4f0e" || c.Name != "eksworkshop" || c.Evidence != "C9_PID=4f0e" || c.Command != "" || c.SetManaged != nil {
		t.Errorf("Cloud9FromEnv = %+v", c)
	}
}
