package doctor_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Without working AWS credentials the doctor says so once, in the
// credentials check; the AWS checks that need them are skipped with
// "needs AWS credentials", not the same error again and again.
func TestDoctorNoCredentialsOnce(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	sb.AWS.SetFaults(sandbox.Fault{Action: "STS.GetCallerIdentity", Rate: 1, Status: 403, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid"})
	d := doctor.Diagnose(context.Background(), doctor.Input{Env: env}, nil)
	f := findings(d)
	if f["credentials"].Status != flow.CheckFail || !strings.Contains(f["credentials"].Summary, "InvalidClientTokenId") {
		t.Fatalf("credentials: %+v", f["credentials"])
	}
	said := 0
	for _, x := range d.Findings {
		if strings.Contains(x.Summary+strings.Join(x.Evidence, " ")+x.Fix, "InvalidClientTokenId") {
			said++
		}
	}
	if said != 1 {
		t.Errorf("the credentials' error is in %d findings, want 1: %+v", said, d.Findings)
	}
	for _, id := range []string{"oidc", "role", "traces"} {
		if f[id].Status != flow.CheckSkip || f[id].Summary != "not checked: needs AWS credentials (see the credentials check)" || len(f[id].Evidence) > 0 {
			t.Errorf("%s: %+v", id, f[id])
		}
	}
	// The cluster's checks still look.
	if f["daemonset"].Status == flow.CheckSkip {
		t.Errorf("daemonset: %+v", f["daemonset"])
	}
}
