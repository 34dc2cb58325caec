package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The whole lab in the sandbox without a terminal, with the workshop's
// sampling rule: every step done, one trace per request counted (the rule
// records every request, and the summary says so), exit 0.
func TestSandboxJSON(t *testing.T) {
	r := run(t, 2*time.Minute, nil, "--sandbox", "-y", "--sampling-rule", "record-all", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s\nstdout:\n%s", r.code, r.stderr, r.stdout)
	}
	var sum struct {
		Sandbox bool `json:"sandbox"`
		Steps   []struct{ ID, Status, Detail string }
		Traces  struct {
			Total, OK, Error, Fault, Throttle int
			ByService                         map[string]int
			Sampling                          struct {
				Rules []struct {
					Name          string  `json:"name"`
					Priority      int     `json:"priority"`
					ReservoirSize int     `json:"reservoirSize"`
					FixedRate     float64 `json:"fixedRate"`
					ServiceName   string  `json:"serviceName"`
				} `json:"rules"`
				RequestsSent int  `json:"requestsSent"`
				Expected     *int `json:"expected"`
			} `json:"sampling"`
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.stdout)
	}
	// What each step did: read, or made what was not there.
	want := [][2]string{{"preflight", "done"}, {"oidc", "created"}, {"iamsa", "created"}, {"daemonset", "created"},
		{"pods", "done"}, {"sampling", "created"}, {"app", "done"}, {"traces", "done"}}
	if len(sum.Steps) != len(want) {
		t.Fatalf("steps = %+v", sum.Steps)
	}
	for i, s := range sum.Steps {
		if s.ID != want[i][0] || s.Status != want[i][1] || s.Detail == "" {
			t.Errorf("step %d = %+v, want %s %s with a detail", i, s, want[i][0], want[i][1])
		}
	}
	tr := sum.Traces
	if tr.Total != 20 || tr.OK+tr.Error+tr.Fault+tr.Throttle != tr.Total {
		t.Errorf("traces = %+v, want 20: the workshop rule records every request", tr)
	}
	sp := tr.Sampling
	if len(sp.Rules) != 2 || sp.Rules[0].Name != "xray-wizard-workshop" || sp.Rules[0].FixedRate != 1 || sp.Rules[0].ServiceName != "Frontend" ||
		sp.Rules[1].Name != "Default" || sp.Rules[1].Priority != 10000 || sp.Rules[1].ReservoirSize != 1 || sp.Rules[1].FixedRate != 0.05 ||
		sp.RequestsSent != 20 || sp.Expected == nil || *sp.Expected != 20 {
		t.Errorf("traces.sampling = %+v", sp)
	}
	for _, svc := range []string{"Frontend", "Product-Catalog"} {
		if tr.ByService[svc] == 0 {
			t.Errorf("no traces through %s: %v", svc, tr.ByService)
		}
	}
	if !sum.Sandbox {
		t.Error("summary does not say it came from the sandbox")
	}
	// One line per event on stderr, the sandbox named.
	for _, s := range []string{"PRACTICE SANDBOX", "▶ oidc", "✓ sampling", "✓ traces"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
}

// Without a terminal and without -y, piped output or CI is not consent:
// the run checks and plans every step, changes nothing, says how to apply,
// and exits 3.
func TestNoTerminalIsNotConsent(t *testing.T) {
	for _, env := range [][]string{nil, {"CI=true"}} {
		r := run(t, time.Minute, env, "--sandbox", "--output", "json")
		if r.code != 3 {
			t.Fatalf("env %v: exit %d, want 3\nstderr:\n%s", env, r.code, r.stderr)
		}
		var sum struct {
			NotApplied bool `json:"notApplied"`
			Steps      []struct {
				ID, Status, Detail string
				Plan               *struct{ Changes []struct{ Action string } }
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
			t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.stdout)
		}
		if !sum.NotApplied || len(sum.Steps) != 8 {
			t.Fatalf("env %v: summary %+v", env, sum)
		}
		if s := sum.Steps[0]; s.ID != "preflight" || s.Status != "done" {
			t.Errorf("preflight only reads, so it runs: %+v", s)
		}
		for _, s := range sum.Steps[1:] {
			if s.Status != "planned" || s.Plan == nil {
				t.Errorf("env %v: %s %s, want planned with its plan", env, s.ID, s.Status)
			}
		}
		if c := sum.Steps[1].Plan.Changes; len(c) != 1 || c[0].Action != "create" || !strings.Contains(sum.Steps[1].Detail, "-y") {
			t.Errorf("oidc: %+v", sum.Steps[1])
		}
		if !strings.Contains(r.stderr, "run it again with -y") || strings.Contains(r.stderr, "✓ oidc") {
			t.Errorf("env %v: stderr:\n%s", env, r.stderr)
		}
	}
}

// A second run finds everything in place and changes nothing.
func TestSandboxDryRunChangesNothing(t *testing.T) {
	r := run(t, time.Minute, nil, "--sandbox", "--dry-run", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var sum struct {
		DryRun bool `json:"dryRun"`
		Steps  []struct {
			ID, Status string
			Plan       *struct {
				Changes  []struct{ Action, Kind, Name string }
				Commands []string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if !sum.DryRun || len(sum.Steps) != 8 {
		t.Fatalf("summary = %+v", sum)
	}
	changes := map[string]int{}
	for _, s := range sum.Steps {
		if s.Status != "planned" || s.Plan == nil || len(s.Plan.Commands) == 0 {
			t.Errorf("step %s: status %s, plan %+v", s.ID, s.Status, s.Plan)
			continue
		}
		for _, c := range s.Plan.Changes {
			if c.Action != "none" {
				changes[s.ID]++
			}
		}
	}
	for _, id := range []string{"oidc", "iamsa", "daemonset"} {
		if changes[id] == 0 {
			t.Errorf("dry run plans no change for %s on a fresh sandbox", id)
		}
	}
	joined := r.stdout
	for _, cmd := range []string{"eksctl utils associate-iam-oidc-provider", "eksctl create iamserviceaccount", "kubectl apply -f", "aws iam create-role"} {
		if !strings.Contains(joined, cmd) {
			t.Errorf("dry run does not show %q", cmd)
		}
	}
}

// Bad usage: one line naming the problem and a hint, exit 2, no stack trace.
func TestBadUsage(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag: --bogus"},
		{[]string{"--steps", "oidc,nope", "--sandbox"}, `unknown step "nope"`},
		{[]string{"--output", "xml", "--sandbox"}, `--output "xml"`},
		{[]string{"--lang", "xx", "--sandbox"}, `--lang "xx"`},
		{[]string{"--cluster", "bad name!", "--sandbox"}, "not a valid EKS cluster name"},
		{[]string{"--region", "xx-nowhere-1"}, "xx-nowhere-1"},
		{[]string{"extra-arg"}, "unknown command"},
		{[]string{"--profile", "nope", "-y"}, `--profile "nope": no such AWS profile`},
		{[]string{"-y", "--steps", "oidc"}, "no AWS region is set"},
	}
	for _, c := range cases {
		r := run(t, 30*time.Second, nil, c.args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", c.args, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if len(lines) > 2 || !strings.Contains(lines[0], c.want) {
			t.Errorf("%v: stderr %q, want one line with %q (and at most a fix line)", c.args, r.stderr, c.want)
		}
		if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: stack trace on stderr", c.args)
		}
		if r.stdout != "" {
			t.Errorf("%v: stdout not empty: %q", c.args, r.stdout)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	if r := run(t, 10*time.Second, nil, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "xray-wizard ") {
		t.Errorf("version: %+v", r)
	}
	r := run(t, 10*time.Second, nil, "--help")
	for _, flag := range []string{"--sandbox", "--cluster", "--region", "--profile", "--kubeconfig", "--context", "--namespace", "--app-namespace", "--steps", "--dry-run", "--yes", "--output", "--lang", "--log-file"} {
		if !strings.Contains(r.stdout, flag) {
			t.Errorf("--help lacks %s", flag)
		}
	}
	if !strings.Contains(r.stdout, "Exit codes: 0 success, 1 a step failed, 2 bad usage, 3 changes planned") {
		t.Errorf("--help does not list exit code 3:\n%s", r.stdout)
	}
	// A command's help lists only the root flags it uses.
	r = run(t, 10*time.Second, nil, "sandbox", "serve", "--help")
	if !strings.Contains(r.stdout, "--listen") || !strings.Contains(r.stdout, "--lang") {
		t.Errorf("sandbox serve --help lacks --listen or --lang:\n%s", r.stdout)
	}
	for _, cmd := range [][]string{{"sandbox", "serve"}, {"version"}} {
		r = run(t, 10*time.Second, nil, append(cmd, "--help")...)
		if strings.Contains(r.stdout, "--cluster") || strings.Contains(r.stdout, "--yes") {
			t.Errorf("%v --help lists flags it does not use:\n%s", cmd, r.stdout)
		}
	}
}
