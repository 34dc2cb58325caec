package doctor

import (
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// cloud9 is the Cloud9 environment the terminal runs in: the one the run
// knows (the practice world's), else the one the terminal's variables
// name; nil outside Cloud9.
func (d *dx) cloud9() *steps.Cloud9 {
	if d.env.Cloud9 != nil {
		return d.env.Cloud9
	}
	return steps.Cloud9FromEnv(d.getenv)
}

// cloud9Creds is the credentials check's finding when IAM refuses
// Cloud9's AWS managed temporary credentials (InvalidClientTokenId) while
// STS answers. The fix is a setting of the IDE and the instance's role,
// in words; its command is the lab's own removal of the credentials file
// Cloud9 wrote, or, in the practice sandbox, the command that turns the
// setting off there.
func (d *dx) cloud9Creds(c9 *steps.Cloud9, ev []string) flow.Finding {
	cmd := "rm -vf ~/.aws/credentials"
	if c9.Command != "" {
		cmd = c9.Command
	}
	return bad(flow.CheckFail, d.t(i18n.DxCloud9Creds), d.t(i18n.FixCloud9Creds), cmd, append(ev, c9.Evidence)...)
}
