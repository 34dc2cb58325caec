package e2e

import (
	"strings"
	"testing"
	"time"
)

// A first run on a machine with no AWS set up at all: the wizard says what
// is missing once, up front, and suggests the sandbox; the doctor reports
// the credentials in one finding and skips the AWS checks that need them.
func TestFirstRunWithoutAWS(t *testing.T) {
	imds := "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://" + closedPort(t)
	r := run(t, time.Minute, []string{imds}, "-y")
	if r.code != 2 || !strings.Contains(r.stderr, "no AWS region") || !strings.Contains(r.stderr, "xray-wizard --sandbox") {
		t.Errorf("no region: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, time.Minute, []string{imds, "AWS_REGION=us-west-2"}, "-y")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "no AWS credentials"); n != 1 || !strings.Contains(r.stderr, "xray-wizard --sandbox") {
		t.Errorf("stderr says it %d times, want once, with --sandbox:\n%s", n, r.stderr)
	}
	if first := strings.SplitN(r.stderr, "\n", 3); len(first) < 2 || !strings.Contains(first[1], "no AWS credentials") {
		t.Errorf("not up front:\n%s", r.stderr)
	}
	r = run(t, time.Minute, []string{imds, "AWS_REGION=us-west-2"}, "doctor")
	if r.code != 1 {
		t.Fatalf("doctor: exit %d\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, "no AWS credentials"); n != 1 {
		t.Errorf("doctor says it %d times, want once:\n%s", n, r.stdout)
	}
	if n := strings.Count(r.stdout, "needs AWS credentials"); n < 3 {
		t.Errorf("doctor: %d checks skipped for credentials:\n%s", n, r.stdout)
	}
}
