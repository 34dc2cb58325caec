// Package cli is the command line: flags and subcommands, the choice between
// the TUI and plain lines, and exit codes. It wires the steps to a face and
// owns no step logic of its own.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// Version is set at build time.
var Version = "dev"

// usageError is bad input: exit 2, one line and a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitError carries an exit code out of a command that already said why.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// shared are the flags every subcommand takes.
type shared struct {
	cluster, region, profile, kubeconfig, kubeContext string
	namespace, output, lang, logFile                  string
	nonInteractive                                    bool
}

func (s *shared) register(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&s.cluster, "cluster", "", "EKS cluster name (default: the kube context's cluster, or the only one in the region)")
	f.StringVar(&s.region, "region", "", "AWS region (default: from AWS_REGION or the profile)")
	f.StringVar(&s.profile, "profile", "", "AWS named profile")
	f.StringVar(&s.kubeconfig, "kubeconfig", "", "path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&s.kubeContext, "context", "", "kube context to use (default: the current context)")
	f.StringVar(&s.namespace, "namespace", "default", "namespace of the X-Ray daemon")
	f.StringVar(&s.output, "output", "text", "format of the final summary on stdout: text or json")
	f.StringVar(&s.lang, "lang", "", "language: ja or en (default: from LC_ALL / LC_MESSAGES / LANG)")
	f.StringVar(&s.logFile, "log-file", "", "write a debug log to this file")
	f.BoolVarP(&s.nonInteractive, "non-interactive", "y", false, "no prompts; implied when stdin or stdout is not a terminal, or CI is set")
}

func (s *shared) validate() (i18n.Lang, error) {
	switch s.output {
	case "text", "json":
	default:
		return "", usagef("--output %q: must be text or json", s.output)
	}
	lang := i18n.Detect(os.Getenv)
	if s.lang != "" {
		l, err := i18n.Parse(s.lang)
		if err != nil {
			return "", usagef("--lang %q: must be ja or en", s.lang)
		}
		lang = l
	}
	if strings.TrimSpace(s.namespace) == "" {
		return "", usagef("--namespace must not be empty")
	}
	if s.cluster != "" && !clusterName.MatchString(s.cluster) {
		return "", usagef("--cluster %q is not a valid EKS cluster name (letters, digits, - and _, up to 100, starting with a letter or digit)", s.cluster)
	}
	if s.region != "" && !regionName.MatchString(s.region) {
		return "", usagef("--region %q is not an AWS region name (e.g. us-west-2)", s.region)
	}
	return lang, nil
}

// wizardFlags are the wizard's own flags.
type wizardFlags struct {
	shared
	sandbox       bool
	appNamespace  string
	stepList      string
	dryRun        bool
	requests      int
	overrideSA    bool
	identity      string
	force         bool
	podsTimeout   time.Duration
	tracesTimeout time.Duration
	since         time.Duration
	filter        string
	// only replaces the lab's steps (cleanup), and command names it.
	only    []steps.Step
	command string
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var fe *flow.Error
	if errors.As(err, &fe) {
		fmt.Fprintf(stderr, "xray-wizard: %s\n", fe.Cause)
		if fe.Fix != "" {
			fmt.Fprintf(stderr, "  → %s\n", fe.Fix)
		}
		if fe.Usage {
			return ExitUsage
		}
		return ExitFailed
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	// Everything else cobra returns is about the command line itself:
	// unknown flags, commands and arguments.
	fmt.Fprintf(stderr, "xray-wizard: %s (%s)\n", strings.TrimPrefix(err.Error(), "Error: "), i18n.Detect(os.Getenv).T(i18n.CLIUsageHint))
	return ExitUsage
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var w wizardFlags
	root := &cobra.Command{
		Use:   "xray-wizard",
		Short: "Set up AWS X-Ray on an EKS cluster, step by step",
		Long: `xray-wizard takes an EKS cluster with no tracing to your app's traces in X-Ray:
it associates the cluster's IAM OIDC provider, gives the X-Ray daemon's service
account an IAM role, deploys the daemon, waits for its pods, sends the sample app
traffic and counts the traces. Each step says why, shows the command it replaces
and asks before it changes anything.

On a terminal it is a full-screen UI; otherwise (-y, no TTY, or CI set) it prints
one line per event on stderr and the summary on stdout.

Steps: preflight, oidc, iamsa, daemonset, pods, app, traces.
Exit codes: 0 success, 1 a step failed, 2 bad usage, 130 interrupted.`,
		Example: `  xray-wizard --sandbox                       practice on this machine, no AWS needed
  xray-wizard --cluster eksworkshop-eksctl     the workshop lab against your account
  xray-wizard --dry-run                        what would change, and the commands it replaces
  xray-wizard --steps oidc,iamsa -y            just the IAM part, without prompts`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWizard(cmd.Context(), &w, stdin, stdout, stderr)
		},
	}
	w.register(root)
	f := root.Flags()
	f.BoolVar(&w.sandbox, "sandbox", false, "practice mode: simulated AWS, cluster and sample app on this machine")
	f.StringVar(&w.appNamespace, "app-namespace", "workshop", "namespace of the sample app")
	f.StringVar(&w.stepList, "steps", "", "run only these steps, from: "+strings.Join(flow.AllIDs, ","))
	f.BoolVar(&w.dryRun, "dry-run", false, "plan only: what each step would change, and the command it replaces")
	f.IntVar(&w.requests, "requests", 20, "requests the app step sends")
	f.StringVar(&w.identity, "identity", "irsa", "how the daemon gets its IAM role: irsa (the lab's IAM Roles for Service Accounts) or pod-identity (EKS Pod Identity)")
	f.BoolVar(&w.force, "force", false, "take over fields of the daemon's objects that another tool manages (server-side apply conflicts)")
	f.BoolVar(&w.overrideSA, "override-existing-serviceaccounts", false, "annotate the daemon's service account even if someone else made it")
	f.DurationVar(&w.podsTimeout, "pods-timeout", 5*time.Minute, "how long to wait for the daemon pods")
	f.DurationVar(&w.tracesTimeout, "traces-timeout", 2*time.Minute, "how long to wait for traces to show in X-Ray")
	f.DurationVar(&w.since, "since", 15*time.Minute, "trace window when no traffic was sent (e.g. 1h)")
	f.StringVar(&w.filter, "filter", "", "X-Ray filter expression for the trace counts, passed through (e.g. 'service(\"frontend\")')")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("%v", err) })
	root.SetVersionTemplate("xray-wizard {{.Version}}\n")
	root.AddCommand(newVersion(stdout), newSandbox(stdout, stderr), newTraces(&w.shared, stdin, stdout, stderr), newDoctor(&w.shared, stdin, stdout, stderr), newCleanup(&w, stdin, stdout, stderr))
	return root
}

func newVersion(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(stdout, "xray-wizard %s\n", Version)
			return nil
		},
	}
}

// options turns the flags into step options.
func (w *wizardFlags) options(lang i18n.Lang) steps.Options {
	return steps.Options{
		Cluster:            w.cluster,
		Region:             w.region,
		Profile:            w.profile,
		Kubeconfig:         w.kubeconfig,
		Context:            w.kubeContext,
		Namespace:          w.namespace,
		AppNamespace:       w.appNamespace,
		Requests:           w.requests,
		Since:              w.since,
		Filter:             w.filter,
		OverrideExistingSA: w.overrideSA,
		Identity:           w.identity,
		Force:              w.force,
		PodsTimeout:        w.podsTimeout,
		TracesTimeout:      w.tracesTimeout,
		Lang:               lang,
	}
}
