package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox/practice"
)

// diagnosis reads doctor --output json.
func diagnosis(t *testing.T, r result) flow.Diagnosis {
	t.Helper()
	var d flow.Diagnosis
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("doctor: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	return d
}

func failing(d flow.Diagnosis) []string {
	var out []string
	for _, f := range d.Findings {
		if f.Status == flow.CheckFail {
			out = append(out, f.ID+": "+f.Summary+" → "+f.Command)
		}
	}
	return out
}

// Every failure mode can be practised: break it, the doctor names it with
// exit 1, the fix it prints, run exactly as printed, brings it back to
// exit 0.
func TestBreakDoctorFix(t *testing.T) {
	for _, m := range practice.Modes() {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			env := []string{"XRAY_WIZARD_STATE_DIR=" + t.TempDir()}
			r := run(t, 5*time.Minute, env, "sandbox", "break", m.Name)
			if r.code != 0 {
				t.Fatalf("break: exit %d\n%s", r.code, r.stderr)
			}
			// The doctor as the break says to run it (a Pod Identity mode's
			// with --identity pod-identity).
			next := regexp.MustCompile(`Now find it: xray-wizard (doctor .*)`).FindStringSubmatch(r.stderr)
			if next == nil {
				t.Fatalf("the break names no doctor command:\n%s", r.stderr)
			}
			doctor := append(strings.Fields(next[1]), "--output", "json")
			r = run(t, time.Minute, env, doctor...)
			d := diagnosis(t, r)
			var named *flow.Finding
			for i, f := range d.Findings {
				if f.ID == m.Check {
					named = &d.Findings[i]
				}
			}
			if r.code != 1 || named == nil || named.Status != flow.CheckFail {
				t.Fatalf("doctor after the break: exit %d, want %s to fail; failing: %v", r.code, m.Check, failing(d))
			}
			args, ok := strings.CutPrefix(named.Command, "xray-wizard ")
			if !ok {
				t.Fatalf("the fix is not an xray-wizard command: %q", named.Command)
			}
			if strings.HasSuffix(named.Command, " -y") {
				r = run(t, 5*time.Minute, env, strings.Fields(args)...)
				if r.code != 0 {
					t.Fatalf("the fix %q: exit %d\n%s", named.Command, r.code, r.stderr)
				}
			} else if code, screen := answerInTmux(t, env, strings.Fields(args)...); code != 0 {
				// A change only a person approves: the fix asks at the terminal.
				t.Fatalf("the fix %q at a terminal: exit %d; last screen:\n%s", named.Command, code, screen)
			}
			r = run(t, time.Minute, env, doctor...)
			if d := diagnosis(t, r); r.code != 0 {
				t.Fatalf("doctor after %q: exit %d; failing: %v", named.Command, r.code, failing(d))
			}
		})
	}
}

// answerInTmux runs the wizard at a terminal, says yes to every question
// and leaves its final screen, and returns its exit code and last screen.
func answerInTmux(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	m := newTmux(t, 80, 24, append([]string{"LANG=C.UTF-8"}, env...), args...)
	prompt := regexp.MustCompile(`Go ahead\?|実行しますか\?`)
	final := regexp.MustCompile(`enter/q exit|enter/q 終了`)
	done := filepath.Join(filepath.Dir(m.socket), "exit-code")
	deadline := time.Now().Add(2 * time.Minute)
	var s string
	for time.Now().Before(deadline) {
		if _, err := os.Stat(done); err == nil {
			break
		}
		s = m.screen()
		if prompt.MatchString(s) || final.MatchString(s) {
			m.keys("Enter")
			time.Sleep(300 * time.Millisecond)
			continue
		}
		time.Sleep(100 * time.Millisecond)
	}
	return m.exitCode(10 * time.Second), s
}

// The loop a learner goes through at a terminal: break the world, read
// the doctor's screen for the finding and its fix, run the fix as shown
// (it asks, and is answered), and the doctor is content.
func TestTUIBreakDoctorFix(t *testing.T) {
	env := []string{"XRAY_WIZARD_STATE_DIR=" + t.TempDir()}
	if r := run(t, 3*time.Minute, env, "sandbox", "break", "trust-aud"); r.code != 0 {
		t.Fatalf("break: exit %d\n%s", r.code, r.stderr)
	}
	m := newTmux(t, 80, 24, append([]string{"LANG=C.UTF-8"}, env...), "doctor", "--sandbox")
	m.waitFor(regexp.MustCompile(`checks failed`), 30*time.Second)
	fix := regexp.MustCompile(`(?m)^\s*\$ (xray-wizard .*\S)\s*$`)
	var s string
	for range 40 {
		if s = m.screen(); fix.MatchString(s) {
			break
		}
		m.keys("Down")
		time.Sleep(50 * time.Millisecond)
	}
	match := fix.FindStringSubmatch(s)
	if match == nil || !strings.Contains(s, "Service account's IAM role and trust") {
		t.Fatalf("the doctor's screen shows no failing role check with a fix:\n%s", s)
	}
	checkWidth(t, s, 80)
	m.keys("q")
	if code := m.exitCode(10 * time.Second); code != 1 {
		t.Fatalf("doctor exit %d, want 1", code)
	}
	args := strings.Fields(strings.TrimPrefix(match[1], "xray-wizard "))
	if code, screen := answerInTmux(t, env, args...); code != 0 {
		t.Fatalf("the fix %q: exit %d; last screen:\n%s", match[1], code, screen)
	}
	if r := run(t, time.Minute, env, "doctor", "--sandbox", "--output", "json"); r.code != 0 {
		t.Fatalf("doctor after the fix: exit %d; failing: %v", r.code, failing(diagnosis(t, r)))
	}
}
