package practice_test

import (
	"slices"
	"testing"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/sandbox/practice"
)

// Each mode: a name once, a lab point (0 for one only the doctor knows), a
// check of the doctor that names it, a one-line summary in both
// languages; and the modes of issue #14 with theirs.
func TestModes(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range practice.Modes() {
		if m.Name == "" || seen[m.Name] {
			t.Errorf("mode %q empty or twice", m.Name)
		}
		seen[m.Name] = true
		if m.Stuck < 0 || m.Stuck > 11 {
			t.Errorf("%s: lab point %d", m.Name, m.Stuck)
		}
		if !slices.Contains(doctor.CheckIDs(), m.Check) {
			t.Errorf("%s: no doctor check %q", m.Name, m.Check)
		}
		if en, ja, ok := i18n.Both(m.Summary); !ok || en == "" || ja == "" {
			t.Errorf("%s: summary %q/%q", m.Name, en, ja)
		}
		if found, ok := practice.Find(m.Name); !ok || found.Name != m.Name {
			t.Errorf("Find(%s) = %+v %v", m.Name, found, ok)
		}
	}
	for name, want := range map[string]struct {
		stuck int
		check string
	}{"no-region": {3, "region"}, "no-app": {0, "app"}, "sampling-off": {11, "sampling"}} {
		m, ok := practice.Find(name)
		if !ok || m.Stuck != want.stuck || m.Check != want.check {
			t.Errorf("%s: %+v %v, want lab %d, check %s", name, m, ok, want.stuck, want.check)
		}
	}
	if _, ok := practice.Find("everything"); ok {
		t.Error("Find found a mode that is not there")
	}
}
