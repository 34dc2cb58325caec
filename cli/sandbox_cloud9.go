package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Cloud9Command is the command that turns the practice world's Cloud9
// setting "AWS managed temporary credentials" off: the doctor's and the
// wizard's fix when IAM refuses those credentials in the sandbox.
const Cloud9Command = "xray-wizard sandbox cloud9 --managed-credentials=off"

// sandboxCloud9 is the practice world's terminal as a Cloud9 one, for the
// steps and the doctor: what the world records of it, the command that
// turns its managed temporary credentials off, and the switch itself,
// which points env's clients at the credentials the terminal then has.
func sandboxCloud9(env *steps.Env, sb *sandbox.Sandbox) *steps.Cloud9 {
	c9 := sb.AWS.Cloud9()
	return &steps.Cloud9{
		EnvironmentID: c9.EnvironmentID, Name: c9.Name,
		Evidence: env.T(i18n.DxCloud9World, c9.Name, c9.EnvironmentID),
		Command:  Cloud9Command,
		SetManaged: func(_ context.Context, on bool) error {
			sb.AWS.SetCloud9ManagedCredentials(on)
			env.UseAWS(sb.AWSConfig())
			return nil
		},
	}
}

// Cloud9Options are the flags of sandbox cloud9.
type Cloud9Options struct {
	Managed  string // --managed-credentials: on, off, or "" to show
	LangFlag string
	// Set by validate.
	Lang i18n.Lang
}

func (o *Cloud9Options) validate(f *Factory) error {
	var err error
	if o.Lang, err = f.langOf(o.LangFlag); err != nil {
		return err
	}
	switch o.Managed {
	case "", "on", "off":
		return nil
	}
	return usagef("%s", o.Lang.T(i18n.CLICloud9BadValue, o.Managed))
}

// NewCmdSandboxCloud9 shows or switches the practice world's Cloud9
// setting "AWS managed temporary credentials" (the lab's point 10).
func NewCmdSandboxCloud9(f *Factory, runF func(context.Context, *Cloud9Options) error) *cobra.Command {
	o := &Cloud9Options{}
	cmd := &cobra.Command{
		Use:   "cloud9",
		Short: "Show or switch the practice world's Cloud9 setting \"AWS managed temporary credentials\"",
		Long: `The practice world's terminal stands for the workshop's Cloud9 environment.
Cloud9 gives its terminals AWS managed temporary credentials unless they are
turned off, and IAM refuses every call made with them (InvalidClientTokenId)
while STS still answers: so the lab turns them off (Preferences → AWS Settings
→ Credentials) and gives the environment's EC2 instance an IAM role.

--managed-credentials=off is that switch in the practice world, and the fix the
doctor prints there; =on turns them back on (as sandbox break
cloud9-credentials does). Without the flag it shows the setting. Either way it
says whom the terminal's AWS calls run as, and saves the world.`,
		Example: `  xray-wizard sandbox cloud9
  xray-wizard sandbox cloud9 --managed-credentials=off`,
		Args: cobra.NoArgs,
	}
	run := runE(f, o, runF, runCloud9)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		o.LangFlag = langFlag(cmd)
		return run(cmd, args)
	}
	cmd.Flags().StringVar(&o.Managed, "managed-credentials", "", "on or off: turn Cloud9's AWS managed temporary credentials on or off in the practice world")
	return usesShared(cmd, "lang")
}

func runCloud9(ctx context.Context, f *Factory, o *Cloud9Options) error {
	lang := o.Lang
	env, prepare, stop, err := sandboxEnv(steps.Options{Lang: lang}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer stop()
	if err := prepare(ctx); err != nil {
		return err
	}
	if o.Managed != "" {
		if err := env.Cloud9.SetManaged(ctx, o.Managed == "on"); err != nil {
			return err
		}
	}
	return printCloud9(ctx, f, env, lang)
}

// printCloud9 says what the setting is and whom the terminal's AWS calls
// run as.
func printCloud9(ctx context.Context, f *Factory, env *steps.Env, lang i18n.Lang) error {
	creds, err := env.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		return err
	}
	managed := creds.AccessKeyID == sandbox.Cloud9ManagedAccessKeyID
	c9 := env.Cloud9
	state, status := lang.T(i18n.CLICloud9Off), sandbox.Cloud9ManagedDisabled
	if managed {
		state, status = lang.T(i18n.CLICloud9On), sandbox.Cloud9ManagedEnabled
	}
	fmt.Fprintln(f.IOStreams.Out, lang.T(i18n.CLICloud9Status, c9.Name, c9.EnvironmentID, state, status))
	id, err := env.Identity(ctx)
	if err != nil {
		var fe *flow.Error
		if errors.As(err, &fe) {
			return fe
		}
		return &flow.Error{Err: err, Cause: err.Error()}
	}
	if managed {
		fmt.Fprintln(f.IOStreams.Out, lang.T(i18n.CLICloud9CallerManaged, id.ARN))
	} else {
		fmt.Fprintln(f.IOStreams.Out, lang.T(i18n.CLICloud9CallerRole, id.ARN))
	}
	return nil
}
