package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/report"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
	"github.com/xray-wizard/xray-wizard/ui"
)

// session is what every command that talks to AWS and the cluster does
// between its flags and its output, in one place: the debug log, the
// steps' environment (the sandbox's or the person's), and the choice of
// face — the TUI or plain lines — for running the steps.
type session struct {
	f       *Factory
	sh      *SharedOptions
	sandbox bool
	log     *slog.Logger
	env     *steps.Env
	// prepare finishes the environment on the steps' goroutine (the
	// sandbox starts there, so the TUI's first frame does not wait for it).
	prepare  func(context.Context) error
	stop     func()
	closeLog func()
}

// sessionOptions shape how a session starts.
type sessionOptions struct {
	sandbox bool
	// askRegion: with no region configured and a person at the terminal,
	// ask for one rather than stop.
	askRegion bool
	sbOpts    []func(*sandbox.Options)
}

// startSession opens the debug log and builds the steps' environment.
func startSession(ctx context.Context, f *Factory, sh *SharedOptions, opts steps.Options, so sessionOptions) (*session, error) {
	log, closeLog, err := openLog(sh.LogFile)
	if err != nil {
		return nil, err
	}
	s := &session{f: f, sh: sh, sandbox: so.sandbox, log: log, closeLog: closeLog}
	env, prepare, stop, err := buildEnv(ctx, so.sandbox, opts, log, so.sbOpts...)
	if err != nil && so.askRegion && errors.Is(err, ErrNoRegion) {
		if opts.Region, err = askRegion(ctx, f, sh.Lang); err != nil {
			closeLog()
			return nil, err
		}
		env, prepare, stop, err = buildEnv(ctx, so.sandbox, opts, log, so.sbOpts...)
	}
	if err != nil {
		closeLog()
		return nil, err
	}
	if !so.sandbox {
		// A Cloud9 terminal says so in its variables; the practice world
		// says so of its own (sandbox_cloud9.go).
		env.Cloud9 = steps.Cloud9FromEnv(f.IOStreams.Getenv)
	}
	s.env, s.prepare, s.stop = env, prepare, stop
	s.withDoctor()
	return s, nil
}

// close stops what the session started and closes the log.
func (s *session) close() {
	s.stop()
	s.closeLog()
}

// stepRun is one run of steps and how to show it.
type stepRun struct {
	runner *steps.Runner
	// failID is the step a failure to prepare is reported as.
	failID string
	// live: the final screen counts the traces again every few seconds.
	live bool
	// banner: in plain lines, say first that this is the sandbox.
	banner bool
	// intro: on the TUI, show the opening screen unless it was seen.
	intro bool
}

// run runs the steps on the TUI when a person is there, else with a line
// per event on stderr, and returns the summary.
func (s *session) run(ctx context.Context, sr stepRun) (flow.Summary, error) {
	rn, env, lang := sr.runner, s.env, s.sh.Lang
	start := func(ctx context.Context, rep flow.Reporter) flow.Summary {
		if err := s.prepare(ctx); err != nil {
			return flow.Summary{Sandbox: s.sandbox, Steps: []flow.StepSummary{{ID: sr.failID, Status: flow.Failed, Detail: err.Error()}}}
		}
		return rn.Run(ctx, rep)
	}
	if s.sh.interactive(s.f) {
		var refresh func(context.Context, flow.Reporter) error
		if sr.live {
			refresh = func(ctx context.Context, rep flow.Reporter) error {
				return steps.Refresh(ctx, env, rn.Handoff(), rep)
			}
		}
		intro := introMemory(s.f.IOStreams.Getenv)
		sum, err := ui.Run(ctx, ui.Config{
			Lang:      lang,
			Sandbox:   s.sandbox,
			DryRun:    rn.DryRun,
			Steps:     steps.Infos(env, rn.Steps),
			NoColor:   !s.f.IOStreams.ColorEnabled(),
			ASCII:     s.sh.ascii(s.f),
			Intro:     sr.intro && !intro.seen(),
			IntroSeen: intro.remember,
			Start: func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary {
				rn.Confirm = c
				return start(ctx, rep)
			},
			Refresh: refresh,
		})
		if err != nil {
			return sum, fmt.Errorf("terminal UI: %w", err)
		}
		return sum, nil
	}
	// No one to ask: a change goes ahead only with -y; else the run plans.
	rn.Confirm = flow.Always{}
	if !s.sh.Yes {
		rn.Confirm = flow.NoOne{}
	}
	stderr := s.f.IOStreams.ErrOut
	if sr.banner && s.sandbox {
		fmt.Fprintln(stderr, lang.T(i18n.CLISandboxBanner))
	}
	titles := map[string]string{}
	for _, in := range steps.Infos(env, rn.Steps) {
		titles[in.ID] = in.Title
	}
	return start(ctx, &report.Lines{W: stderr, Lang: lang, Titles: titles}), nil
}

// exit turns how a run ended into the exit code, once its summary is out.
func (s *session) exit(sum flow.Summary) error {
	switch {
	case sum.Interrupted:
		fmt.Fprintln(s.f.IOStreams.ErrOut, s.sh.Lang.T(i18n.CLIInterruptedHint))
		return &exitError{ExitInterrupted}
	case sum.Failed():
		return &exitError{ExitFailed}
	case sum.NotApplied:
		fmt.Fprintln(s.f.IOStreams.ErrOut, s.sh.Lang.T(i18n.CLINotAppliedHint))
		return &exitError{ExitNotApplied}
	}
	return nil
}

// openLog opens the debug log; the TUI never writes logs to the terminal.
func openLog(path string) (*slog.Logger, func(), error) {
	if path == "" {
		return slog.New(slog.DiscardHandler), func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, usagef("--log-file: %v", err)
	}
	return slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), func() { f.Close() }, nil
}
