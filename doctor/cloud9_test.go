package doctor_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Lab point 10 on the sandbox's own IAM: with Cloud9's managed temporary
// credentials on, STS answers and IAM refuses (InvalidClientTokenId). In a
// terminal known to be Cloud9's, the credentials check names the setting,
// with what it saw, and the command that turns it off where there is one;
// the IAM checks after it say they could not look, not that IRSA is
// missing. Outside Cloud9 the same refusal is only "IAM refuses these
// credentials".
func TestDoctorCloud9ManagedCredentials(t *testing.T) {
	sb, env := setUp(t)
	sb.AWS.SetCloud9ManagedCredentials(true)
	env.UseAWS(sb.AWSConfig())
	const off = "xray-wizard sandbox cloud9 --managed-credentials=off"
	env.Cloud9 = &steps.Cloud9{Evidence: "the practice world's terminal is Cloud9 environment eksworkshop", Command: off}
	d := diagnoseIn(t, doctor.Input{Env: env, Sandbox: true}, "credentials", flow.CheckFail,
		"IAM refuses Cloud9's AWS managed temporary credentials", "assumed-role/WSParticipantRole/Participant",
		"The security token included in the request is invalid.", "the practice world's terminal is Cloud9", `turn off "AWS managed temporary credentials"`)
	f := findings(d)
	if f["credentials"].Command != off {
		t.Errorf("command %q", f["credentials"].Command)
	}
	if d.Cluster != "eksworkshop-eksctl" {
		t.Errorf("cluster %q", d.Cluster)
	}
	for _, id := range []string{"oidc", "role"} {
		if f[id].Status != flow.CheckSkip {
			t.Errorf("%s: %+v", id, f[id])
		}
	}
	for _, x := range d.Findings {
		if x.ID != "credentials" && x.Status == flow.CheckFail {
			t.Errorf("%s failed too: %+v", x.ID, x)
		}
	}

	// A terminal not known to be Cloud9's.
	env.Cloud9 = nil
	d = doctor.Diagnose(context.Background(), doctor.Input{Env: env, Sandbox: true}, nil)
	if c := findings(d)["credentials"]; c.Status != flow.CheckFail || strings.Contains(c.Summary, "Cloud9") || !strings.Contains(c.Summary, "IAM refuses") {
		t.Errorf("outside Cloud9: %+v", c)
	}

	// Turned off: the instance role, and all is well.
	sb.AWS.SetCloud9ManagedCredentials(false)
	env.UseAWS(sb.AWSConfig())
	if d := doctor.Diagnose(context.Background(), doctor.Input{Env: env, Sandbox: true}, nil); !d.Healthy() {
		t.Errorf("after the switch: %+v", d.Findings)
	}
}
