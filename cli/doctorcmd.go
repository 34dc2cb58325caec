package cli

import (
	"context"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// withDoctor lets the steps of a session run the doctor's checks (the
// traces step does when nothing arrives) and name the doctor's command
// with the flags that reach the same world.
func (s *session) withDoctor() {
	env := s.env
	env.Diagnose = func(ctx context.Context) flow.Diagnosis {
		return doctor.Diagnose(ctx, doctor.Input{Env: env, Getenv: s.f.IOStreams.Getenv}, nil)
	}
	env.DoctorCommand = doctorCommand(s.sh, s.sandbox, env)
}

// doctorCommand is xray-wizard doctor on the run's world (the doctor's own
// rule for the flags that reach it), in the language given on the command
// line.
func doctorCommand(sh *SharedOptions, sandbox bool, env *steps.Env) string {
	cmd := doctor.CommandLine(env, sandbox, "doctor")
	if sh.LangFlag != "" {
		cmd += " --lang " + sh.LangFlag
	}
	return cmd
}
