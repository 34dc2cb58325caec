// Package iostreams is the one place that decides how the wizard talks to
// the person: the streams, whether they are terminals, whether a prompt can
// be shown, colour and accessibility. It is made once in main and passed
// down; nothing else reads the terminal or these environment variables.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
)

// IOStreams are the standard streams and what is known of them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Getenv reads the environment (os.Getenv, or a map in tests).
	Getenv func(string) string

	stdinTTY, stdoutTTY bool
}

// System is the process's own streams and environment.
func System() *IOStreams {
	return New(os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}

// New wraps streams; each is a terminal when it is a file on one.
func New(in io.Reader, out, errOut io.Writer, getenv func(string) string) *IOStreams {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, Getenv: getenv,
		stdinTTY: isTerminal(in), stdoutTTY: isTerminal(out)}
}

// Test is streams of buffers, no terminal and an empty environment; env
// sets variables in it.
func Test(env map[string]string) (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return New(in, out, errOut, func(k string) string { return env[k] }), in, out, errOut
}

func isTerminal(x any) bool {
	f, ok := x.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}

// SetStdinTTY and SetStdoutTTY say what the streams are, for tests.
func (s *IOStreams) SetStdinTTY(v bool)  { s.stdinTTY = v }
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// IsStdinTTY and IsStdoutTTY report whether the streams are terminals.
func (s *IOStreams) IsStdinTTY() bool  { return s.stdinTTY }
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// CI reports whether the CI variable says this runs in automation.
func (s *IOStreams) CI() bool {
	v := strings.ToLower(s.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// CanPrompt reports whether a person can be asked: a terminal on both stdin
// and stdout, not CI, and not a dumb terminal (TERM=dumb: one that cannot
// move the cursor, so it gets plain lines, never the full-screen UI).
func (s *IOStreams) CanPrompt() bool {
	return s.stdinTTY && s.stdoutTTY && !s.CI() && !s.IsDumb()
}

// IsDumb reports whether TERM says the terminal is dumb (TERM=dumb, as
// Emacs' shell and some CI logs set it).
func (s *IOStreams) IsDumb() bool {
	return s.Getenv("TERM") == "dumb"
}

// AmbiguousWide reports whether the terminal is likely to draw East Asian
// ambiguous-width symbols (─ █ ○ · —) two cells wide, so the UI should draw
// in ASCII. The rule, in order:
//   - RUNEWIDTH_EASTASIAN (go-runewidth's own setting, which lipgloss
//     measures with) decides when set: "1" wide, anything else not;
//   - else the locale (LC_ALL, else LC_CTYPE, else LANG) of Japanese,
//     Chinese or Korean (ja*, zh*, ko*) says wide, as CJK terminal
//     settings commonly draw them — go-runewidth's EastAsianWidth rule;
//   - else not.
func (s *IOStreams) AmbiguousWide() bool {
	if v := s.Getenv("RUNEWIDTH_EASTASIAN"); v != "" {
		return v == "1"
	}
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if loc = s.Getenv(k); loc != "" {
			break
		}
	}
	loc = strings.ToLower(loc)
	if loc == "" || loc == "c" || loc == "posix" || strings.HasPrefix(loc, "c.") {
		return false
	}
	for _, p := range []string{"ja", "zh", "ko"} {
		if strings.HasPrefix(loc, p) {
			return true
		}
	}
	return false
}

// ColorEnabled reports whether output may have colours, by the common
// conventions, in order:
//   - NO_COLOR (https://no-color.org) set to anything: no colours;
//   - CLICOLOR_FORCE set and not "0" (or false): colours, even when stdout
//     is not a terminal (a pager, a CI log that renders them);
//   - CLICOLOR=0: no colours;
//   - else colours when stdout is a terminal.
//
// Whether the terminal itself has colours, the UI learns from it.
func (s *IOStreams) ColorEnabled() bool {
	switch {
	case s.Getenv("NO_COLOR") != "":
		return false
	case s.ColorForced():
		return true
	case s.Getenv("CLICOLOR") == "0":
		return false
	}
	return s.stdoutTTY
}

// ColorForced reports whether CLICOLOR_FORCE asks for colours whatever
// stdout is (NO_COLOR still wins).
func (s *IOStreams) ColorForced() bool {
	v := strings.ToLower(s.Getenv("CLICOLOR_FORCE"))
	return s.Getenv("NO_COLOR") == "" && v != "" && v != "0" && v != "false"
}

// Accessible reports whether prompts should use their accessible mode
// (plain questions and answers, for screen readers): ACCESSIBLE is set.
func (s *IOStreams) Accessible() bool {
	return s.Getenv("ACCESSIBLE") != ""
}
