package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/sandbox/practice"
	"github.com/xray-wizard/xray-wizard/steps"
)

// DeployAppOptions are the flags of sandbox deploy-app.
type DeployAppOptions struct {
	AppNamespace string
	LangFlag     string // the root's --lang, when given
	Lang         i18n.Lang
}

func (o *DeployAppOptions) validate(f *Factory) error {
	var err error
	if o.Lang, err = f.langOf(o.LangFlag); err != nil {
		return err
	}
	return checkNamespace(o.Lang, "--app-namespace", o.AppNamespace)
}

// NewCmdSandboxDeployApp deploys the workshop's sample app into the
// practice world, as the workshop's earlier lab does on a real cluster.
func NewCmdSandboxDeployApp(f *Factory, runF func(context.Context, *DeployAppOptions) error) *cobra.Command {
	o := &DeployAppOptions{}
	cmd := &cobra.Command{
		Use:   "deploy-app",
		Short: "Deploy the workshop's sample app into the practice world, as the workshop's earlier lab does",
		Long: `Deploys the workshop's sample app (frontend, prodcatalog and proddetail, each a
Deployment and a Service, their X-Ray SDK sending to xray-service.default:2000)
into the saved practice world, as the workshop's earlier lab does with kubectl
apply: the namespace if it is missing, and each part that is not there; what is
there stays as it is. It waits until the app's pods are up, and saves the world.
It changes nothing but the practice world, so it does not ask.
The doctor prints it as the fix when the practice world has no app.`,
		Example: `  xray-wizard sandbox deploy-app
  xray-wizard doctor --sandbox`,
		Args: cobra.NoArgs,
	}
	run := runE(f, o, runF, runDeployApp)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		o.LangFlag = langFlag(cmd)
		return run(cmd, args)
	}
	cmd.Flags().StringVar(&o.AppNamespace, "app-namespace", "workshop", "namespace of the sample app")
	return usesShared(cmd, "lang")
}

func runDeployApp(ctx context.Context, f *Factory, o *DeployAppOptions) error {
	env, prepare, stop, err := sandboxEnv(steps.Options{Lang: o.Lang, AppNamespace: o.AppNamespace}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer stop()
	if err := prepare(ctx); err != nil {
		return err
	}
	out, err := practice.DeployApp(ctx, env.Kube, o.AppNamespace)
	for _, l := range out {
		fmt.Fprintln(f.IOStreams.Out, l)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return &flow.Error{Err: err, Cause: err.Error()}
	}
	fmt.Fprintln(f.IOStreams.ErrOut, o.Lang.T(i18n.DeployAppDone, o.AppNamespace))
	doctor := []string{"xray-wizard", "doctor", "--sandbox"}
	if o.AppNamespace != "workshop" {
		doctor = append(doctor, "--app-namespace", o.AppNamespace)
	}
	fmt.Fprintln(f.IOStreams.ErrOut, o.Lang.T(i18n.DeployAppNext, strings.Join(doctor, " ")))
	return nil
}
