package cli

import (
	"fmt"
	"io"
	"net"
	"os"

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
			lang := i18n.Detect(os.Getenv)
			a := sandbox.NewAWS(sandbox.AWSOptions{})
			url, err := a.Listen(listen)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", listen, err)
			}
			defer a.Close()
			fmt.Fprintln(stderr, lang.T(i18n.CLISandboxServe, url))
			fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL=%s\nexport AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_REGION=%s\n",
				url, sandbox.SandboxAccessKeyID, sandbox.SandboxSecretAccessKey, a.Region())
			<-cmd.Context().Done()
			return nil
		},
	}
	serve.Flags().StringVar(&listen, "listen", "127.0.0.1:4566", "address to serve on (loopback only)")
	cmd.AddCommand(serve)
	return cmd
}
