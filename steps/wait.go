package steps

import (
	"context"
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
