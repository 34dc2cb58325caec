package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/mattn/go-runewidth"
)

// Commands as the steps write them, quotes and all.
var wrapCases = []string{
	"aws xray get-trace-summaries --region us-west-2 --start-time $(date -d '-15 min' +%s) --end-time $(date +%s) --time-range-type TraceId",
	"eksctl create iamserviceaccount --name xray-daemon --namespace default --cluster eksworkshop-eksctl --region us-west-2 --attach-policy-arn arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess --approve --override-existing-serviceaccounts",
	"aws iam create-open-id-connect-provider --url https://oidc.eks.us-west-2.amazonaws.com/id/9E822D19928BF7CB036E0F37CBD74820 --client-id-list sts.amazonaws.com --thumbprint-list 9e99a48a9960b14926bb7f3b02e22da2b0ab7280",
	`export LB_NAME=$(kubectl get svc frontend -n workshop -o jsonpath="{.status.loadBalancer.ingress[*].hostname}")`,
	`kubectl patch serviceaccount xray-daemon -n default --type merge -p '{"metadata":{"annotations":{"eks.amazonaws.com/role-arn":null}}}'`,
	`echo "a \" quoted" 'and it''s' done`,
}

func TestShellWords(t *testing.T) {
	got := shellWords(`a --x '-15 min' "b c" $(date -d '-1 h' +%s) 'it'"'"'s' e\ f`)
	want := []string{"a", "--x", "'-15 min'", `"b c"`, "$(date", "-d", "'-1 h'", "+%s)", `'it'"'"'s'`, `e\ f`}
	if !slices.Equal(got, want) {
		t.Errorf("shellWords = %q\nwant %q", got, want)
	}
}

// unwrap joins wrapped command lines back into the command: what a shell
// reads when they are pasted.
func unwrap(lines []string, first, cont string) string {
	var b strings.Builder
	for i, l := range lines {
		if i == 0 {
			l = strings.TrimPrefix(l, first)
		} else {
			l = strings.TrimPrefix(l, cont)
			b.WriteByte(' ')
		}
		if i < len(lines)-1 {
			if !strings.HasSuffix(l, " \\") {
				return "line without its continuation: " + l
			}
			l = strings.TrimSuffix(l, " \\")
		}
		b.WriteString(l)
	}
	return b.String()
}

// A wrapped command pasted into a shell is the command: each cut line ends
// with " \", no cut is inside quotes, and no URL or ARN is broken; a line is
// wider than the screen only when it is one word that is.
func TestWrapCommand(t *testing.T) {
	for _, cmd := range wrapCases {
		words := shellWords(cmd)
		for w := 10; w <= 220; w++ {
			lines := wrapCommand(cmd, w, "$ ", "  ")
			if got := unwrap(lines, "$ ", "  "); got != strings.Join(words, " ") {
				t.Fatalf("width %d: %q\nunwraps to %q\nwant       %q", w, lines, got, strings.Join(words, " "))
			}
			for _, l := range lines {
				body := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(l, "$ "), "  "), " \\")
				if strings.Count(body, "'")%2 != 0 && !strings.Contains(body, `"'"`) {
					t.Errorf("width %d: cut inside quotes: %q", w, l)
				}
				if lipgloss.Width(l) > w && len(shellWords(body)) > 1 {
					t.Errorf("width %d: line of several words is %d wide: %q", w, lipgloss.Width(l), l)
				}
			}
			for _, word := range words {
				if strings.Contains(word, "://") || strings.HasPrefix(word, "arn:") {
					found := false
					for _, l := range lines {
						found = found || strings.Contains(l, word)
					}
					if !found {
						t.Errorf("width %d: %q broken: %q", w, word, lines)
					}
				}
			}
		}
	}
	// The cases: the date's quotes stay together; at 60 columns
	// the eksctl command keeps its tail.
	for _, l := range wrapCommand(wrapCases[0], 40, "$ ", "  ") {
		if strings.Contains(l, "'-15") && !strings.Contains(l, "'-15 min'") {
			t.Errorf("cut inside the quotes: %q", l)
		}
	}
	lines := wrapCommand(wrapCases[1], 60, "$ ", "  ")
	contains(t, "eksctl at 60", strings.Join(lines, "\n"), "--attach-policy-arn", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess \\", "--override-existing-serviceaccounts")
	for _, l := range lines {
		if lipgloss.Width(l) > 60 {
			t.Errorf("at 60: %q is %d wide", l, lipgloss.Width(l))
		}
	}
}

// Text that is not a command (a kind and a name) wraps at spaces with no
// continuation marks, and an ARN wider than the line stands whole on its own.
func TestWrapCodeKeepsWordsWhole(t *testing.T) {
	arn := "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/9E822D19928BF7CB036E0F37CBD74820"
	lines := wrapCode("IAM OIDC provider "+arn, 40, "", "")
	if !slices.Equal(lines, []string{"IAM OIDC provider", arn}) {
		t.Errorf("wrapCode = %q", lines)
	}
	if got := wrapCode("", 10, "$ ", "  "); !slices.Equal(got, []string{"$ "}) {
		t.Errorf("empty = %q", got)
	}
}

// The screens that teach, at the sizes people use, in both languages and
// in ASCII mode. go test ./ui -update rewrites them.
func TestTeachingScreensGolden(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		for _, size := range [][2]int{{60, 20}, {80, 24}, {200, 60}} {
			for _, l := range langs {
				ps := phasesIn(l, size[0], size[1], ascii)
				for _, name := range []string{"intro", "details", "details_iamsa"} {
					sub := fmt.Sprintf("%s_%s_%dx%d", l, name, size[0], size[1])
					if ascii {
						sub += "_ascii"
					}
					t.Run(sub, func(t *testing.T) { golden.RequireEqual(t, screen(ps[name])) })
				}
			}
		}
	}
}

// In ASCII mode no screen draws a symbol a terminal may draw double-width
// (East Asian ambiguous) or a drawing symbol at all: every character is
// ASCII or a wide (CJK) one, at every size and in every phase.
func TestASCIIModeDrawsASCII(t *testing.T) {
	for _, l := range langs {
		for _, size := range [][2]int{{60, 20}, {80, 24}, {200, 60}} {
			ps := phasesIn(l, size[0], size[1], true)
			for _, name := range sortedNames(ps) {
				for _, s := range []string{screen(ps[name]), screen(feed(ps[name], keyH))} {
					for _, r := range s {
						if r < 0x80 || runewidth.RuneWidth(r) == 2 && !runewidth.IsAmbiguousWidth(r) {
							continue
						}
						t.Errorf("%s %dx%d %s: %q (U+%04X) in ASCII mode", l, size[0], size[1], name, r, r)
						break
					}
				}
			}
		}
	}
}
