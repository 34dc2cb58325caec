package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// Help in the person's language, and the root's flags shown only on the
// commands they change. Both work on the command tree as it is when the
// command line runs, so a command or flag added later gets them too: its
// help falls back to the English it was defined with until help_ja.go has
// its Japanese (a test asks for it), and a command that declares no shared
// flags (usesShared) keeps them all.

// sharedFlagsKey is the annotation that lists the root's flags a command
// uses, comma-separated.
const sharedFlagsKey = "xray-wizard/shared-flags"

// usesShared declares which of the root's persistent flags cmd uses: its
// help lists only those, and giving another is bad usage (exit 2). A
// command that declares nothing takes them all.
func usesShared(cmd *cobra.Command, names ...string) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[sharedFlagsKey] = strings.Join(names, ",")
	return cmd
}

// sharedAllowed reports whether cmd uses the root's flag name.
func sharedAllowed(cmd *cobra.Command, name string) bool {
	list, ok := cmd.Annotations[sharedFlagsKey]
	if !ok || name == "help" {
		return true
	}
	return slices.Contains(strings.Split(list, ","), name)
}

// checkShared is the root's PersistentPreRunE: a root flag given to a
// command that does not use it is bad usage, not silently ignored.
func checkShared(f *Factory) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		var bad []string
		cmd.InheritedFlags().VisitAll(func(fl *pflag.Flag) {
			if fl.Changed && !sharedAllowed(cmd, fl.Name) {
				bad = append(bad, "--"+fl.Name)
			}
		})
		if len(bad) > 0 {
			return &usageError{f.lang().T(i18n.HelpNotFlagOf, strings.Join(bad, ", "), cmd.CommandPath())}
		}
		return nil
	}
}

// finishTree is what NewCmdRoot does once every command is added: the
// completion command made now (so its help is translated and its flags
// scoped like the rest), help in the person's language, the shared-flag
// check and every flag's value completion.
func finishTree(f *Factory, root *cobra.Command) {
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" || c.Name() == "help" {
			usesShared(c, "lang")
			for _, s := range c.Commands() {
				usesShared(s, "lang")
			}
		}
	}
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) {
		writeHelp(cmd.OutOrStdout(), cmd, helpLang(f, cmd))
	})
	root.PersistentPreRunE = checkShared(f)
	registerCompletions(f, root)
}

// helpLang is the language of cmd's help: --lang when it was parsed, else
// the environment's (and a --lang in the arguments, see Factory.lang).
func helpLang(f *Factory, cmd *cobra.Command) i18n.Lang {
	if fl := cmd.Flags().Lookup("lang"); fl != nil && fl.Changed {
		if l, err := i18n.Parse(fl.Value.String()); err == nil {
			return l
		}
	}
	return f.lang()
}

// cmdKey names cmd in help_ja.go: its path without the root's name ("" is
// the root itself, "sandbox serve" a subcommand).
func cmdKey(cmd *cobra.Command) string {
	_, rest, _ := strings.Cut(cmd.CommandPath(), " ")
	return rest
}

// shortText, longText and exampleText are cmd's help in l.
func shortText(cmd *cobra.Command, l i18n.Lang) string {
	if t, ok := helpJa[cmdKey(cmd)]; ok && l == i18n.Ja && t.short != "" {
		return t.short
	}
	return cmd.Short
}

func longText(cmd *cobra.Command, l i18n.Lang) string {
	t := helpJa[cmdKey(cmd)]
	switch {
	case l == i18n.Ja && t.long != "":
		return t.long
	case cmd.Long != "":
		return cmd.Long
	}
	return shortText(cmd, l)
}

func exampleText(cmd *cobra.Command, l i18n.Lang) string {
	if t, ok := helpJa[cmdKey(cmd)]; ok && l == i18n.Ja && t.example != "" {
		return t.example
	}
	return cmd.Example
}

// flagText is fl's help in l, as cmd has it.
func flagText(cmd *cobra.Command, fl *pflag.Flag, l i18n.Lang) string {
	switch fl.Name {
	case "help":
		return l.T(i18n.HelpFlagHelp, cmd.Name())
	case "version":
		if fl.Usage == "version for "+cmd.Name() {
			return l.T(i18n.HelpFlagVersion, cmd.Name())
		}
	}
	if l != i18n.Ja {
		return fl.Usage
	}
	if s, ok := flagJa[cmdKey(cmd)+" --"+fl.Name]; ok {
		return s
	}
	if s, ok := flagJa["--"+fl.Name]; ok {
		return s
	}
	return fl.Usage
}

// flagOwner is the command that defines fl, for its help text: cmd, or the
// nearest parent whose persistent flags have it.
func flagOwner(cmd *cobra.Command, fl *pflag.Flag) *cobra.Command {
	for c := cmd; c != nil; c = c.Parent() {
		if c.LocalFlags().Lookup(fl.Name) == fl {
			return c
		}
	}
	return cmd
}

// flagUsages lists the flags of fs that keep allows, in l.
func flagUsages(cmd *cobra.Command, fs *pflag.FlagSet, l i18n.Lang, keep func(*pflag.Flag) bool) string {
	out := pflag.NewFlagSet(cmd.Name(), pflag.ContinueOnError)
	fs.VisitAll(func(fl *pflag.Flag) {
		if keep != nil && !keep(fl) {
			return
		}
		cp := *fl
		cp.Usage = flagText(flagOwner(cmd, fl), fl, l)
		out.AddFlag(&cp)
	})
	s := out.FlagUsages()
	if l == i18n.Ja {
		s = strings.ReplaceAll(s, "(default ", l.T(i18n.HelpDefault))
	}
	return s
}

// globalFlags are the root's flags cmd inherits and uses.
func globalFlags(cmd *cobra.Command, l i18n.Lang) string {
	return flagUsages(cmd, cmd.InheritedFlags(), l, func(fl *pflag.Flag) bool { return sharedAllowed(cmd, fl.Name) })
}

// writeHelp is cmd's --help in l: the layout of cobra's own help, so
// scripts and people find it where they expect, with the headings, the
// commands' and the flags' text in l, only the root flags cmd uses, and
// the exit codes.
func writeHelp(w io.Writer, cmd *cobra.Command, l i18n.Lang) {
	var b strings.Builder
	if s := strings.TrimRight(longText(cmd, l), "\n"); s != "" {
		b.WriteString(s + "\n\n")
	}
	b.WriteString(l.T(i18n.HelpUsage) + "\n")
	if cmd.Runnable() {
		b.WriteString("  " + cmd.UseLine() + "\n")
	}
	if cmd.HasAvailableSubCommands() {
		b.WriteString("  " + cmd.CommandPath() + " [command]\n")
	}
	if ex := exampleText(cmd, l); ex != "" {
		b.WriteString("\n" + l.T(i18n.HelpExamples) + "\n" + strings.TrimRight(ex, "\n") + "\n")
	}
	if cmd.HasAvailableSubCommands() {
		b.WriteString("\n" + l.T(i18n.HelpCommands) + "\n")
		pad := 0
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() || c.Name() == "help" {
				pad = max(pad, len(c.Name()))
			}
		}
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() || c.Name() == "help" {
				fmt.Fprintf(&b, "  %-*s %s\n", pad+1, c.Name(), shortText(c, l))
			}
		}
	}
	if local := flagUsages(cmd, cmd.LocalFlags(), l, nil); local != "" {
		b.WriteString("\n" + l.T(i18n.HelpFlags) + "\n" + local)
	}
	if global := globalFlags(cmd, l); global != "" {
		b.WriteString("\n" + l.T(i18n.HelpGlobalFlags) + "\n" + global)
	}
	if long := longText(cmd, l); !strings.Contains(long, "Exit codes") && !strings.Contains(long, "終了コード") {
		b.WriteString("\n" + l.T(i18n.HelpExitCodes) + "\n")
	}
	if cmd.HasAvailableSubCommands() {
		b.WriteString("\n" + l.T(i18n.HelpMore, cmd.CommandPath()) + "\n")
	}
	io.WriteString(w, b.String())
}
