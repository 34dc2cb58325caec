package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/steps"
)

func newCleanup(w *wizardFlags, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var includeOIDC, sandbox, dryRun bool
	cmd := &cobra.Command{
		Use:   "cleanup",
		Short: "Remove what the wizard made, and nothing else",
		Long: `Shows the plan, asks, then removes what the wizard made: the Kubernetes
objects labelled app.kubernetes.io/managed-by=xray-wizard (the daemon's
DaemonSet, Service, ConfigMap and ServiceAccount), the daemon's IAM role the
wizard tagged for this cluster (its policies detached first) and the EKS pod
identity association it tagged. Objects and roles without the wizard's label or
tag stay, whatever their names. The OIDC provider stays unless
--include-oidc-provider, and then only if the wizard made it. Running it again
finds nothing and changes nothing.`,
		Example: `  xray-wizard cleanup
  xray-wizard cleanup --dry-run
  xray-wizard cleanup -y --include-oidc-provider`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := *w
			c.sandbox, c.dryRun, c.stepList = sandbox, dryRun, ""
			c.only = []steps.Step{steps.Cleanup{IncludeOIDC: includeOIDC}}
			c.command = "cleanup"
			return runWizard(cmd.Context(), &c, stdin, stdout, stderr)
		},
	}
	cmd.Flags().BoolVar(&includeOIDC, "include-oidc-provider", false, "remove the cluster's IAM OIDC provider too, if the wizard made it")
	cmd.Flags().BoolVar(&sandbox, "sandbox", false, "in the practice sandbox")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what would go, remove nothing")
	return cmd
}
