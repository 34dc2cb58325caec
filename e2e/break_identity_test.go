package e2e

import (
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
)

// Breaks one after another on the same world: each first sets right what
// the one before left — a role's trust for another audience, the other
// identity (IRSA, then EKS Pod Identity, then IRSA again) — so the doctor
// names only the new break.
func TestBreakAfterBreak(t *testing.T) {
	env := []string{"XRAY_WIZARD_STATE_DIR=" + t.TempDir()}
	for _, c := range []struct {
		mode   string
		doctor []string
	}{
		{"trust-aud", nil},
		{"pod-identity-policy", []string{"--identity", "pod-identity"}},
		{"policy-detached", nil},
	} {
		if r := run(t, 5*time.Minute, env, "sandbox", "break", c.mode); r.code != 0 {
			t.Fatalf("break %s: exit %d\n%s", c.mode, r.code, r.stderr)
		}
		r := run(t, time.Minute, env, append([]string{"doctor", "--sandbox", "--output", "json"}, c.doctor...)...)
		d := diagnosis(t, r)
		for _, f := range d.Findings {
			// The collector check names a role without the write policy too.
			if f.Status == flow.CheckFail && f.ID != "role" && (f.ID != "collector" || c.mode == "trust-aud") {
				t.Errorf("after break %s: %s fails: %s", c.mode, f.ID, f.Summary)
			}
		}
		if r.code != 1 {
			t.Errorf("after break %s: doctor exit %d, want 1", c.mode, r.code)
		}
	}
}
