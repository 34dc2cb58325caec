package steps

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// ErrNoTraces is the traces step's failure when no trace arrived: the
// doctor's cause when it found one, else the wait ran out.
var ErrNoTraces = errors.New("no traces arrived in X-Ray")

// notACause are the doctor's checks whose failure does not explain why
// the traffic's traces do not arrive: the caller's own credentials and the
// cluster's API (the count would have failed first), RBAC (a warning), and
// the doctor's own count of a window the step is already counting.
var notACause = []string{"credentials", "cluster", "rbac", "traces"}

// causes are the failed checks of d that explain missing traces, in the
// doctor's order.
func causes(d flow.Diagnosis) []flow.Finding {
	var out []flow.Finding
	for _, f := range d.Findings {
		if f.Status == flow.CheckFail && !slices.Contains(notACause, f.ID) {
			out = append(out, f)
		}
	}
	return out
}

// diagnoseNoTraces runs the doctor's checks when nothing has arrived after
// waited, and returns the failure it explains, or nil when no check that
// applies failed (or there is no doctor to ask).
func diagnoseNoTraces(ctx context.Context, env *Env, r flow.Reporter, waited time.Duration) error {
	if env.Diagnose == nil {
		return nil
	}
	progress(env, r, flow.IDTraces, env.T(i18n.MsgDiagnosing, env.Opts.Lang.Duration(waited)))
	found := causes(env.Diagnose(ctx))
	if len(found) == 0 {
		if ctx.Err() == nil {
			progress(env, r, flow.IDTraces, env.T(i18n.MsgDiagnosedNone))
		}
		return nil
	}
	f := found[0]
	cause := env.T(i18n.ErrTracesDiagnosed, env.Opts.Lang.Duration(waited), f.Title, f.Summary)
	if len(found) > 1 {
		cause += " " + env.T(i18n.MsgMoreFindings, len(found)-1)
	}
	fix := strings.TrimSpace(f.Fix)
	if f.Command != "" {
		fix = strings.TrimSpace(fix + " " + env.T(i18n.MsgCommandIs, f.Command))
	}
	return &flow.Error{Err: ErrNoTraces, Cause: cause, Fix: env.T(i18n.FixTracesDiagnosed, fix, env.doctorCommand())}
}
