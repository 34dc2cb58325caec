package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/iostreams"
)

// Factory is what every command is built from: made once in main (tests
// make their own) and handed to each NewCmdX.
type Factory struct {
	IOStreams *iostreams.IOStreams

	// langArg is a --lang found in the arguments before they are parsed
	// (see langInArgs), so help and usage errors of a run that fails to
	// parse still speak it.
	langArg i18n.Lang
}

// NewFactory makes the factory for ios.
func NewFactory(ios *iostreams.IOStreams) *Factory {
	return &Factory{IOStreams: ios}
}

// lang is the language the environment asks for (LC_ALL, LC_MESSAGES,
// LANG), or a --lang in the arguments, before the flags are parsed.
func (f *Factory) lang() i18n.Lang {
	if f.langArg != "" {
		return f.langArg
	}
	return i18n.Detect(f.IOStreams.Getenv)
}

// langInArgs is the language a --lang in args asks for, or "" (none, or
// not a language: validation says so later).
func langInArgs(args []string) i18n.Lang {
	for i, a := range args {
		if a == "--" {
			break
		}
		v, ok := strings.CutPrefix(a, "--lang=")
		if !ok && a == "--lang" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if ok {
			if l, err := i18n.Parse(v); err == nil {
				return l
			}
		}
	}
	return ""
}

// langOf is the language of a command given --lang flag ("" when not
// given): that one, else the terminal's; a flag that names no language is
// a usage error.
func (f *Factory) langOf(flag string) (i18n.Lang, error) {
	if flag == "" {
		return f.lang(), nil
	}
	l, err := i18n.Parse(flag)
	if err != nil {
		return f.lang(), usagef("--lang %q: must be ja or en", flag)
	}
	return l, nil
}

// langFlag is the root's --lang as cmd was given it, or "".
func langFlag(cmd *cobra.Command) string {
	if fl := cmd.Flags().Lookup("lang"); fl != nil && fl.Changed {
		return fl.Value.String()
	}
	return ""
}
