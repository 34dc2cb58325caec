package steps_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// withDoctor gives env the doctor's checks, as the command line does.
func withDoctor(env *steps.Env) *steps.Env {
	env.Diagnose = func(ctx context.Context) flow.Diagnosis {
		return doctor.Diagnose(ctx, doctor.Input{Env: env}, nil)
	}
	env.DoctorCommand = "xray-wizard doctor --sandbox"
	return env
}

// failedTraces runs ids on sb and returns the traces step's failure and
// how long the run took.
func failedTraces(t *testing.T, sb *sandbox.Sandbox, ids string, lang i18n.Lang) (*flow.Error, flow.StepSummary, *events, time.Duration) {
	t.Helper()
	env := withDoctor(newEnv(sb, steps.Options{Requests: 5, TracesTimeout: 30 * time.Second, Lang: lang}))
	ev := &events{}
	start := time.Now()
	sum := (&steps.Runner{Env: env, Steps: mustSelect(t, ids)}).Run(context.Background(), ev)
	took := time.Since(start)
	last := sum.Steps[len(sum.Steps)-1]
	if last.ID != flow.IDTraces || last.Status != flow.Failed {
		t.Fatalf("traces step = %+v\nall: %+v", last, sum.Steps)
	}
	for _, e := range ev.of(flow.Finished) {
		if e.Step == flow.IDTraces {
			return e.Err, last, ev, took
		}
	}
	t.Fatal("no Finished event for traces")
	return nil, last, ev, took
}

// With no daemon deployed, the traces step does not wait out its 30 s:
// as soon as nothing has come, the doctor's checks find the DaemonSet
// missing, and the step stops with that cause, its fix and the doctor's
// command.
func TestTracesDiagnosesNoDaemon(t *testing.T) {
	sb := startSandbox(t)
	fe, last, ev, took := failedTraces(t, sb, "preflight,app,traces", i18n.En)
	if !errors.Is(fe, steps.ErrNoTraces) {
		t.Errorf("error %v is not ErrNoTraces", fe)
	}
	if took > 20*time.Second {
		t.Errorf("took %s: waited rather than diagnosed", took)
	}
	if !strings.Contains(last.Detail, "xray-daemon") || !strings.Contains(last.Detail, "DaemonSet") {
		t.Errorf("cause %q does not name the missing DaemonSet", last.Detail)
	}
	if !strings.Contains(last.Fix, "xray-wizard doctor --sandbox") || !strings.Contains(last.Fix, "--steps daemonset") {
		t.Errorf("fix %q", last.Fix)
	}
	// Every wait said how long it would still wait.
	left := false
	for _, e := range ev.of(flow.Progress) {
		left = left || e.Update && e.Step == flow.IDTraces && strings.Contains(e.Message, "at most")
	}
	if !left {
		t.Error("no countdown line while waiting for traces")
	}
}

// After the IAM steps were skipped, the doctor names IRSA missing, in the
// person's language.
func TestTracesDiagnosesSkippedIAM(t *testing.T) {
	sb := startSandbox(t)
	_, last, _, took := failedTraces(t, sb, "preflight,daemonset,pods,app,traces", i18n.Ja)
	if took > 20*time.Second {
		t.Errorf("took %s: waited rather than diagnosed", took)
	}
	if !strings.Contains(last.Detail, "OIDC") || !strings.Contains(last.Detail, "doctor のチェック") {
		t.Errorf("cause %q", last.Detail)
	}
	if !strings.Contains(last.Fix, "xray-wizard doctor --sandbox") {
		t.Errorf("fix %q", last.Fix)
	}
}
