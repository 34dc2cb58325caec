package steps

import (
	"context"
	"strings"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Cloud9 is the AWS Cloud9 environment the terminal runs in. Cloud9 gives
// its terminals "AWS managed temporary credentials" unless they are turned
// off, and IAM refuses every call made with them (InvalidClientTokenId)
// while STS still answers: the lab's point 10.
type Cloud9 struct {
	// EnvironmentID and Name are the environment's, where known.
	EnvironmentID, Name string
	// Evidence says how it is known, for the doctor to show: a Cloud9
	// terminal's variables, or the practice world's record.
	Evidence string
	// Command turns the managed temporary credentials off, where a command
	// can (the practice sandbox's); "" in a real Cloud9, where it is a
	// setting of the IDE.
	Command string
	// SetManaged turns them on or off and points the clients at the
	// credentials the terminal then has (the practice sandbox's break and
	// its setting right); nil in a real Cloud9.
	SetManaged func(ctx context.Context, on bool) error
}

// Cloud9FromEnv is the Cloud9 environment a terminal's variables name
// (Cloud9 sets C9_PID, the environment's id, C9_HOSTNAME, C9_PROJECT and
// C9_USER in its terminals), nil outside one.
func Cloud9FromEnv(getenv func(string) string) *Cloud9 {
	for _, v := range []string{"C9_PID", "C9_HOSTNAME", "C9_PROJECT", "C9_USER"} {
		if s := getenv(v); s != "" {
			return &Cloud9{EnvironmentID: getenv("C9_PID"), Name: getenv("C9_PROJECT"), Evidence: v + "=" + s}
		}
	}
	return nil
}

// IsCloud9Refusal reports whether err is IAM refusing Cloud9's managed
// temporary credentials: an IAM call failing InvalidClientTokenId in a
// Cloud9 terminal.
func (e *Env) IsCloud9Refusal(action string, err error) bool {
	return e.Cloud9 != nil && strings.HasPrefix(action, "iam:") && IsCode(err, "InvalidClientTokenId")
}

// cloud9Refused is the error of an IAM call Cloud9's managed temporary
// credentials cannot make: the cause named, the setting to turn off (and,
// in the practice sandbox, the command that turns it off); nil for any
// other error.
func (e *Env) cloud9Refused(action string, err error) error {
	if !e.IsCloud9Refusal(action, err) {
		return nil
	}
	fix := e.T(i18n.FixCloud9Creds)
	if e.Cloud9.Command != "" {
		fix += " " + e.T(i18n.FixCloud9CredsCommand, e.Cloud9.Command)
	}
	return &flow.Error{Err: err, Cause: e.T(i18n.ErrCloud9Creds, action), Fix: fix}
}
