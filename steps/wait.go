package steps

import (
	"context"
	"strings"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// countdown reports what a step waits for and how long it will still wait
// at most (until ctx's deadline), as a progress line that takes the place
// of the step's last countdown.
func countdown(ctx context.Context, env *Env, r flow.Reporter, step, what string) {
	dl, ok := ctx.Deadline()
	if !ok {
		return
	}
	msg := env.T(i18n.MsgWaitLeft, what, env.Opts.Lang.Duration(time.Until(dl)))
	r.Report(flow.Event{Step: step, Kind: flow.Progress, Time: env.Now(), Message: msg, Update: true})
}

// tick is how often a wait says how long it still waits.
const tick = time.Second

// doctorCommand is the doctor's command line for this run.
func (env *Env) doctorCommand() string {
	if env.DoctorCommand != "" {
		return env.DoctorCommand
	}
	return "xray-wizard doctor"
}

// wizardCommand is the wizard's command line that runs the steps ids on
// this run's world: the flags that reach it are the doctor's (one rule for
// them, DoctorCommand), and the collector is this run's.
func (env *Env) wizardCommand(ids string) string {
	cmd := "xray-wizard --steps " + ids
	if rest, ok := strings.CutPrefix(env.DoctorCommand, "xray-wizard doctor"); ok {
		cmd += rest
	} else if ns := env.Opts.Namespace; ns != "default" {
		cmd += " --namespace " + ns
	}
	if env.Collector().Kind == CollectorOtel && !strings.Contains(cmd, "--collector") {
		cmd += " --collector " + CollectorOtel
	}
	return cmd
}
