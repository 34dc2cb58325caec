package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// allCommands is the tree under root that help and the man page show.
func allCommands(root *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{root}
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" {
			out = append(out, allCommands(c)...)
		}
	}
	return out
}

// Every command and flag has its Japanese: a command or flag added later
// fails here until help_ja.go has it.
func TestHelpIsTranslated(t *testing.T) {
	f, _ := testFactory(nil)
	for _, c := range allCommands(NewCmdRoot(f, nil)) {
		key := cmdKey(c)
		ja, ok := helpJa[key]
		if !ok || ja.short == "" {
			t.Errorf("help_ja.go: no Japanese for the command %q (%s)", key, c.Short)
		}
		if c.Long != "" && ja.long == "" {
			t.Errorf("help_ja.go: no Japanese long help for %q", key)
		}
		if c.Example != "" && ja.example == "" && !exampleIsCommandsOnly(c.Example) {
			t.Errorf("help_ja.go: no Japanese examples for %q", key)
		}
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if fl.Hidden || fl.Name == "help" || fl.Name == "version" {
				return
			}
			if _, ok := flagJa[key+" --"+fl.Name]; ok {
				return
			}
			if _, ok := flagJa["--"+fl.Name]; !ok {
				t.Errorf(`help_ja.go: no Japanese for %q's --%s (%s): add "--%s" or "%s --%s" to flagJa`, key, fl.Name, fl.Usage, fl.Name, key, fl.Name)
			}
		})
	}
}

// exampleIsCommandsOnly: examples that are command lines and nothing else
// need no translation.
func exampleIsCommandsOnly(ex string) bool {
	for _, l := range strings.Split(ex, "\n") {
		if strings.Contains(strings.TrimSpace(l), "  ") {
			return false // a command and its comment
		}
	}
	return true
}

func TestHelpInJapanese(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"LANG", map[string]string{"LANG": "ja_JP.UTF-8"}, []string{"--help"}},
		{"--lang ja", map[string]string{"LANG": "C.UTF-8"}, []string{"--lang", "ja", "--help"}},
		{"--lang=ja after help", map[string]string{"LANG": "C.UTF-8"}, []string{"--help", "--lang=ja"}},
		{"help command", map[string]string{"LC_ALL": "ja_JP.UTF-8"}, []string{"help"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, c.env, c.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			for _, want := range []string{"使い方:", "コマンド:", "フラグ:", "終了コード: 0 成功、1 ステップの失敗、2 使い方の誤り、3 変更を計画したが", "130 中断",
				"EKS クラスター名", "例:", "このマシン上で練習", "--steps string", "(既定値 \"workshop\")", "xray-wizard は、トレースのない EKS クラスター"} {
				if !strings.Contains(out, want) {
					t.Errorf("no %q in:\n%s", want, out)
				}
			}
			for _, english := range []string{"Usage:", "Flags:", "namespace of the sample app", "(default "} {
				if strings.Contains(out, english) {
					t.Errorf("English %q in the Japanese help:\n%s", english, out)
				}
			}
		})
	}
	out, _, _ := runCLI(t, map[string]string{"LANG": "ja_JP.UTF-8"}, "sandbox", "serve", "--help")
	for _, want := range []string{"提供するアドレス (ループバックのみ)", "共通フラグ:", "serve のヘルプを表示"} {
		if !strings.Contains(out, want) {
			t.Errorf("sandbox serve: no %q in:\n%s", want, out)
		}
	}
	out, _, _ = runCLI(t, map[string]string{"LANG": "C.UTF-8"}, "--help")
	for _, want := range []string{"Usage:", "Flags:", "Exit codes: 0 success, 1 a step failed, 2 bad usage, 3 changes planned", "-o, --output"} {
		if !strings.Contains(out, want) {
			t.Errorf("English help: no %q in:\n%s", want, out)
		}
	}
}

func TestUsageErrorsInJapanese(t *testing.T) {
	ja := map[string]string{"LANG": "ja_JP.UTF-8"}
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{ja, []string{"--bogus"}, "xray-wizard: 不明なフラグです: --bogus (xray-wizard --help を参照してください)\n"},
		{nil, []string{"--lang", "ja", "--bogus"}, "不明なフラグです: --bogus"},
		{ja, []string{"-z"}, "不明な短縮フラグです: 'z'"},
		{ja, []string{"--cluster"}, "フラグに値が必要です: --cluster"},
		{ja, []string{"--requests", "many"}, `--requests の値 "many" が不正です`},
		{ja, []string{"--output", "xml"}, `--output "xml": text か json を指定してください`},
		{ja, []string{"-o", "yaml"}, `--output "yaml": text か json を指定してください`},
		{ja, []string{"nonsense"}, `"nonsense" というコマンドはありません`},
		{ja, []string{"--steps", "oidc,nope"}, `"nope" というステップはありません`},
		{ja, []string{"version", "--cluster", "x"}, "--cluster は xray-wizard version のフラグではありません"},
		{nil, []string{"version", "-y"}, "xray-wizard: --yes: not a flag of xray-wizard version (it has no use there) (see xray-wizard --help)\n"},
		{nil, []string{"sandbox", "serve", "--region", "us-east-1"}, "--region: not a flag of xray-wizard sandbox serve"},
		{nil, []string{"traces", "--cluster", "c"}, "--cluster: not a flag of xray-wizard traces"},
		{nil, []string{"--bogus"}, "xray-wizard: unknown flag: --bogus (see xray-wizard --help)\n"},
	}
	for _, c := range cases {
		_, errOut, code := runCLI(t, c.env, c.args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", c.args, code)
		}
		if strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: not one line: %q", c.args, errOut)
		}
		if strings.HasSuffix(c.want, "\n") && errOut != c.want || !strings.Contains(errOut, c.want) {
			t.Errorf("%v:\n got %q\nwant %q", c.args, errOut, c.want)
		}
	}
}

func TestUsageTextOneLine(t *testing.T) {
	msg := "unknown command \"verison\" for \"xray-wizard\"\n\nDid you mean this?\n\tversion\n"
	if got := usageText(msg, "en"); got != `unknown command "verison" for "xray-wizard" (did you mean version?)` {
		t.Errorf("en: %q", got)
	}
	if got := usageText(msg, "ja"); got != `xray-wizard に "verison" というコマンドはありません (version のことですか?)` {
		t.Errorf("ja: %q", got)
	}
}

// The root's flags show only on the commands that use them; a command
// that declares nothing (one added later) shows them all.
func TestSharedFlagsOnlyWhereUsed(t *testing.T) {
	cases := []struct {
		args      []string
		want, not []string
	}{
		{[]string{"version", "--help"}, []string{"-o, --output", "--lang"}, []string{"--cluster", "--yes", "--region", "--kubeconfig"}},
		{[]string{"sandbox", "serve", "--help"}, []string{"--listen", "--lang"}, []string{"--cluster", "--yes", "--output", "--profile"}},
		{[]string{"sandbox", "reset", "--help"}, []string{"-y, --non-interactive", "--lang"}, []string{"--cluster", "--region"}},
		{[]string{"traces", "--help"}, []string{"--region", "--profile", "-o, --output", "-y, --yes", "--since"}, []string{"--cluster", "--kubeconfig", "--context", "--namespace"}},
		{[]string{"doctor", "--help"}, []string{"--cluster", "--kubeconfig", "--context", "--region", "-o, --output"}, nil},
		{[]string{"completion", "bash", "--help"}, []string{"--no-descriptions", "--lang"}, []string{"--cluster", "--output"}},
		{[]string{"man", "--help"}, []string{"--lang"}, []string{"--cluster", "--yes"}},
	}
	for _, c := range cases {
		out, _, code := runCLI(t, nil, c.args...)
		if code != 0 {
			t.Errorf("%v: exit %d", c.args, code)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: no %s in:\n%s", c.args, w, out)
			}
		}
		for _, n := range c.not {
			if strings.Contains(out, n) {
				t.Errorf("%v: lists %s:\n%s", c.args, n, out)
			}
		}
	}
	// Undeclared: every root flag, as before.
	f, _ := testFactory(nil)
	root := NewCmdRoot(f, nil)
	extra := &cobra.Command{Use: "extra", RunE: func(*cobra.Command, []string) error { return nil }}
	root.AddCommand(extra)
	var b strings.Builder
	writeHelp(&b, extra, "en")
	for _, w := range []string{"--cluster", "--region", "--yes", "--output"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("an undeclared command's help lacks %s:\n%s", w, b.String())
		}
	}
}
