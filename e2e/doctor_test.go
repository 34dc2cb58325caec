package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
)

// The doctor on the practice sandbox before anything is set up: the
// missing parts fail with their fixes, exit 1; as JSON, as text in
// Japanese, and on a real terminal.
func TestDoctorCommand(t *testing.T) {
	r := run(t, 60*time.Second, nil, "doctor", "--sandbox", "--output", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var d flow.Diagnosis
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	status := map[string]flow.CheckStatus{}
	for _, f := range d.Findings {
		status[f.ID] = f.Status
		if f.Status == flow.CheckFail && (f.Fix == "" || f.Command == "") {
			t.Errorf("%s fails without a fix: %+v", f.ID, f)
		}
	}
	for id, want := range map[string]flow.CheckStatus{"credentials": flow.CheckOK, "cluster": flow.CheckOK,
		"daemonset": flow.CheckFail, "oidc": flow.CheckFail, "role": flow.CheckFail, "traces": flow.CheckFail} {
		if status[id] != want {
			t.Errorf("%s: %s, want %s", id, status[id], want)
		}
	}
	if !d.Sandbox || len(d.Findings) != len(doctor.CheckIDs()) {
		t.Errorf("sandbox %v, %d findings", d.Sandbox, len(d.Findings))
	}

	r = run(t, 60*time.Second, nil, "doctor", "--sandbox", "--lang", "ja")
	for _, want := range []string{"件の確認で問題が見つかりました", "xray-wizard --sandbox --steps oidc -y", "対処:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text lacks %q:\n%s", want, r.stdout)
		}
	}

	m := newTmux(t, 80, 24, []string{"LANG=en_US.UTF-8"}, "doctor", "--sandbox")
	s := m.waitFor(regexp.MustCompile(`checks failed`), 30*time.Second)
	checkWidth(t, s, 80)
	for _, want := range []string{"xray-wizard doctor", "PRACTICE SANDBOX", "AWS credentials", "q exit"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	m.keys("q")
	if code := m.exitCode(10 * time.Second); code != 1 {
		t.Errorf("exit %d after q, want 1", code)
	}
}

// cleanup from the command line: the plan without changes on a fresh
// sandbox, exit 0, nothing to look at; bad flags are usage errors.
func TestCleanupCommand(t *testing.T) {
	r := run(t, 60*time.Second, nil, "cleanup", "--sandbox", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var sum flow.Summary
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if sum.Command != "cleanup" || len(sum.Steps) != 1 || sum.Steps[0].ID != "cleanup" || sum.Steps[0].Status != flow.Unchanged || len(sum.Console) != 0 {
		t.Errorf("summary = %+v", sum)
	}
	if r := run(t, 10*time.Second, nil, "cleanup", "--include-oidc"); r.code != 2 {
		t.Errorf("unknown flag: exit %d", r.code)
	}
}
