package cli

import (
	"regexp"
	"strings"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// Usage errors in Japanese. cobra and pflag, and the checks of cli's own
// validate that have not moved to the i18n catalog, say what is wrong in
// English; usageText says it in the person's language, and always on one
// line (cobra's "Did you mean this?" list becomes a clause).

// usageJa are the English usage errors and their Japanese, in order; $1…
// are the English's groups.
var usageJa = []struct {
	en *regexp.Regexp
	ja string
}{
	{regexp.MustCompile(`^unknown flag: (\S+)$`), "不明なフラグです: $1"},
	{regexp.MustCompile(`^unknown shorthand flag: '(.)' in (\S+)$`), "不明な短縮フラグです: '$1' ($2)"},
	{regexp.MustCompile(`^flag needs an argument: (.+)$`), "フラグに値が必要です: $1"},
	{regexp.MustCompile(`^invalid argument "(.*)" for "(.+)" flag: (.*)$`), "$2 の値 \"$1\" が不正です: $3"},
	{regexp.MustCompile(`^bad flag syntax: (.+)$`), "フラグの書き方が不正です: $1"},
	{regexp.MustCompile(`^unknown command "(.+)" for "(.+)"$`), "$2 に \"$1\" というコマンドはありません"},
	{regexp.MustCompile(`^unknown command "(.+)" for "(.+)" \((.+)\)$`), "$2 に \"$1\" というコマンドはありません ($3)"},
	{regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)$`), "引数は $1 個までです ($2 個あります)"},
	{regexp.MustCompile(`^(--\S+) "(.*)": must be text or json$`), "$1 \"$2\": text か json を指定してください"},
	{regexp.MustCompile(`^(--\S+) "(.*)": must be ja or en$`), "$1 \"$2\": ja か en を指定してください"},
	{regexp.MustCompile(`^(--\S+) "(.*)": must be irsa or pod-identity$`), "$1 \"$2\": irsa か pod-identity を指定してください"},
	{regexp.MustCompile(`^--namespace must not be empty$`), "--namespace を空にはできません"},
	{regexp.MustCompile(`^--cluster "(.*)" is not a valid EKS cluster name .*$`), "--cluster \"$1\" は EKS のクラスター名ではありません (英数字・- ・_ の 100 文字以内で、先頭は英数字)"},
	{regexp.MustCompile(`^--since (\S+): must be more than 0 and at most 720h .*$`), "--since $1: 0 より大きく 720h 以下にしてください (X-Ray のトレースの保持は 30 日)"},
	{regexp.MustCompile(`^--steps: unknown step "(.*)".*$`), "--steps: \"$1\" というステップはありません (preflight,oidc,iamsa,daemonset,pods,app,traces から)"},
	{regexp.MustCompile(`^--steps: (.*)$`), "--steps: $1"},
	{regexp.MustCompile(`^--requests (\S+): must be between 1 and 100000$`), "--requests $1: 1 から 100000 の間にしてください"},
	{regexp.MustCompile(`^--listen "(.*)": the sandbox serves on loopback only .*$`), "--listen \"$1\": サンドボックスはループバック (127.0.0.1) でのみ提供します"},
	{regexp.MustCompile(`^--listen "(.*)": (.*)$`), "--listen \"$1\": アドレスが不正です: $2"},
	{regexp.MustCompile(`^--latency (\S+): must be between 0 and 1m$`), "--latency $1: 0 から 1m の間にしてください"},
	{regexp.MustCompile(`^--seed-traces (\S+): must be between 0 and 1000000$`), "--seed-traces $1: 0 から 1000000 の間にしてください"},
	{regexp.MustCompile(`^--throttle-rate (\S+): must not be negative$`), "--throttle-rate $1: 負の値にはできません"},
	{regexp.MustCompile(`^--log-file: (.*)$`), "--log-file: ログファイルを開けません: $1"},
}

// didYouMean is cobra's list of suggestions after an unknown command.
var didYouMean = regexp.MustCompile(`\n+Did you mean this\?\n((?:\t\S+\n?)+)`)

// usageText is a usage error's message in l, on one line.
func usageText(msg string, l i18n.Lang) string {
	if m := didYouMean.FindStringSubmatch(msg); m != nil {
		names := strings.Fields(m[1])
		msg = strings.Replace(msg, m[0], "", 1) + " (" + l.T(i18n.HelpDidYouMean, strings.Join(names, ", ")) + ")"
		if l != i18n.Ja {
			return oneLine(msg)
		}
	}
	msg = oneLine(msg)
	if l != i18n.Ja {
		return msg
	}
	for _, u := range usageJa {
		if u.en.MatchString(msg) {
			return u.en.ReplaceAllString(msg, u.ja)
		}
	}
	return msg
}

// newlines are the breaks oneLine joins.
var newlines = regexp.MustCompile(`\s*\n\s*`)

// oneLine joins a message's lines.
func oneLine(s string) string {
	return strings.TrimSpace(newlines.ReplaceAllString(s, " "))
}
