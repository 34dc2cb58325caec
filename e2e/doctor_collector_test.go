package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
)

// The doctor finds which collector runs, with no flag to say so: on a
// practice world the wizard set up with the OpenTelemetry Collector, and
// on the same world switched back to the X-Ray daemon and then to the
// Collector again, it exits 0 and titles the checks that read the
// collector by it; with EKS Pod Identity (its own world) it checks the
// association's role and exits 0 too.
func TestDoctorWhicheverCollectorRuns(t *testing.T) {
	state := []string{"XRAY_WIZARD_STATE_DIR=" + t.TempDir()}
	for _, c := range []struct {
		wizard []string
		title  string
	}{
		{[]string{"--collector", "otel"}, "Collector DaemonSet and pods"},
		{[]string{"--collector", "daemon"}, "Daemon DaemonSet, image and command"},
		{[]string{"--collector", "otel"}, "Collector DaemonSet and pods"},
	} {
		runWizard(t, state, c.wizard...)
		doctorOK(t, state, c.title, "trust and policy as IRSA needs")
	}
	state = []string{"XRAY_WIZARD_STATE_DIR=" + t.TempDir()}
	runWizard(t, state, "--collector", "otel", "--identity", "pod-identity")
	doctorOK(t, state, "Collector DaemonSet and pods", "trust, policy and the agent as EKS Pod Identity needs", "--identity", "pod-identity")
}

// runWizard runs the whole wizard on the practice world with -y and the
// workshop sampling rule (on the Default rule the doctor's sampling check
// explains sampling, a warning).
func runWizard(t *testing.T, env []string, args ...string) {
	t.Helper()
	if r := run(t, 5*time.Minute, env, append([]string{"--sandbox", "-y", "--sampling-rule", "record-all"}, args...)...); r.code != 0 {
		t.Fatalf("xray-wizard --sandbox -y %v: exit %d\n%s", args, r.code, r.stderr)
	}
}

// doctorOK runs doctor --sandbox with args: exit 0, every check ok, the
// daemonset check titled title and the role check saying role.
func doctorOK(t *testing.T, env []string, title, role string, args ...string) {
	t.Helper()
	r := run(t, time.Minute, env, append([]string{"doctor", "--sandbox", "--output", "json"}, args...)...)
	d := diagnosis(t, r)
	if r.code != 0 {
		t.Fatalf("doctor %v: exit %d; failing: %v", args, r.code, failing(d))
	}
	for _, f := range d.Findings {
		if f.Status != flow.CheckOK {
			t.Errorf("%s: %s %s", f.ID, f.Status, f.Summary)
		}
		switch {
		case f.ID == "daemonset" && f.Title != title:
			t.Errorf("daemonset titled %q, want %q", f.Title, title)
		case f.ID == "role" && !strings.Contains(f.Summary, role):
			t.Errorf("role: %q, want %q", f.Summary, role)
		}
	}
}
