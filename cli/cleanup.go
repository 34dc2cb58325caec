package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/steps"
)

// CleanupOptions are cleanup's own flags; the rest are the wizard's.
type CleanupOptions struct {
	IncludeOIDC bool
	Sandbox     bool
	DryRun      bool
}

// NewCmdCleanup runs the wizard with the cleanup step in place of the lab's.
// w are the wizard's options (its shared flags and defaults); runF, when
// set, replaces the run and gets the wizard options cleanup made.
func NewCmdCleanup(f *Factory, w *WizardOptions, runF func(context.Context, *WizardOptions) error) *cobra.Command {
	var c CleanupOptions
	cmd := &cobra.Command{
		Use:   "cleanup",
		Short: "Remove what the wizard made, and nothing else",
		Long: `Shows the plan, asks, then removes what the wizard created: the Kubernetes
objects it labelled app.kubernetes.io/managed-by=xray-wizard when it made them
(the daemon's DaemonSet, Service, ConfigMap and ServiceAccount), the daemon
roles it tagged for this cluster in any namespace (their policies detached
first) and the EKS pod identity associations it tagged. From objects another
tool made (an eksctl or Helm ServiceAccount it annotated) it takes back only
the labels and annotations it set; the objects stay. Roles without the
wizard's tag stay, whatever their names. The OIDC provider stays unless
--include-oidc-provider, and then only if the wizard made it. Running it again
finds nothing and changes nothing.`,
		Example: `  xray-wizard cleanup
  xray-wizard cleanup --dry-run
  xray-wizard cleanup -y --include-oidc-provider`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runE(f, c.wizard(w), runF, runWizard)(cmd, args)
		},
	}
	cmd.Flags().BoolVar(&c.IncludeOIDC, "include-oidc-provider", false, "remove the cluster's IAM OIDC provider too, if the wizard made it")
	cmd.Flags().BoolVar(&c.Sandbox, "sandbox", false, "in the practice sandbox")
	cmd.Flags().BoolVar(&c.DryRun, "dry-run", false, "show what would go, remove nothing")
	return cmd
}

// wizard is the wizard's run that cleans up: w's flags, cleanup's step.
func (c CleanupOptions) wizard(w *WizardOptions) *WizardOptions {
	o := *w
	o.Sandbox, o.DryRun, o.StepList = c.Sandbox, c.DryRun, ""
	o.Steps = []steps.Step{steps.Cleanup{IncludeOIDC: c.IncludeOIDC}}
	o.Command = "cleanup"
	return &o
}
