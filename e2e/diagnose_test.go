package e2e

import (
	"strings"
	"testing"
	"time"
)

// The traces step of a sandbox run with no daemon deployed does not wait
// out its two minutes: it says how long it would still wait, runs the
// doctor's checks as soon as nothing comes, and stops with the cause, its
// fix and the doctor's command with --sandbox.
func TestTracesWithoutDaemonDiagnoses(t *testing.T) {
	start := time.Now()
	r := run(t, 2*time.Minute, nil, "--sandbox", "-y", "--steps", "preflight,app,traces")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if took := time.Since(start); took > 60*time.Second {
		t.Errorf("took %s", took)
	}
	for _, w := range []string{"at most 2m more", "running the doctor's checks", "no collector is deployed in default",
		"Command: xray-wizard --sandbox --steps daemonset,pods -y", "xray-wizard doctor --sandbox"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr+r.stdout, "AccessDenied means") {
		t.Errorf("the old advice:\n%s", r.stderr)
	}
}
