package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/charmbracelet/x/term"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/report"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
	"github.com/xray-wizard/xray-wizard/ui"
)

// interactive decides between the TUI and plain lines, in one place: the TUI
// needs a terminal on both stdin and stdout, no -y, and no CI.
func interactive(nonInteractive bool, stdin io.Reader, stdout io.Writer) bool {
	if nonInteractive || ciSet() {
		return false
	}
	return isTerminal(stdin) && isTerminal(stdout)
}

func ciSet() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

func isTerminal(x any) bool {
	f, ok := x.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
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

func runWizard(ctx context.Context, w *wizardFlags, stdin io.Reader, stdout, stderr io.Writer) error {
	lang, err := w.validate()
	if err != nil {
		return err
	}
	selected, err := steps.Select(w.stepList)
	if err != nil {
		return usagef("--steps: %v", err)
	}
	if w.only != nil {
		selected = w.only
	}
	if w.identity != steps.IdentityIRSA && w.identity != steps.IdentityPodIdentity {
		return usagef("--identity %q: must be irsa or pod-identity", w.identity)
	}
	if w.requests < 1 || w.requests > 100000 {
		return usagef("--requests %d: must be between 1 and 100000", w.requests)
	}
	if err := checkSince(w.since); err != nil {
		return err
	}
	log, closeLog, err := openLog(w.logFile)
	if err != nil {
		return err
	}
	defer closeLog()
	opts := w.options(lang)
	tty := interactive(w.nonInteractive, stdin, stdout)
	env, prepare, stop, err := buildEnv(ctx, w.sandbox, opts, log)
	var fe *flow.Error
	if err != nil && tty && !w.sandbox && errors.As(err, &fe) && fe.Cause == lang.T(i18n.CLINoRegion) {
		// No region anywhere: ask, rather than stop, when someone is there.
		if opts.Region, err = askRegion(ctx, lang); err != nil {
			return err
		}
		env, prepare, stop, err = buildEnv(ctx, w.sandbox, opts, log)
	}
	if err != nil {
		return err
	}
	if tty && !w.sandbox {
		if err := askCluster(ctx, env); err != nil {
			return err
		}
	}
	defer stop()
	// run prepares what the steps need (the sandbox starts here, so the
	// TUI's first frame does not wait for it), then runs them.
	run := func(ctx context.Context, rn *steps.Runner, rep flow.Reporter) flow.Summary {
		if err := prepare(ctx); err != nil {
			return flow.Summary{Sandbox: w.sandbox, Steps: []flow.StepSummary{{ID: flow.IDPreflight, Status: flow.Failed, Detail: err.Error()}}}
		}
		return rn.Run(ctx, rep)
	}
	runner := &steps.Runner{Env: env, Steps: selected, DryRun: w.dryRun, Sandbox: w.sandbox}
	log.Info("start", "version", Version, "steps", w.stepList, "sandbox", w.sandbox, "dryRun", w.dryRun, "region", env.Region())

	var sum flow.Summary
	refresh := func(ctx context.Context, rep flow.Reporter) error { return steps.Refresh(ctx, env, rep) }
	if w.only != nil {
		refresh = nil
	}
	if tty {
		sum, err = ui.Run(ctx, ui.Config{
			Lang:    lang,
			Sandbox: w.sandbox,
			DryRun:  w.dryRun,
			Steps:   steps.Infos(env, selected),
			Start: func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary {
				r := *runner
				r.Confirm = c
				return run(ctx, &r, rep)
			},
			Refresh: refresh,
		})
		if err != nil {
			return fmt.Errorf("terminal UI: %w", err)
		}
	} else {
		if w.sandbox {
			fmt.Fprintln(stderr, lang.T(i18n.CLISandboxBanner))
		}
		titles := map[string]string{}
		for _, in := range steps.Infos(env, selected) {
			titles[in.ID] = in.Title
		}
		lines := &report.Lines{W: stderr, Lang: lang, Titles: titles}
		sum = run(ctx, runner, lines)
	}
	sum.Command = w.command
	if w.command == "cleanup" {
		sum.Console = nil // nothing to look at in the console
	}
	var js any
	if w.output == "json" {
		js = sum
	}
	return finish(sum, js, lang, stdout, stderr)
}

// finish writes the summary — js as JSON when it is set, else sum as text —
// and turns how the run ended into the exit code.
func finish(sum flow.Summary, js any, lang i18n.Lang, stdout, stderr io.Writer) error {
	if js != nil {
		if s, ok := js.(flow.Summary); ok {
			if err := report.JSON(stdout, s); err != nil {
				return err
			}
		} else if err := report.WriteJSON(stdout, js); err != nil {
			return err
		}
	} else {
		report.Text(stdout, sum, lang)
	}
	switch {
	case sum.Interrupted:
		fmt.Fprintln(stderr, lang.T(i18n.CLIInterruptedHint))
		return &exitError{ExitInterrupted}
	case sum.Failed():
		return &exitError{ExitFailed}
	}
	return nil
}

// buildEnv makes the steps' environment: the practice sandbox's endpoints and
// clientset, or the person's AWS configuration and kubeconfig. prepare
// finishes it on the steps' goroutine; stop releases what it started.
func buildEnv(ctx context.Context, useSandbox bool, opts steps.Options, log *slog.Logger, sbOpts ...func(*sandbox.Options)) (env *steps.Env, prepare func(context.Context) error, stop func(), err error) {
	if useSandbox {
		region := opts.Region
		if region == "" {
			region = "us-west-2"
		}
		env = steps.NewEnv(aws.Config{Region: region}, nil, opts)
		env.PollInterval = time.Second
		env.Log = log
		var sb *sandbox.Sandbox
		prepare = func(ctx context.Context) error {
			var err error
			so := sandbox.Options{Region: region, Cluster: opts.Cluster, AppNamespace: opts.AppNamespace, Log: log}
			for _, f := range sbOpts {
				f(&so)
			}
			sb, err = sandbox.Start(ctx, so)
			if err != nil {
				return fmt.Errorf("sandbox: %w", err)
			}
			env.UseAWS(sb.AWSConfig())
			env.Kube = sb.Clientset()
			env.KubeContext, env.KubeCluster, env.KubeServer = sb.KubeContext(), sb.KubeCluster(), sb.KubeServer()
			env.Thumbprint = sb.Thumbprint
			env.PodLog = func(_ context.Context, ns, pod string) string { return strings.Join(sb.Cluster.PodLog(ns, pod), "\n") }
			return nil
		}
		stop = func() {
			if sb != nil {
				sb.Stop()
			}
		}
		return env, prepare, stop, nil
	}
	cfg, err := awsConfig(ctx, opts, log)
	if err != nil {
		return nil, nil, nil, err
	}
	k := kubeTargetFor(opts)
	env = steps.NewEnv(cfg, k.client, opts)
	env.KubeContext, env.KubeCluster, env.KubeServer, env.KubeErr = k.context, k.cluster, k.server, k.err
	env.Log = log
	return env, func(context.Context) error { return nil }, func() {}, nil
}
