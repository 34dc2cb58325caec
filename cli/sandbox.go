package cli

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

// ServeOptions are the flags of sandbox serve.
type ServeOptions struct {
	Listen   string
	Latency  time.Duration
	Seed     int
	Throttle float64
}

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
	if o.Throttle < 0 {
		return usagef("--throttle-rate %g: must not be negative", o.Throttle)
	}
	return nil
}

// NewCmdSandbox groups the sandbox's parts; runF, when set, replaces
// sandbox serve's run.
func NewCmdSandbox(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "The practice sandbox's parts, on their own",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(NewCmdSandboxServe(f, nil))
	return cmd
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
	serve.Flags().IntVar(&o.Seed, "seed-traces", 0, "store this many traces of the sample app in X-Ray first, over the last 15 minutes (totals on stderr)")
	serve.Flags().Float64Var(&o.Throttle, "throttle-rate", 0, "X-Ray read calls a second before 429 ThrottledException (0: no limit)")
	return serve
}

func runServe(ctx context.Context, f *Factory, o *ServeOptions) error {
	stdout, stderr := f.IOStreams.Out, f.IOStreams.ErrOut
	lang := f.lang()
	a := sandbox.NewAWS(sandbox.AWSOptions{Latency: o.Latency, XRayReadRate: o.Throttle})
	if o.Seed > 0 {
		st, err := a.SeedTraces(o.Seed, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintln(stderr, lang.T(i18n.CLISandboxSeeded, st.Total, st.OK, st.Error, st.Throttle, st.Fault,
			st.From.Format(time.RFC3339), st.To.Format(time.RFC3339), st.ByService))
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
