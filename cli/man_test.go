package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The man page renders with man -l (man-db, which .ci/run installs), with
// no warning from groff, and holds every command and the exit status.
func TestManPage(t *testing.T) {
	if _, err := exec.LookPath("man"); err != nil {
		t.Fatal("man is not installed (apt-get install man-db; .ci/run installs it)")
	}
	cases := []struct {
		lang string
		want []string
	}{
		{"en", []string{"XRAY-WIZARD(1)", "NAME", "xray-wizard - Set up AWS X-Ray", "SYNOPSIS", "OPTIONS", "--cluster string",
			"-o, --output string", "COMMANDS", "xray-wizard sandbox serve", "--listen string", "xray-wizard version",
			"Global options it uses: --lang", "EXIT STATUS", "130", "interrupted", "ENVIRONMENT", "NO_COLOR", "CLICOLOR_FORCE", "FILES", "SEE ALSO"}},
		{"ja", []string{"XRAY-WIZARD(1)", "名前", "書式", "オプション", "EKS クラスター名", "コマンド", "終了ステータス", "中断", "環境変数", "関連項目"}},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			page, errOut, code := runCLI(t, map[string]string{"LANG": "C.UTF-8"}, "man", "--lang", c.lang)
			if code != 0 || errOut != "" {
				t.Fatalf("man: exit %d: %s", code, errOut)
			}
			file := filepath.Join(t.TempDir(), "xray-wizard.1")
			if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("man", "-l", file)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", "MANWIDTH=100", "MANPAGER=cat", "PAGER=cat"}
			var out, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &stderr
			if err := cmd.Run(); err != nil || stderr.Len() > 0 {
				t.Fatalf("man -l: %v\n%s", err, stderr.String())
			}
			text := out.String()
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("no %q in the rendered page:\n%s", w, text)
				}
			}
			// groff's own warnings (-ww), with preconv for UTF-8 (-k); not
			// for Japanese, whose runs without spaces groff (outside a ja
			// locale) cannot break where it would like to.
			if _, err := exec.LookPath("groff"); err == nil && c.lang == "en" {
				g := exec.Command("groff", "-k", "-man", "-ww", "-z", "-Tutf8", file)
				if msg, err := g.CombinedOutput(); err != nil || len(msg) > 0 {
					t.Errorf("groff warns: %v\n%s", err, msg)
				}
			}
		})
	}
}

func TestRoffEscapes(t *testing.T) {
	var b strings.Builder
	roffParagraphs(&b, ".starts with a dot\n'and a quote\nback\\slash\n\n  indented example")
	want := "\\&.starts with a dot\n\\&'and a quote\nback\\eslash\n.PP\n.PP\n.nf\n  indented example\n.fi\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}
