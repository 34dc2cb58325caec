package doctor

import (
	"testing"

	"github.com/xray-wizard/xray-wizard/i18n"
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
