package cli

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/report"
	"github.com/xray-wizard/xray-wizard/steps"
)

// WizardOptions are the wizard's flags.
type WizardOptions struct {
	Shared       SharedOptions
	Sandbox      bool
	AppNamespace string
	StepList     string
	DryRun       bool
	Requests     int
	SamplingRule string
	OverrideSA   bool
	Identity     string
	// IdentityGiven: --identity was on the command line; otherwise a
	// person at the terminal is asked.
	IdentityGiven bool
	Collector     string // daemon or otel: what the daemonset step deploys
	Tolerate      []string
	TolerateAll   bool
	Force         bool
	// AcceptContext: the kube context reaches the cluster another way.
	AcceptContext bool
	PodsTimeout   time.Duration
	TracesTimeout time.Duration
	Since         time.Duration
	Filter        string

	// Tolerations are Tolerate and TolerateAll read, set by validate.
	Tolerations []corev1.Toleration
	// Steps are the steps to run, set by validate from StepList, or by
	// cleanup (which replaces the lab's steps with its own).
	Steps []steps.Step
	// Command names the subcommand that runs the wizard's way (cleanup).
	Command string
}

func newCmdWizard(f *Factory, runF func(context.Context, *WizardOptions) error) (*cobra.Command, *WizardOptions) {
	o := &WizardOptions{}
	cmd := &cobra.Command{
		Use:   "xray-wizard",
		Short: "Set up AWS X-Ray on an EKS cluster, step by step",
		Long: `xray-wizard takes an EKS cluster with no tracing to your app's traces in X-Ray:
it associates the cluster's IAM OIDC provider, gives the X-Ray daemon's service
account an IAM role, deploys the daemon, waits for its pods, sends the sample app
traffic and counts the traces. Each step says why, shows the command it replaces
and asks before it changes anything.

On a terminal it is a full-screen UI that asks before each change; otherwise (-y,
no TTY, or CI set) it prints one line per event on stderr and the summary on
stdout. Without a terminal it changes nothing unless -y (--yes) is given: it
checks and plans every step, prints the plan and exits 3.

Steps: preflight, oidc, iamsa, daemonset, pods, sampling, app, traces.
Exit codes: 0 success, 1 a step failed, 2 bad usage, 3 changes planned but not
made (no terminal to ask at and no -y), 130 interrupted.`,
		Example: `  xray-wizard --sandbox                       practice on this machine, no AWS needed
  xray-wizard --cluster eksworkshop-eksctl     the workshop lab against your account
  xray-wizard --dry-run                        what would change, and the commands it replaces
  xray-wizard --steps oidc,iamsa -y            just the IAM part, without prompts`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		RunE:          runE(f, o, runF, runWizard),
	}
	cmd.PreRun = func(cmd *cobra.Command, _ []string) { o.IdentityGiven = cmd.Flags().Changed("identity") }
	o.Shared.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&o.Sandbox, "sandbox", false, "practice mode: simulated AWS, cluster and sample app on this machine")
	fl.StringVar(&o.AppNamespace, "app-namespace", "workshop", "namespace of the sample app")
	fl.StringVar(&o.StepList, "steps", "", "run only these steps, from: "+strings.Join(flow.AllIDs, ","))
	fl.BoolVar(&o.DryRun, "dry-run", false, "plan only: what each step would change, and the command it replaces")
	fl.IntVar(&o.Requests, "requests", 20, "requests the app step sends")
	fl.StringVar(&o.SamplingRule, "sampling-rule", "", "record-all: create the workshop's X-Ray sampling rule that records every request of the sample app, also with -y (a rule of someone else's that comes before it is moved after it only when you confirm at a terminal); leave: never offer it (default: offer it on a terminal, leave the rules alone otherwise)")
	fl.StringVar(&o.Identity, "identity", "irsa", "how the daemon gets its IAM role: irsa (the lab's IAM Roles for Service Accounts) or pod-identity (EKS Pod Identity)")
	fl.StringVar(&o.Collector, "collector", steps.CollectorDaemon, "what collects the traces: daemon (the X-Ray daemon, as the lab) or otel (the OpenTelemetry Collector, same Service and ports)")
	fl.StringArrayVar(&o.Tolerate, "tolerate", nil, "run the collector also on nodes with this taint, written as kubectl taint writes it: KEY[=VALUE]:EFFECT (repeatable; e.g. nvidia.com/gpu=true:NoSchedule)")
	fl.BoolVar(&o.TolerateAll, "tolerate-all", false, "run the collector on nodes with any taint (Fargate nodes still get none: they run no DaemonSets)")
	fl.BoolVar(&o.Force, "force", false, "take over fields of the daemon's objects that another tool manages (server-side apply conflicts)")
	fl.BoolVar(&o.OverrideSA, "override-existing-serviceaccounts", false, "annotate the daemon's service account even if someone else made it")
	fl.BoolVar(&o.AcceptContext, "accept-context", false, "use a kube context whose server is neither the cluster's endpoint nor trusts its certificate authority, as reaching the cluster another way (a tunnel, a proxy)")
	fl.DurationVar(&o.PodsTimeout, "pods-timeout", 5*time.Minute, "how long to wait for the daemon pods")
	fl.DurationVar(&o.TracesTimeout, "traces-timeout", 2*time.Minute, "how long to wait for traces to show in X-Ray")
	fl.DurationVar(&o.Since, "since", 15*time.Minute, "trace window when no traffic was sent (e.g. 1h)")
	fl.StringVar(&o.Filter, "filter", "", "X-Ray filter expression for the trace counts, passed through; service names are case-sensitive (e.g. 'service(\"Frontend\")')")
	cmd.SetVersionTemplate("xray-wizard {{.Version}}\n")
	return cmd, o
}

// validate checks every flag before anything is called.
func (o *WizardOptions) validate(f *Factory) error {
	if err := o.Shared.validate(f); err != nil {
		return err
	}
	if o.Steps == nil {
		selected, err := steps.Select(o.StepList)
		if err != nil {
			return stepsUsage(o.Shared.Lang, o.StepList)
		}
		o.Steps = selected
	}
	if err := checkIdentity(o.Shared.Lang, o.Identity); err != nil {
		return err
	}
	if o.Collector != "" { // "" (cleanup's options): the daemon
		if err := checkCollector(o.Collector); err != nil {
			return err
		}
	}
	tol, err := checkTolerations(o.Shared.Lang, o.Tolerate, o.TolerateAll)
	if err != nil {
		return err
	}
	o.Tolerations = tol
	if o.Requests < 1 || o.Requests > 100000 {
		return usageT(o.Shared.Lang, i18n.UsageRequests, o.Requests)
	}
	switch o.SamplingRule {
	case "", "record-all", "leave":
	default:
		return usagef("--sampling-rule %q: must be record-all or leave", o.SamplingRule)
	}
	if err := checkSince(o.Shared.Lang, o.Since); err != nil {
		return err
	}
	l := o.Shared.Lang
	if err := checkNamespace(l, "--app-namespace", o.AppNamespace); err != nil {
		return err
	}
	if err := checkPositive(l, "--pods-timeout", o.PodsTimeout); err != nil {
		return err
	}
	if err := checkPositive(l, "--traces-timeout", o.TracesTimeout); err != nil {
		return err
	}
	if o.Sandbox {
		if o.AcceptContext {
			return usageT(l, i18n.UsageAcceptSandbox)
		}
		return nil
	}
	return o.Shared.validateKube(f)
}

// stepOptions turns the flags into the steps' options.
func (o *WizardOptions) stepOptions() steps.Options {
	sh := &o.Shared
	return steps.Options{
		Cluster:            sh.Cluster,
		Region:             sh.Region,
		Profile:            sh.Profile,
		Kubeconfig:         sh.Kubeconfig,
		Context:            sh.Context,
		Namespace:          sh.Namespace,
		AppNamespace:       o.AppNamespace,
		Requests:           o.Requests,
		SamplingRule:       map[string]string{"record-all": steps.SamplingRecordAll}[o.SamplingRule],
		Since:              o.Since,
		Filter:             o.Filter,
		OverrideExistingSA: o.OverrideSA,
		Identity:           o.Identity,
		Collector:          o.Collector,
		Force:              o.Force,
		Tolerations:        o.Tolerations,
		AcceptContext:      o.AcceptContext,
		PodsTimeout:        o.PodsTimeout,
		TracesTimeout:      o.TracesTimeout,
		Lang:               sh.Lang,
	}
}

func runWizard(ctx context.Context, f *Factory, o *WizardOptions) error {
	sh := &o.Shared
	tty := sh.interactive(f)
	opts := o.stepOptions()
	if o.SamplingRule == "" && tty {
		// A person is there: the sampling step offers the workshop rule.
		opts.SamplingRule = steps.SamplingAsk
	}
	s, err := startSession(ctx, f, sh, opts, sessionOptions{sandbox: o.Sandbox, askRegion: tty && !o.Sandbox})
	if err != nil {
		return err
	}
	defer s.close()
	cleanup := o.Command == "cleanup"
	if tty && !o.Sandbox {
		if err := askCluster(ctx, f, s.env); err != nil {
			return err
		}
		if !o.AcceptContext && !cleanup && runsPreflight(o.Steps) {
			if err := askContext(ctx, f, s.env); err != nil {
				return err
			}
		}
		if !o.IdentityGiven && !cleanup && choosesIdentity(o.Steps) {
			if err := askIdentity(ctx, f, s.env); err != nil {
				return err
			}
		}
		s.withDoctor() // the doctor's command with what was chosen
	}
	runner := &steps.Runner{Env: s.env, Steps: o.Steps, DryRun: o.DryRun, Sandbox: o.Sandbox}
	s.log.Info("start", "version", Version, "steps", o.StepList, "sandbox", o.Sandbox, "dryRun", o.DryRun, "region", s.env.Region())
	sum, err := s.run(ctx, stepRun{runner: runner, failID: flow.IDPreflight, live: !cleanup, banner: true, intro: !cleanup})
	if err != nil {
		return err
	}
	sum.Command = o.Command
	if cleanup {
		sum.Console = nil // nothing to look at in the console
	}
	if sh.json() {
		if err := report.JSON(f.IOStreams.Out, sum); err != nil {
			return err
		}
	} else {
		report.Text(f.IOStreams.Out, sum, sh.Lang)
	}
	return s.exit(sum)
}

// stepsUsage says what is wrong with --steps: the first step it does not
// know, or that it names none.
func stepsUsage(l i18n.Lang, list string) error {
	all := strings.Join(flow.AllIDs, ",")
	for _, id := range strings.Split(list, ",") {
		if id = strings.ToLower(strings.TrimSpace(id)); id != "" && !slices.Contains(flow.AllIDs, id) {
			return usageT(l, i18n.UsageSteps, id, all)
		}
	}
	return usageT(l, i18n.UsageNoSteps, all)
}
