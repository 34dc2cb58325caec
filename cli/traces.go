package cli

import (
	"context"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/report"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// TracesOptions are the flags of xray-wizard traces.
type TracesOptions struct {
	Shared  *SharedOptions
	Sandbox bool
	Since   time.Duration
	Filter  string
}

// NewCmdTraces counts the traces of a setup made before. sh are the shared
// flags (the root's); runF, when set, replaces the run.
func NewCmdTraces(f *Factory, sh *SharedOptions, runF func(context.Context, *TracesOptions) error) *cobra.Command {
	o := &TracesOptions{Shared: sh}
	cmd := &cobra.Command{
		Use:   "traces",
		Short: "Count the traces in X-Ray and draw the service map, for a setup made before",
		Long: `Counts the traces X-Ray received in a window (the last 15 minutes unless
--since) — total, ok, 4xx, 5xx, 429 and per service — and draws the service
map, as the wizard's last screen does. On a terminal the screen refreshes
every few seconds; otherwise it prints the counts once (--output json: the
same "traces" object as the wizard's summary, plus the "graph").
It only reads: xray:GetTraceSummaries and xray:GetServiceGraph.
--filter takes X-Ray's service names, which are case-sensitive and not the
Kubernetes names: the sample app's are Frontend, Product-Catalog and
Product-Detail; "frontend" in lower case finds nothing.`,
		Example: `  xray-wizard traces                            the last 15 minutes
  xray-wizard traces --since 1h --output json   an hour, for a script
  xray-wizard traces --filter 'service("Frontend") { fault }'`,
		Args: cobra.NoArgs,
		RunE: runE(f, o, runF, runTraces),
	}
	cmd.Flags().BoolVar(&o.Sandbox, "sandbox", false, "count in the practice sandbox, with traces it makes up")
	cmd.Flags().DurationVar(&o.Since, "since", 15*time.Minute, "how far back to count (e.g. 1h; at most 720h, X-Ray's retention)")
	cmd.Flags().StringVar(&o.Filter, "filter", "", "X-Ray filter expression, passed through; service names are case-sensitive (e.g. 'service(\"Frontend\") { fault }')")
	// It reads X-Ray only: no cluster, kubeconfig or daemon namespace.
	return usesShared(cmd, "region", "profile", "output", "lang", "log-file", "yes", "ascii")
}

func (o *TracesOptions) validate(f *Factory) error {
	if err := o.Shared.validate(f); err != nil {
		return err
	}
	return checkSince(o.Shared.Lang, o.Since)
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

func newTracesOutput(sum flow.Summary) tracesOutput {
	out := tracesOutput{Region: sum.Region, Traces: sum.Traces, Graph: sum.Graph, Console: sum.Console}
	for _, s := range sum.Steps {
		if s.Status == flow.Failed {
			out.Error = &flow.Error{Step: s.ID, Cause: s.Detail, Fix: s.Fix}
		}
	}
	return out
}

func runTraces(ctx context.Context, f *Factory, o *TracesOptions) error {
	// A count waits on the network, and its garbage is pages of trace
	// summaries read and dropped: collecting it twice as often keeps the
	// command's peak memory about 2 MB lower (make bench's count: 100,000
	// traces, some 0.1 s more) on the small instances workshops run on.
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	sh := o.Shared
	opts := steps.Options{Region: sh.Region, Profile: sh.Profile, Kubeconfig: sh.Kubeconfig, Context: sh.Context,
		Namespace: sh.Namespace, Since: o.Since, Filter: o.Filter, TracesOnce: true, Lang: sh.Lang}
	// The sandbox has no history: it makes up the sample app's last 15
	// minutes of traces to look at.
	seed := func(so *sandbox.Options) { so.SeedTraces = 1200 }
	sbOpts := []func(*sandbox.Options){seed}
	if o.Sandbox && opts.Region != "" {
		// The practice world has its cluster in one region, but its X-Ray
		// keeps each region's traces, as AWS does: traces reads only
		// X-Ray, so it may look in another (where a daemon set to another
		// region sent them).
		region := opts.Region
		opts.Region = ""
		sbOpts = append(sbOpts, func(so *sandbox.Options) { so.ClientRegion = region })
	}
	s, err := startSession(ctx, f, sh, opts, sessionOptions{sandbox: o.Sandbox, sbOpts: sbOpts})
	if err != nil {
		return err
	}
	defer s.close()
	runner := &steps.Runner{Env: s.env, Steps: []steps.Step{steps.Traces{}}, Sandbox: o.Sandbox}
	sum, err := s.run(ctx, stepRun{runner: runner, failID: flow.IDTraces, live: true})
	if err != nil {
		return err
	}
	sum.Command = "traces"
	if sh.json() {
		out := newTracesOutput(sum)
		out.Sandbox = o.Sandbox
		if err := report.WriteJSON(f.IOStreams.Out, out); err != nil {
			return err
		}
	} else {
		report.Text(f.IOStreams.Out, sum, sh.Lang)
	}
	return s.exit(sum)
}
