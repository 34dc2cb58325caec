package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

// savedWorld is what the test reads of the saved world: the ids AWS gave.
type savedWorld struct {
	AWS struct {
		Roles []struct {
			Name, ID, ARN string
			Created       time.Time
		}
		OIDCProviders []struct {
			ARN     string
			Created time.Time
		}
		XRay map[string]struct {
			SamplingRules []sandbox.SamplingRuleState
		}
	}
}

func readWorld(t *testing.T, dir string) savedWorld {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "sandbox", "world.json"))
	if err != nil {
		t.Fatal(err)
	}
	var w savedWorld
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// awsCalls are the calls the sandbox's AWS answered in a run, from its
// debug log.
func awsCalls(t *testing.T, logFile string) map[string]int {
	t.Helper()
	f, err := os.Open(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Msg   string
			Calls map[string]int
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "sandbox aws calls" {
			return line.Calls
		}
	}
	t.Fatalf("no sandbox aws calls in %s", logFile)
	return nil
}

// mutating are the calls that change the account's setup (the daemon's
// uploads and role sessions are its work, not setup).
func mutating(calls map[string]int) []string {
	var out []string
	for call := range calls {
		_, action, _ := strings.Cut(call, ".")
		for _, verb := range []string{"Create", "Delete", "Attach", "Detach", "Tag", "Untag", "Update", "Put", "Add", "Remove", "Associate"} {
			if strings.HasPrefix(action, verb) && call != "XRay.PutTraceSegments" {
				out = append(out, call)
			}
		}
	}
	return out
}

func doctorStatus(t *testing.T, r result) map[string]flow.CheckStatus {
	t.Helper()
	var d flow.Diagnosis
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("doctor: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	out := map[string]flow.CheckStatus{}
	for _, f := range d.Findings {
		out[f.ID] = f.Status
	}
	return out
}

// The practice world is kept between runs, as an account and a cluster
// are: the doctor finds nothing set up, a run sets it up, a second run
// changes nothing, the doctor then finds it healthy, cleanup takes it
// down again, and sandbox reset starts a fresh world.
func TestSandboxWorldPersists(t *testing.T) {
	state := t.TempDir()
	env := []string{"XRAY_WIZARD_STATE_DIR=" + state}
	logs := t.TempDir()

	r := run(t, time.Minute, env, "doctor", "--sandbox", "--output", "json")
	if st := doctorStatus(t, r); r.code != 1 || st["oidc"] != flow.CheckFail || st["role"] != flow.CheckFail {
		t.Fatalf("doctor before any run: exit %d, %v", r.code, st)
	}

	wizard := func(n int) {
		t.Helper()
		log := filepath.Join(logs, fmt.Sprintf("run%d.log", n))
		r := run(t, 2*time.Minute, env, "--sandbox", "-y", "--sampling-rule", "record-all", "--output", "json", "--log-file", log)
		if r.code != 0 {
			t.Fatalf("run %d: exit %d\n%s\n%s", n, r.code, r.stderr, r.stdout)
		}
		var sum flow.Summary
		if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
			t.Fatal(err)
		}
		for _, s := range sum.Steps {
			if s.Status == flow.Failed || s.Status == flow.Skipped {
				t.Errorf("run %d: step %s %s: %s", n, s.ID, s.Status, s.Detail)
			}
		}
		calls := awsCalls(t, log)
		switch m := mutating(calls); {
		case n == 1 && (calls["IAM.CreateRole"] != 1 || calls["IAM.CreateOpenIDConnectProvider"] != 1):
			t.Errorf("run 1 calls %v", calls)
		case n == 2 && len(m) > 0:
			t.Errorf("run 2 changed the account: %v (all calls %v)", m, calls)
		}
	}
	wizard(1)
	w1 := readWorld(t, state)
	if len(w1.AWS.Roles) != 1 || len(w1.AWS.OIDCProviders) != 1 {
		t.Fatalf("saved world after run 1: %+v", w1.AWS)
	}
	// The workshop sampling rule is kept with the world: run 2 finds it.
	if r := w1.AWS.XRay["us-west-2"].SamplingRules; len(r) != 2 || r[0].Name != "xray-wizard-workshop" || r[0].FixedRate != 1 {
		t.Fatalf("saved sampling rules after run 1: %+v", r)
	}
	wizard(2)
	w2 := readWorld(t, state)
	if len(w2.AWS.Roles) != 1 || w2.AWS.Roles[0] != w1.AWS.Roles[0] {
		t.Errorf("role after run 2 %+v, after run 1 %+v", w2.AWS.Roles, w1.AWS.Roles)
	}
	if len(w2.AWS.OIDCProviders) != 1 || w2.AWS.OIDCProviders[0] != w1.AWS.OIDCProviders[0] {
		t.Errorf("OIDC provider after run 2 %+v, after run 1 %+v", w2.AWS.OIDCProviders, w1.AWS.OIDCProviders)
	}

	r = run(t, time.Minute, env, "doctor", "--sandbox", "--output", "json")
	if st := doctorStatus(t, r); r.code != 0 {
		t.Errorf("doctor after a full run: exit %d, %v\n%s", r.code, st, r.stdout)
	}

	// traces --sandbox shows the runs' traces, not made-up ones.
	r = run(t, time.Minute, env, "traces", "--sandbox", "--output", "json")
	var tr struct{ Traces flow.TraceCounts }
	if err := json.Unmarshal([]byte(r.stdout), &tr); err != nil || r.code != 0 || tr.Traces.Total <= 20 || tr.Traces.Total > 40 {
		t.Errorf("traces after two runs of 20 requests: exit %d, %+v, %v\n%s", r.code, tr.Traces, err, r.stderr)
	}

	r = run(t, time.Minute, env, "cleanup", "--sandbox", "-y", "--output", "json")
	if r.code != 0 {
		t.Fatalf("cleanup: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, time.Minute, env, "doctor", "--sandbox", "--output", "json")
	if st := doctorStatus(t, r); r.code != 1 || st["daemonset"] != flow.CheckFail || st["role"] != flow.CheckFail {
		t.Errorf("doctor after cleanup: exit %d, %v", r.code, st)
	}

	for _, r := range readWorld(t, state).AWS.XRay["us-west-2"].SamplingRules {
		if r.Name == "xray-wizard-workshop" {
			t.Errorf("cleanup left the workshop sampling rule: %+v", r)
		}
	}

	r = run(t, 30*time.Second, env, "sandbox", "reset", "-y")
	if r.code != 0 || !strings.Contains(r.stderr, "Removed") {
		t.Fatalf("reset: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(state, "sandbox", "world.json")); !os.IsNotExist(err) {
		t.Errorf("world.json after reset: %v", err)
	}
	// A fresh world: not even the OIDC provider cleanup leaves is there.
	r = run(t, time.Minute, env, "doctor", "--sandbox", "--output", "json")
	if st := doctorStatus(t, r); r.code != 1 || st["oidc"] != flow.CheckFail {
		t.Errorf("doctor after reset: exit %d, %v", r.code, st)
	}
}

// One run at a time: while another holds the world, a run stops at once
// with exit 2 and names it; a file it cannot read gives a fresh world and
// a line saying so, never a crash.
func TestSandboxWorldLockAndBadFile(t *testing.T) {
	state := t.TempDir()
	env := []string{"XRAY_WIZARD_STATE_DIR=" + state}
	held, err := sandbox.OpenState(filepath.Join(state, "sandbox"), "xray-wizard --sandbox (the test)")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"doctor", "--sandbox"}, {"--sandbox", "-y"}, {"sandbox", "reset", "-y"}} {
		r := run(t, 30*time.Second, env, args...)
		if r.code != 2 || !strings.Contains(r.stderr, fmt.Sprintf("pid %d (xray-wizard --sandbox (the test))", os.Getpid())) {
			t.Errorf("%v while the world is held: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	held.Close()

	path := filepath.Join(state, "sandbox", "world.json")
	if err := os.WriteFile(path, []byte(`{"version": 0, "aws": "garbled`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, time.Minute, env, "doctor", "--sandbox", "--output", "json")
	if st := doctorStatus(t, r); r.code != 1 || st["credentials"] != flow.CheckOK || !strings.Contains(r.stderr, "could not be read") ||
		!strings.Contains(r.stderr, "starting a fresh one") {
		t.Errorf("unreadable world: exit %d, %v\n%s", r.code, st, r.stderr)
	}
	aside, _ := filepath.Glob(path + ".unreadable-*")
	if len(aside) != 1 {
		t.Errorf("the unreadable file was not kept aside: %v", aside)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("no fresh world saved: %v", err)
	}
}
