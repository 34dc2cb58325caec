package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
)

// Lab point 9 in the practice world: the daemon set to another region.
// The command the doctor's fix text gives for the traces already sent
// works as printed and finds them there, and not in the cluster's region.
func TestDaemonOtherRegionTracesAreThere(t *testing.T) {
	env := []string{"XRAY_WIZARD_STATE_DIR=" + t.TempDir()}
	if r := run(t, 5*time.Minute, env, "sandbox", "break", "daemon-other-region"); r.code != 0 {
		t.Fatalf("break: exit %d\n%s", r.code, r.stderr)
	}
	r := run(t, time.Minute, env, "doctor", "--sandbox", "--output", "json")
	var region *flow.Finding
	d := diagnosis(t, r)
	for i, f := range d.Findings {
		if f.ID == "region" {
			region = &d.Findings[i]
		}
	}
	if region == nil || region.Status != flow.CheckFail {
		t.Fatalf("region: %+v", region)
	}
	m := regexp.MustCompile(`xray-wizard (traces --sandbox --region (\S+))`).FindStringSubmatch(region.Fix)
	if m == nil || m[2] != "ap-northeast-1" {
		t.Fatalf("the fix names no traces command for ap-northeast-1: %q", region.Fix)
	}
	// count runs traces --output json; a count of none exits 1.
	count := func(args ...string) (string, int) {
		t.Helper()
		r := run(t, time.Minute, env, append(args, "--output", "json")...)
		var out struct {
			Region string `json:"region"`
			Traces struct {
				Total int `json:"total"`
			} `json:"traces"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || (r.code != 0) != (out.Traces.Total == 0) {
			t.Fatalf("%v: exit %d\n%s\n%s", args, r.code, r.stdout, r.stderr)
		}
		return out.Region, out.Traces.Total
	}
	there, n := count(strings.Fields(m[1])...)
	if there != "ap-northeast-1" || n == 0 {
		t.Errorf("%s: %d traces in %s", m[0], n, there)
	}
	// X-Ray keeps each region's traces apart: a region nothing sent to
	// has none, and without --region the count is the cluster's.
	if r, k := count("traces", "--sandbox", "--region", "eu-west-1"); r != "eu-west-1" || k != 0 {
		t.Errorf("traces --sandbox --region eu-west-1: %d traces in %s", k, r)
	}
	if r, _ := count("traces", "--sandbox"); r != "us-west-2" {
		t.Errorf("traces --sandbox counted in %s", r)
	}
}

// Lab point 10 in the practice world: Cloud9's managed temporary
// credentials on. The wizard's own run, not only the doctor, names the
// cause and the fix (the Cloud9 setting, and in the sandbox the command
// that is that switch), in English and Japanese; the command works as
// given, and then the wizard runs through.
func TestCloud9CredentialsTheWizardSaysSo(t *testing.T) {
	env := []string{"XRAY_WIZARD_STATE_DIR=" + t.TempDir()}
	if r := run(t, 5*time.Minute, env, "sandbox", "break", "cloud9-credentials"); r.code != 0 {
		t.Fatalf("break: exit %d\n%s", r.code, r.stderr)
	}
	const switchOff = "xray-wizard sandbox cloud9 --managed-credentials=off"
	for _, c := range []struct{ lang, cause, fix string }{
		{"en", "Cloud9's AWS managed temporary credentials cannot call IAM (InvalidClientTokenId)", `turn off "AWS managed temporary credentials"`},
		{"ja", "Cloud9 の AWS マネージド一時認証情報では IAM を呼べません (InvalidClientTokenId)", "「AWS managed temporary credentials」をオフ"},
	} {
		r := run(t, 2*time.Minute, env, "--sandbox", "-y", "--output", "json", "--lang", c.lang)
		var sum flow.Summary
		if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || r.code != 1 {
			t.Fatalf("%s: exit %d, %v\n%s\n%s", c.lang, r.code, err, r.stdout, r.stderr)
		}
		var oidc *flow.StepSummary
		for i, s := range sum.Steps {
			if s.ID == "oidc" {
				oidc = &sum.Steps[i]
			}
		}
		if oidc == nil || oidc.Status != flow.Failed || !strings.Contains(oidc.Detail, c.cause) ||
			!strings.Contains(oidc.Fix, c.fix) || !strings.HasSuffix(oidc.Fix, switchOff) {
			t.Fatalf("%s: the oidc step: %+v", c.lang, oidc)
		}
	}
	args := strings.Fields(strings.TrimPrefix(switchOff, "xray-wizard "))
	if r := run(t, time.Minute, env, args...); r.code != 0 || !strings.Contains(r.stdout, "workshop-admin") {
		t.Fatalf("%s: exit %d\n%s\n%s", switchOff, r.code, r.stdout, r.stderr)
	}
	if r := run(t, 3*time.Minute, env, "--sandbox", "-y"); r.code != 0 {
		t.Fatalf("the wizard after the switch: exit %d\n%s", r.code, r.stderr)
	}
}
