package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/report"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
	"github.com/xray-wizard/xray-wizard/ui"
)

// maxSince is how far back X-Ray keeps traces.
const maxSince = 30 * 24 * time.Hour

// tracesFlags are the flags of xray-wizard traces.
type tracesFlags struct {
	*shared
	sandbox bool
	since   time.Duration
	filter  string
}

func newTraces(sh *shared, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	f := tracesFlags{shared: sh}
	cmd := &cobra.Command{
		Use:   "traces",
		Short: "Count the traces in X-Ray and draw the service map, for a setup made before",
		Long: `Counts the traces X-Ray received in a window (the last 15 minutes unless
--since) — total, ok, 4xx, 5xx, 429 and per service — and draws the service
map, as the wizard's last screen does. On a terminal the screen refreshes
every few seconds; otherwise it prints the counts once (--output json: the
same "traces" object as the wizard's summary, plus the "graph").
It only reads: xray:GetTraceSummaries and xray:GetServiceGraph.`,
		Example: `  xray-wizard traces                            the last 15 minutes
  xray-wizard traces --since 1h --output json   an hour, for a script
  xray-wizard traces --filter 'service("frontend") AND fault'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTraces(cmd.Context(), &f, stdin, stdout, stderr)
		},
	}
	cmd.Flags().BoolVar(&f.sandbox, "sandbox", false, "count in the practice sandbox, with traces it makes up")
	cmd.Flags().DurationVar(&f.since, "since", 15*time.Minute, "how far back to count (e.g. 1h; at most 720h, X-Ray's retention)")
	cmd.Flags().StringVar(&f.filter, "filter", "", "X-Ray filter expression, passed through (e.g. 'service(\"frontend\") AND fault')")
	return cmd
}

// tracesOutput is the JSON of xray-wizard traces: the wizard summary's
// traces and graph, with the console links.
type tracesOutput struct {
	Sandbox bool               `json:"sandbox,omitempty"`
	Region  string             `json:"region"`
	Traces  *flow.TraceCounts  `json:"traces"`
	Graph   *flow.ServiceGraph `json:"graph"`
	Console []string           `json:"console"`
	Error   *flow.Error        `json:"error,omitempty"`
}

func runTraces(ctx context.Context, f *tracesFlags, stdin io.Reader, stdout, stderr io.Writer) error {
	lang, err := f.validate()
	if err != nil {
		return err
	}
	if err := checkSince(f.since); err != nil {
		return err
	}
	log, closeLog, err := openLog(f.logFile)
	if err != nil {
		return err
	}
	defer closeLog()
	opts := steps.Options{Region: f.region, Profile: f.profile, Kubeconfig: f.kubeconfig, Context: f.kubeContext,
		Namespace: f.namespace, Since: f.since, Filter: f.filter, TracesOnce: true, Lang: lang}
	// The sandbox has no history: it makes up the sample app's last 15
	// minutes of traces to look at.
	env, prepare, stop, err := buildEnv(ctx, f.sandbox, opts, log, func(o *sandbox.Options) { o.SeedTraces = 1200 })
	if err != nil {
		return err
	}
	defer stop()
	selected := []steps.Step{steps.Traces{}}
	runner := &steps.Runner{Env: env, Steps: selected, Sandbox: f.sandbox}
	run := func(ctx context.Context, rn *steps.Runner, rep flow.Reporter) flow.Summary {
		if err := prepare(ctx); err != nil {
			return flow.Summary{Sandbox: f.sandbox, Steps: []flow.StepSummary{{ID: flow.IDTraces, Status: flow.Failed, Detail: err.Error()}}}
		}
		return rn.Run(ctx, rep)
	}
	var sum flow.Summary
	if interactive(f.nonInteractive, stdin, stdout) {
		sum, err = ui.Run(ctx, ui.Config{
			Lang:    lang,
			Sandbox: f.sandbox,
			Steps:   steps.Infos(env, selected),
			Start: func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary {
				r := *runner
				r.Confirm = c
				return run(ctx, &r, rep)
			},
			Refresh: func(ctx context.Context, rep flow.Reporter) error { return steps.Refresh(ctx, env, rep) },
		})
		if err != nil {
			return fmt.Errorf("terminal UI: %w", err)
		}
	} else {
		lines := &report.Lines{W: stderr, Lang: lang, Titles: map[string]string{flow.IDTraces: steps.Traces{}.Info(env).Title}}
		sum = run(ctx, runner, lines)
	}
	sum.Command = "traces"
	var js any
	if f.output == "json" {
		out := tracesOutput{Sandbox: f.sandbox, Region: sum.Region, Traces: sum.Traces, Graph: sum.Graph, Console: sum.Console}
		for _, s := range sum.Steps {
			if s.Status == flow.Failed {
				out.Error = &flow.Error{Step: s.ID, Cause: s.Detail, Fix: s.Fix}
			}
		}
		js = out
	}
	return finish(sum, js, lang, stdout, stderr)
}

func checkSince(d time.Duration) error {
	if d <= 0 || d > maxSince {
		return usagef("--since %s: must be more than 0 and at most 720h (X-Ray keeps traces 30 days)", d)
	}
	return nil
}
