package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"charm.land/huh/v2"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// ServeOptions are the flags of sandbox serve.
type ServeOptions struct {
	Listen  string
	Latency time.Duration
	Seed    int
	// SeedSpan and SeedAgo place the seeded traces: spread over SeedSpan,
	// ending SeedAgo before now.
	SeedSpan time.Duration
	SeedAgo  time.Duration
	Throttle float64
}

// The default placing of seeded traces: the last 15 minutes, as the
// sandbox's SeedTraces places them.
const (
	defaultSeedSpan = 14*time.Minute + 25*time.Second
	defaultSeedAgo  = 5 * time.Second
)

func (o *ServeOptions) validate(*Factory) error {
	host, _, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return usagef("--listen %q: %v", o.Listen, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("--listen %q: the sandbox serves on loopback only (127.0.0.1)", o.Listen)
	}
	if o.Latency < 0 || o.Latency > time.Minute {
		return usagef("--latency %s: must be between 0 and 1m", o.Latency)
	}
	if o.Seed < 0 || o.Seed > 1_000_000 {
		return usagef("--seed-traces %d: must be between 0 and 1000000", o.Seed)
	}
	// X-Ray keeps traces for 30 days.
	const kept = 30 * 24 * time.Hour
	if o.SeedSpan < 0 || o.SeedSpan > kept {
		return usagef("--seed-span %s: must be between 0 and 720h (X-Ray keeps traces for 30 days)", o.SeedSpan)
	}
	if o.SeedAgo < 0 || o.SeedAgo+o.SeedSpan > kept {
		return usagef("--seed-ago %s: must not be negative, and with --seed-span %s go back at most 720h (X-Ray keeps traces for 30 days)", o.SeedAgo, o.SeedSpan)
	}
	if o.Throttle < 0 {
		return usagef("--throttle-rate %g: must not be negative", o.Throttle)
	}
	return nil
}

// NewCmdSandbox groups the sandbox's parts and its saved world.
func NewCmdSandbox(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "The practice sandbox's parts, on their own, and its saved world",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(NewCmdSandboxServe(f, nil), NewCmdSandboxReset(f, nil), NewCmdSandboxBreak(f, nil), NewCmdSandboxKubectl(f, nil),
		NewCmdSandboxCloud9(f, nil), NewCmdSandboxDeployApp(f, nil))
	return usesShared(cmd, "lang")
}

// NewCmdSandboxServe serves the sandbox's AWS endpoints alone.
func NewCmdSandboxServe(f *Factory, runF func(context.Context, *ServeOptions) error) *cobra.Command {
	o := &ServeOptions{}
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox's simulated AWS endpoints (STS, IAM, EKS, X-Ray) on loopback",
		Long: `Serves the practice sandbox's simulated AWS endpoints alone, and prints the
environment that points the AWS CLI and SDKs at them (AWS_ENDPOINT_URL).
Stop it with ctrl+c.`,
		Args: cobra.NoArgs,
		RunE: runE(f, o, runF, runServe),
	}
	serve.Flags().StringVar(&o.Listen, "listen", "127.0.0.1:4566", "address to serve on (loopback only)")
	serve.Flags().DurationVar(&o.Latency, "latency", 0, "answer every request after this long (e.g. 5ms), as a distant service would")
	serve.Flags().IntVar(&o.Seed, "seed-traces", 0, "store this many traces of the sample app in X-Ray first, spread over --seed-span ending --seed-ago before now (totals on stderr)")
	serve.Flags().DurationVar(&o.SeedSpan, "seed-span", defaultSeedSpan, "how long a time the seeded traces spread over (e.g. 6h)")
	serve.Flags().DurationVar(&o.SeedAgo, "seed-ago", defaultSeedAgo, "how long before now the seeded traces end (e.g. 12h: a bunch in the middle of a 24h window)")
	serve.Flags().Float64Var(&o.Throttle, "throttle-rate", 0, "X-Ray read calls a second before 429 ThrottledException (0: no limit)")
	return usesShared(serve, "lang")
}

func runServe(ctx context.Context, f *Factory, o *ServeOptions) error {
	stdout, stderr := f.IOStreams.Out, f.IOStreams.ErrOut
	lang := f.lang()
	a := sandbox.NewAWS(sandbox.AWSOptions{Latency: o.Latency, XRayReadRate: o.Throttle})
	if o.Seed > 0 {
		to := time.Now().Add(-o.SeedAgo)
		st, err := a.SeedTracesOver(o.Seed, to.Add(-o.SeedSpan), to)
		if err != nil {
			return err
		}
		fmt.Fprintln(stderr, lang.T(i18n.CLISandboxSeeded, st.Total, st.OK, st.Error, st.Throttle, st.Fault,
			st.From.Format(time.RFC3339), st.To.Format(time.RFC3339), byService(lang, st.ByService)))
		// Seeding's garbage goes now, not while the first client pages.
		runtime.GC()
	}
	url, err := a.Listen(o.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.Listen, err)
	}
	defer a.Close()
	fmt.Fprintln(stderr, lang.T(i18n.CLISandboxServe, url))
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL=%s\nexport AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_REGION=%s\nexport AWS_DEFAULT_REGION=%s\n",
		url, sandbox.SandboxAccessKeyID, sandbox.SandboxSecretAccessKey, a.Region(), a.Region())
	<-ctx.Done()
	return nil
}

// ResetOptions are the flags of sandbox reset.
type ResetOptions struct {
	Yes      bool   // -y: no question
	LangFlag string // the root's --lang, when given
	// Set by validate: the language, and the folder of the saved world.
	Lang i18n.Lang
	Dir  string
}

func (o *ResetOptions) validate(f *Factory) error {
	var err error
	if o.Lang, err = f.langOf(o.LangFlag); err != nil {
		return err
	}
	dir, err := sandboxStateDir(f.IOStreams.Getenv)
	if err != nil {
		return &flow.Error{Usage: true, Cause: o.Lang.T(i18n.CLISandboxNoStateDir, err)}
	}
	o.Dir = dir
	// Removing is a change: without a terminal to ask at, only -y says yes.
	if !o.Yes && !f.IOStreams.CanPrompt() {
		return usagef("%s", o.Lang.T(i18n.CLISandboxResetNeedsYes))
	}
	return nil
}

// NewCmdSandboxReset deletes the practice world the --sandbox runs keep.
func NewCmdSandboxReset(f *Factory, runF func(context.Context, *ResetOptions) error) *cobra.Command {
	o := &ResetOptions{}
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Delete the saved practice world, so the next --sandbox run starts afresh",
		Long: `The practice sandbox keeps its world between runs — the IAM role and OIDC
provider, the cluster's objects, the traces — in
$XDG_STATE_HOME/xray-wizard/sandbox (default ~/.local/state/xray-wizard/sandbox;
$XRAY_WIZARD_STATE_DIR/sandbox when that is set), so running the wizard, doctor,
cleanup and traces with --sandbox behave as they do on AWS. reset deletes it.
At a terminal it asks first; without one it needs -y.`,
		Example: `  xray-wizard sandbox reset
  xray-wizard sandbox reset -y`,
		Args: cobra.NoArgs,
	}
	run := runE(f, o, runF, runReset)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		o.LangFlag = langFlag(cmd)
		return run(cmd, args)
	}
	cmd.Flags().BoolVarP(&o.Yes, "non-interactive", "y", false, "do not ask: delete it")
	cmd.Flags().BoolVar(&o.Yes, "yes", false, "same as -y")
	_ = cmd.Flags().MarkHidden("yes")
	return usesShared(cmd, "lang")
}

func runReset(ctx context.Context, f *Factory, o *ResetOptions) error {
	lang, stderr := o.Lang, f.IOStreams.ErrOut
	state, err := sandbox.OpenState(o.Dir, commandLine())
	if err != nil {
		return stateError(lang, o.Dir, err)
	}
	defer state.Close()
	if _, err := os.Stat(state.Path()); errors.Is(err, os.ErrNotExist) {
		if aside, _ := filepath.Glob(state.Path() + ".*"); len(aside) == 0 {
			fmt.Fprintln(stderr, lang.T(i18n.CLISandboxResetNothing, o.Dir))
			return nil
		}
	}
	fmt.Fprintln(stderr, lang.T(i18n.CLISandboxResetWhat, o.Dir))
	if !o.Yes {
		yes := false
		c := huh.NewConfirm().Title(lang.T(i18n.CLISandboxResetAsk)).Value(&yes)
		err := huh.NewForm(huh.NewGroup(c)).WithAccessible(f.IOStreams.Accessible()).RunWithContext(ctx)
		if errors.Is(err, huh.ErrUserAborted) {
			return context.Canceled
		}
		if err != nil {
			return err
		}
		if !yes {
			fmt.Fprintln(stderr, lang.T(i18n.CLISandboxResetKept))
			return nil
		}
	}
	removed, err := state.Remove()
	for _, p := range removed {
		fmt.Fprintln(stderr, lang.T(i18n.CLISandboxResetDone, p))
	}
	return err
}

// stateError is what opening the saved world's folder failed with, as
// the person reads it: another run holds it (exit 2, naming that run), or
// there is no folder to keep it in.
func stateError(lang i18n.Lang, dir string, err error) error {
	var busy *sandbox.BusyError
	if errors.As(err, &busy) {
		return &flow.Error{Usage: true, Err: sandbox.ErrWorldBusy,
			Cause: lang.T(i18n.CLISandboxBusy, busy.PID, busy.Command, busy.Since.Local().Format(time.DateTime)),
			Fix:   lang.T(i18n.CLISandboxBusyFix, dir)}
	}
	return &flow.Error{Usage: true, Cause: lang.T(i18n.CLISandboxNoStateDir, err)}
}

// StateDirEnv names the folder of the wizard's state, in place of
// $XDG_STATE_HOME/xray-wizard (for tests, and to keep several worlds).
const StateDirEnv = "XRAY_WIZARD_STATE_DIR"

// sandboxStateDir is where the practice world is kept between runs:
// $XRAY_WIZARD_STATE_DIR/sandbox, else $XDG_STATE_HOME/xray-wizard/sandbox,
// else ~/.local/state/xray-wizard/sandbox (XDG's default).
func sandboxStateDir(getenv func(string) string) (string, error) {
	if d := getenv(StateDirEnv); d != "" {
		return filepath.Join(d, "sandbox"), nil
	}
	// XDG: a relative path is invalid and is ignored.
	if d := getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "xray-wizard", "sandbox"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", err
		}
	}
	return filepath.Join(home, ".local", "state", "xray-wizard", "sandbox"), nil
}

// sandboxNotices is where a sandbox run says what the person should know
// of its saved world (a file it could not read, a save that failed): the
// terminal's stderr, before the TUI starts and after it ends.
var sandboxNotices io.Writer = os.Stderr

// commandLine describes this run to another that finds the world held.
func commandLine() string {
	return strings.Join(append([]string{"xray-wizard"}, os.Args[1:]...), " ")
}

// sandboxEnv is buildEnv's practice sandbox: the world saved by the last
// --sandbox run (or a fresh one), held by this run until stop, which saves
// it — whether the run ended, failed or was interrupted.
func sandboxEnv(opts steps.Options, log *slog.Logger, sbOpts ...func(*sandbox.Options)) (env *steps.Env, prepare func(context.Context) error, stop func(), err error) {
	lang := opts.Lang
	dir, err := sandboxStateDir(os.Getenv)
	if err != nil {
		return nil, nil, nil, &flow.Error{Usage: true, Cause: lang.T(i18n.CLISandboxNoStateDir, err)}
	}
	state, err := sandbox.OpenState(dir, commandLine())
	if err != nil {
		return nil, nil, nil, stateError(lang, dir, err)
	}
	world, err := state.Load()
	var unreadable *sandbox.UnreadableError
	switch {
	case errors.As(err, &unreadable):
		moved := unreadable.MovedTo
		if moved == "" {
			moved = unreadable.Path
		}
		fmt.Fprintln(sandboxNotices, lang.T(i18n.CLISandboxUnreadable, unreadable.Err, moved))
		log.Warn("sandbox world unreadable", "path", unreadable.Path, "err", unreadable.Err, "movedTo", unreadable.MovedTo)
	case err != nil:
		state.Close()
		return nil, nil, nil, &flow.Error{Usage: true, Cause: lang.T(i18n.CLISandboxNoStateDir, err)}
	}
	region, cluster := opts.Region, opts.Cluster
	if world != nil {
		// The world has one cluster in one region: a run asking for
		// another is told so before anything runs.
		if (region != "" && region != world.Region) || (cluster != "" && cluster != world.Cluster) {
			state.Close()
			return nil, nil, nil, &flow.Error{Usage: true,
				Cause: lang.T(i18n.CLISandboxOtherWorld, world.Cluster, world.Region, or(cluster, world.Cluster), or(region, world.Region)),
				Fix:   lang.T(i18n.CLISandboxOtherWorldFix)}
		}
		region, cluster = world.Region, world.Cluster
		log.Info("sandbox world loaded", "path", state.Path(), "saved", world.SavedAt, "objects", len(world.Kubernetes), "traceDocuments", world.Traces())
	}
	if region == "" {
		region = "us-west-2"
	}
	env = steps.NewEnv(aws.Config{Region: region}, nil, opts)
	env.PollInterval = time.Second
	env.Log = log
	var sb *sandbox.Sandbox
	prepare = func(ctx context.Context) error {
		var err error
		so := sandbox.Options{Region: region, Cluster: cluster, AppNamespace: opts.AppNamespace, Log: log}
		for _, f := range sbOpts {
			f(&so)
		}
		if world != nil {
			so.World = world
			if world.Traces() > 0 {
				// The world has traces of its own to look at: made-up
				// ones would only hide them.
				so.SeedTraces = 0
			}
		}
		sb, err = sandbox.Start(ctx, so)
		if err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		env.UseAWS(sb.AWSConfig())
		env.Cloud9 = sandboxCloud9(env, sb)
		env.Kube = sb.Clientset()
		env.KubeContext, env.KubeCluster, env.KubeServer = sb.KubeContext(), sb.KubeCluster(), sb.KubeServer()
		env.Thumbprint = sb.Thumbprint
		env.PodLog = func(_ context.Context, ns, pod string) string { return strings.Join(sb.Cluster.PodLog(ns, pod), "\n") }
		return nil
	}
	stop = func() {
		defer state.Close()
		if sb == nil {
			return
		}
		sb.Stop()
		log.Debug("sandbox aws calls", "calls", sb.AWS.Calls())
		w, err := sb.World()
		if err == nil {
			err = state.Save(w)
		}
		if err != nil {
			fmt.Fprintln(sandboxNotices, lang.T(i18n.CLISandboxSaveFailed, err))
			log.Error("sandbox world not saved", "err", err)
			return
		}
		log.Info("sandbox world saved", "path", state.Path())
	}
	return env, prepare, stop, nil
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
