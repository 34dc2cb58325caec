package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// The man page, made from the command tree as the help is (and in the
// same language), so every command and flag is in it. It is plain roff
// with the man macros: man -l renders it, make dist puts it in the
// archives as xray-wizard.1.

// NewCmdMan writes the man page to stdout.
func NewCmdMan(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "man",
		Short: "Write the man page (roff) to stdout",
		Long: `Writes xray-wizard's man page in roff to stdout: every command and flag, the
exit status and the environment (in Japanese with --lang ja).
  xray-wizard man > xray-wizard.1 && man -l xray-wizard.1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeMan(f.IOStreams.Out, cmd.Root(), helpLang(f, cmd))
		},
	}
	return usesShared(cmd, "lang")
}

// roffText escapes s for roff: backslashes, and a line that would start
// with a control character.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// roffDashes is s with its hyphens as roff's minus signs, as flags are
// written so they can be copied from the rendered page.
func roffDashes(s string) string { return strings.ReplaceAll(roffText(s), "-", `\-`) }

// roffParagraphs writes text: blank lines part paragraphs, and indented
// lines (examples, commands) are kept as they are.
func roffParagraphs(b *strings.Builder, text string) {
	inPre := false
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		pre := strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")
		switch {
		case strings.TrimSpace(line) == "":
			if inPre {
				b.WriteString(".fi\n")
				inPre = false
			}
			b.WriteString(".PP\n")
			continue
		case pre && !inPre:
			b.WriteString(".PP\n.nf\n")
			inPre = true
		case !pre && inPre:
			b.WriteString(".fi\n")
			inPre = false
		}
		b.WriteString(roffText(line) + "\n")
	}
	if inPre {
		b.WriteString(".fi\n")
	}
}

// roffFlags writes the flags of fs that keep allows, one .TP each.
func roffFlags(b *strings.Builder, cmd *cobra.Command, fs *pflag.FlagSet, l i18n.Lang, keep func(*pflag.Flag) bool) {
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Hidden || (keep != nil && !keep(fl)) {
			return
		}
		b.WriteString(".TP\n")
		if fl.Shorthand != "" {
			fmt.Fprintf(b, `\fB\-%s\fR, `, fl.Shorthand)
		}
		fmt.Fprintf(b, `\fB\-\-%s\fR`, roffDashes(fl.Name))
		if name, _ := pflag.UnquoteUsage(fl); name != "" {
			fmt.Fprintf(b, ` \fI%s\fR`, name)
		}
		b.WriteString("\n" + roffText(flagText(flagOwner(cmd, fl), fl, l)))
		switch fl.DefValue {
		case "", "false", "0", "0s", "[]":
		default:
			def := fl.DefValue
			if fl.Value.Type() == "string" {
				def = fmt.Sprintf("%q", def)
			}
			b.WriteString(" " + roffText(l.T(i18n.HelpDefault)+def+")"))
		}
		b.WriteString("\n")
	})
}

// roffList writes tab-separated lines as a list of terms.
func roffList(b *strings.Builder, list string) {
	for _, line := range strings.Split(list, "\n") {
		term, desc, _ := strings.Cut(line, "\t")
		fmt.Fprintf(b, ".TP\n.B %s\n%s\n", roffText(term), roffText(desc))
	}
}

// manCommands are the commands under cmd the page describes, depth first.
func manCommands(cmd *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() {
			continue
		}
		out = append(out, c)
		out = append(out, manCommands(c)...)
	}
	return out
}

// writeMan writes root's man page in l.
func writeMan(w io.Writer, root *cobra.Command, l i18n.Lang) error {
	var b strings.Builder
	name := root.Name()
	fmt.Fprintf(&b, ".TH %s 1 \"\" \"%s %s\" \"User Commands\"\n", strings.ToUpper(name), name, roffText(Version))
	if l == i18n.Ja {
		// Japanese has no spaces to stretch: lines are set ragged-right.
		b.WriteString(".ad l\n.nh\n")
	}
	fmt.Fprintf(&b, ".SH %s\n%s \\- %s\n", l.T(i18n.HelpManName), name, roffText(shortText(root, l)))
	fmt.Fprintf(&b, ".SH %s\n.B %s\n[\\fIflags\\fR]\n.br\n.B %s\n\\fIcommand\\fR [\\fIflags\\fR]\n", l.T(i18n.HelpManSynopsis), name, name)
	fmt.Fprintf(&b, ".SH %s\n", l.T(i18n.HelpManDesc))
	roffParagraphs(&b, longText(root, l))
	fmt.Fprintf(&b, ".SH %s\n", l.T(i18n.HelpManOptions))
	roffFlags(&b, root, root.LocalFlags(), l, nil)
	fmt.Fprintf(&b, ".SH %s\n", l.T(i18n.HelpManCommands))
	for _, c := range manCommands(root) {
		fmt.Fprintf(&b, ".SS \"%s\"\n", roffText(strings.TrimSuffix(c.UseLine(), " [flags]")))
		roffParagraphs(&b, longText(c, l))
		if ex := exampleText(c, l); ex != "" {
			roffParagraphs(&b, "\n"+ex)
		}
		roffFlags(&b, c, c.LocalFlags(), l, func(fl *pflag.Flag) bool { return fl.Name != "help" })
		var uses []string
		c.InheritedFlags().VisitAll(func(fl *pflag.Flag) {
			if !fl.Hidden && fl.Name != "help" && sharedAllowed(c, fl.Name) {
				uses = append(uses, "--"+fl.Name)
			}
		})
		if len(uses) > 0 {
			fmt.Fprintf(&b, ".PP\n%s\n", roffDashes(l.T(i18n.HelpManUses, strings.Join(uses, ", "))))
		}
	}
	if ex := exampleText(root, l); ex != "" {
		fmt.Fprintf(&b, ".SH %s\n", l.T(i18n.HelpManExamples))
		roffParagraphs(&b, ex)
	}
	fmt.Fprintf(&b, ".SH %s\n", l.T(i18n.HelpManExit))
	roffList(&b, l.T(i18n.HelpManExitList))
	fmt.Fprintf(&b, ".SH %s\n", l.T(i18n.HelpManEnv))
	roffList(&b, l.T(i18n.HelpManEnvList))
	fmt.Fprintf(&b, ".SH %s\n", l.T(i18n.HelpManFiles))
	roffList(&b, l.T(i18n.HelpManFilesList))
	fmt.Fprintf(&b, ".SH %s\n.BR aws (1),\n.BR eksctl (1),\n.BR kubectl (1)\n", l.T(i18n.HelpManSeeAlso))
	_, err := io.WriteString(w, b.String())
	return err
}
