package cli

import (
	"context"
	"strings"

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
	env.DoctorCommand = doctorCommand(s.sh, s.sandbox, env.Opts)
}

// doctorCommand is xray-wizard doctor with the flags of a run that change
// what it looks at: the sandbox, the AWS and kube target, the namespaces,
// the identity and the language given on the command line.
func doctorCommand(sh *SharedOptions, sandbox bool, o steps.Options) string {
	args := []string{"xray-wizard", "doctor"}
	if sandbox {
		args = append(args, "--sandbox")
	}
	flag := func(name, value, def string) {
		if value != "" && value != def {
			args = append(args, name, shellQuote(value))
		}
	}
	flag("--cluster", sh.Cluster, "")
	flag("--region", sh.Region, "")
	flag("--profile", sh.Profile, "")
	flag("--kubeconfig", sh.Kubeconfig, "")
	flag("--context", sh.Context, "")
	flag("--namespace", o.Namespace, "default")
	flag("--app-namespace", o.AppNamespace, "workshop")
	flag("--identity", o.Identity, steps.IdentityIRSA)
	flag("--lang", sh.LangFlag, "")
	return strings.Join(args, " ")
}

// shellQuote quotes a value for a POSIX shell when it needs it.
func shellQuote(v string) string {
	if v != "" && strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+") == "" {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
