package doctor

import (
	"context"
	"slices"
	"testing"

	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The table of checks: each id once, each title with its text, each with a
// check to run.
func TestChecksTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range checks {
		if c.ID == "" || seen[c.ID] {
			t.Errorf("id %q empty or twice", c.ID)
		}
		seen[c.ID] = true
		if _, _, ok := i18n.Both(c.Title); !ok {
			t.Errorf("%s: title %q has no text", c.ID, c.Title)
		}
		if c.Run == nil {
			t.Errorf("%s: nothing to run", c.ID)
		}
	}
	if len(CheckIDs()) != len(checks) {
		t.Errorf("CheckIDs: %v", CheckIDs())
	}
}

// Evidence from the daemon pods' logs comes in the order of the pods'
// names, whatever order a map ranges in.
func TestLogEvidenceInPodOrder(t *testing.T) {
	d := &dx{env: &steps.Env{}, ns: "default", logs: map[string]string{}}
	for _, p := range []string{"xray-daemon-q", "xray-daemon-c", "xray-daemon-x", "xray-daemon-a", "xray-daemon-m", "xray-daemon-f"} {
		d.logs[p] = "[Info] Using region: us-west-2\n[Info] Successfully sent batch of 1 segments (0.010 seconds)"
	}
	for range 20 {
		f := d.daemonLog(context.Background())
		if len(f.Evidence) != len(d.logs) || !slices.IsSorted(f.Evidence) {
			t.Fatalf("evidence out of order: %q", f.Evidence)
		}
	}
}
