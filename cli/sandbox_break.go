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

// BreakOptions are the flags of sandbox break.
type BreakOptions struct {
	Name         string
	List         bool
	Yes          bool // accepted, for scripts: break never asks
	LangFlag     string
	Namespace    string // the root's --namespace
	AppNamespace string
	// Set by validate.
	Lang i18n.Lang
	Mode practice.Mode
}

func (o *BreakOptions) validate(f *Factory) error {
	var err error
	if o.Lang, err = f.langOf(o.LangFlag); err != nil {
		return err
	}
	if o.List {
		return nil
	}
	if o.Name == "" {
		return usagef("%s", o.Lang.T(i18n.BreakNeedsName))
	}
	m, ok := practice.Find(o.Name)
	if !ok {
		return usagef("%s", o.Lang.T(i18n.BreakUnknown, o.Name))
	}
	o.Mode = m
	if err := checkNamespace(o.Lang, "--namespace", o.Namespace); err != nil {
		return err
	}
	return checkNamespace(o.Lang, "--app-namespace", o.AppNamespace)
}

// NewCmdSandboxBreak puts the practice world into one of the failure
// modes people meet in the lab, for practising with the doctor.
func NewCmdSandboxBreak(f *Factory, runF func(context.Context, *BreakOptions) error) *cobra.Command {
	o := &BreakOptions{}
	cmd := &cobra.Command{
		Use:   "break NAME",
		Short: "Put the practice world into a failure mode of the lab, to practise with the doctor",
		Long: `Puts the saved practice world (see sandbox reset) into one failure mode of the
X-Ray lab, so you can find it with xray-wizard doctor --sandbox and fix it with
the command the doctor prints. --list shows the modes, one a line.

Every break first sets the world right, as xray-wizard --sandbox -y would (with
--force, and the app's daemon address put back): a fresh world is set up, and an
earlier break is undone. Then it breaks it the way kubectl, eksctl or the console
would have, and saves it. It changes nothing but the practice world and undoes
nothing you cannot get back, so it never asks (-y is accepted and changes
nothing); sandbox reset, which deletes the world, asks.
It uses IRSA (the lab's way), or EKS Pod Identity for the modes that practise it
(the doctor then needs --identity pod-identity, as the break says), and
--namespace for the daemon, as the wizard does.`,
		Example: `  xray-wizard sandbox break --list
  xray-wizard sandbox break ecr-command
  xray-wizard doctor --sandbox`,
		Args: cobra.MaximumNArgs(1),
	}
	run := runE(f, o, runF, runBreak)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 {
			o.Name = args[0]
		}
		o.LangFlag = langFlag(cmd)
		o.Namespace = "default"
		if fl := cmd.Flags().Lookup("namespace"); fl != nil {
			o.Namespace = fl.Value.String()
		}
		return run(cmd, args)
	}
	cmd.Flags().BoolVar(&o.List, "list", false, "list the failure modes, one a line")
	cmd.Flags().StringVar(&o.AppNamespace, "app-namespace", "workshop", "namespace of the sample app")
	cmd.Flags().BoolVarP(&o.Yes, "non-interactive", "y", false, "accepted for scripts; break never asks")
	cmd.Flags().BoolVar(&o.Yes, "yes", false, "same as -y")
	_ = cmd.Flags().MarkHidden("yes")
	return cmd
}

func runBreak(ctx context.Context, f *Factory, o *BreakOptions) error {
	lang, stdout, stderr := o.Lang, f.IOStreams.Out, f.IOStreams.ErrOut
	if o.List {
		fmt.Fprintln(stdout, lang.T(i18n.BreakListHead))
		for _, m := range practice.Modes() {
			stuck := ""
			if m.Stuck > 0 {
				stuck = "(" + lang.T(i18n.BreakListStuck, m.Stuck) + ") "
			}
			fmt.Fprintf(stdout, "  %-25s %s%s\n", m.Name, stuck, lang.T(m.Summary))
		}
		fmt.Fprintln(stdout, lang.T(i18n.BreakListNotes))
		return nil
	}
	opts := practice.Options(o.Namespace, o.AppNamespace, lang)
	env, prepare, stop, err := sandboxEnv(opts, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer stop()
	if err := prepare(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stderr, lang.T(i18n.BreakSettingUp))
	if err := o.Mode.Break(ctx, env, flow.ReporterFunc(func(flow.Event) {})); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return &flow.Error{Err: err, Cause: err.Error()}
	}
	fmt.Fprintln(stderr, lang.T(i18n.BreakDone, lang.T(o.Mode.Summary)))
	doctor := []string{"xray-wizard", "doctor", "--sandbox"}
	if o.Namespace != "default" {
		doctor = append(doctor, "--namespace", o.Namespace)
	}
	if o.AppNamespace != "workshop" {
		doctor = append(doctor, "--app-namespace", o.AppNamespace)
	}
	if id := o.Mode.Identity(); id != steps.IdentityIRSA {
		doctor = append(doctor, "--identity", id)
	}
	fmt.Fprintln(stderr, lang.T(i18n.BreakNext, strings.Join(doctor, " ")))
	return nil
}

// KubectlOptions are the arguments of sandbox kubectl.
type KubectlOptions struct {
	Args []string
	Lang i18n.Lang
}

func (o *KubectlOptions) validate(f *Factory) error {
	o.Lang = f.lang()
	if len(o.Args) == 0 {
		return usagef("%s", o.Lang.T(i18n.KubectlNoCommand))
	}
	return nil
}

// NewCmdSandboxKubectl runs, against the practice world, the few kubectl
// commands the doctor prints as fixes: the sandbox's cluster has no API
// server on the network for a real kubectl to reach.
func NewCmdSandboxKubectl(f *Factory, runF func(context.Context, *KubectlOptions) error) *cobra.Command {
	o := &KubectlOptions{}
	cmd := &cobra.Command{
		Use:   "kubectl ARGS...",
		Short: "Run the kubectl commands the doctor prints as fixes against the practice world",
		Long: `The practice world's cluster has no API server on the network, so kubectl cannot
reach it. This runs, against the saved world, the kubectl commands the doctor
prints as fixes — as kubectl would, field managers included — waits until the
pods they start are up, and saves the world:
  ` + strings.Join(practice.KubectlCommands, "\n  "),
		Example: `  xray-wizard sandbox kubectl set env -n workshop deployment --all AWS_XRAY_DAEMON_ADDRESS=xray-service.default:2000
  xray-wizard sandbox kubectl rollout restart -n workshop deployment`,
		DisableFlagParsing: true,
	}
	run := runE(f, o, runF, runKubectl)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
			return cmd.Help()
		}
		o.Args = args
		return run(cmd, args)
	}
	return cmd
}

func runKubectl(ctx context.Context, f *Factory, o *KubectlOptions) error {
	env, prepare, stop, err := sandboxEnv(steps.Options{Lang: o.Lang}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer stop()
	if err := prepare(ctx); err != nil {
		return err
	}
	out, err := practice.Kubectl(ctx, env.Kube, o.Args)
	for _, l := range out {
		fmt.Fprintln(f.IOStreams.Out, l)
	}
	if errors.Is(err, practice.ErrUsage) {
		return usagef("%s", o.Lang.T(i18n.KubectlUnknown, "kubectl "+strings.Join(o.Args, " ")))
	}
	if err != nil {
		return &flow.Error{Err: err, Cause: err.Error()}
	}
	return nil
}
