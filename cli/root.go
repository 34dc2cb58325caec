// Package cli is the command line: flags and subcommands, the choice between
// the TUI and plain lines, and exit codes. It wires the steps to a face and
// owns no step logic of its own. Each command is built by a NewCmdX(f, runF)
// that turns its flags into an options value and validates it; runF, when
// set, replaces what the command does, so tests can check flags → options
// without running anything.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/iostreams"
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
	// ExitNotApplied: changes were needed, no one could approve them (no
	// terminal, no -y), and nothing was changed.
	ExitNotApplied  = 3
	ExitInterrupted = 130
)

// usageError is bad input: exit 2, one line and a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitError carries an exit code out of a command that already said why.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs the command line on ios and returns the exit code.
func Main(ctx context.Context, ios *iostreams.IOStreams, args []string) int {
	f := NewFactory(ios)
	f.langArg = langInArgs(args)
	root := NewCmdRoot(f, nil)
	root.SetArgs(args)
	return execute(ctx, f, root)
}

// execute runs cmd and turns how it ended into the exit code, saying on
// stderr what went wrong where nothing has yet.
func execute(ctx context.Context, f *Factory, cmd *cobra.Command) int {
	ios := f.IOStreams
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var fe *flow.Error
	if errors.As(err, &fe) && fe.Usage {
		// Bad input or configuration: one line, the fix on it.
		fmt.Fprintf(ios.ErrOut, "xray-wizard: %s\n", fe.Error())
		return ExitUsage
	}
	if errors.As(err, &fe) {
		fmt.Fprintf(ios.ErrOut, "xray-wizard: %s\n", fe.Cause)
		if fe.Fix != "" {
			fmt.Fprintf(ios.ErrOut, "  → %s\n", fe.Fix)
		}
		return ExitFailed
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	// Everything else is about the command line itself: bad values, unknown
	// flags, commands and arguments.
	l := f.lang()
	fmt.Fprintf(ios.ErrOut, "xray-wizard: %s (%s)\n", usageText(strings.TrimPrefix(err.Error(), "Error: "), l), l.T(i18n.CLIUsageHint))
	return ExitUsage
}

// NewCmdRoot is the wizard itself with every subcommand under it. runF,
// when set, replaces the wizard's run (not the subcommands').
func NewCmdRoot(f *Factory, runF func(context.Context, *WizardOptions) error) *cobra.Command {
	root, o := newCmdWizard(f, runF)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("%v", err) })
	root.AddCommand(
		NewCmdVersion(f, nil),
		NewCmdSandbox(f),
		NewCmdTraces(f, &o.Shared, nil),
		NewCmdDoctor(f, &o.Shared, nil),
		NewCmdCleanup(f, o, nil),
		NewCmdManifest(f, &o.Shared, nil),
		NewCmdMan(f),
	)
	finishTree(f, root)
	return root
}

// options are a command's flags, checked before anything runs.
type options interface{ validate(*Factory) error }

// runE is every command's RunE: validate o, then run it — with runF instead
// when a test gave one, so flags → options is tested without running.
func runE[O options](f *Factory, o O, runF func(context.Context, O) error, run func(context.Context, *Factory, O) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		if err := o.validate(f); err != nil {
			return err
		}
		if runF != nil {
			return runF(cmd.Context(), o)
		}
		return run(cmd.Context(), f, o)
	}
}
