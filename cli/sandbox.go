package cli

import (
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

func newSandbox(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "The practice sandbox's parts, on their own",
		Args:  cobra.NoArgs,
	}
	var listen string
	var latency time.Duration
	var seed int
	var throttle float64
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox's simulated AWS endpoints (STS, IAM, EKS, X-Ray) on loopback",
		Long: `Serves the practice sandbox's simulated AWS endpoints alone, and prints the
environment that points the AWS CLI and SDKs at them (AWS_ENDPOINT_URL).
Stop it with ctrl+c.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			host, _, err := net.SplitHostPort(listen)
			if err != nil {
				return usagef("--listen %q: %v", listen, err)
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return usagef("--listen %q: the sandbox serves on loopback only (127.0.0.1)", listen)
			}
			if latency < 0 || latency > time.Minute {
				return usagef("--latency %s: must be between 0 and 1m", latency)
			}
			if seed < 0 || seed > 1_000_000 {
				return usagef("--seed-traces %d: must be between 0 and 1000000", seed)
			}
			if throttle < 0 {
				return usagef("--throttle-rate %g: must not be negative", throttle)
			}
			lang := i18n.Detect(os.Getenv)
			a := sandbox.NewAWS(sandbox.AWSOptions{Latency: latency, XRayReadRate: throttle})
			if seed > 0 {
				st, err := a.SeedTraces(seed, time.Now())
				if err != nil {
					return err
				}
				fmt.Fprintln(stderr, lang.T(i18n.CLISandboxSeeded, st.Total, st.OK, st.Error, st.Throttle, st.Fault,
					st.From.Format(time.RFC3339), st.To.Format(time.RFC3339), st.ByService))
				// Seeding's garbage goes now, not while the first client pages.
				runtime.GC()
			}
			url, err := a.Listen(listen)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", listen, err)
			}
			defer a.Close()
			fmt.Fprintln(stderr, lang.T(i18n.CLISandboxServe, url))
			fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL=%s\nexport AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_REGION=%s\nexport AWS_DEFAULT_REGION=%s\n",
				url, sandbox.SandboxAccessKeyID, sandbox.SandboxSecretAccessKey, a.Region(), a.Region())
			<-cmd.Context().Done()
			return nil
		},
	}
	serve.Flags().StringVar(&listen, "listen", "127.0.0.1:4566", "address to serve on (loopback only)")
	serve.Flags().DurationVar(&latency, "latency", 0, "answer every request after this long (e.g. 5ms), as a distant service would")
	serve.Flags().IntVar(&seed, "seed-traces", 0, "store this many traces of the sample app in X-Ray first, over the last 15 minutes (totals on stderr)")
	serve.Flags().Float64Var(&throttle, "throttle-rate", 0, "X-Ray read calls a second before 429 ThrottledException (0: no limit)")
	cmd.AddCommand(serve)
	return cmd
}
