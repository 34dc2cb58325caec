package ui

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/iostreams"
)

var langs = []i18n.Lang{i18n.En, i18n.Ja}

func sortedNames(ps map[string]*Model) []string {
	names := make([]string, 0, len(ps))
	for n := range ps {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Golden screens of every phase at 80×24 (Cloud9's terminal), in English
// and Japanese, without colour. go test ./ui/ -update rewrites them.
func TestGoldenViews(t *testing.T) {
	for _, l := range langs {
		ps := phases(l, 80, 24)
		for _, name := range sortedNames(ps) {
			t.Run(string(l)+"_"+name, func(t *testing.T) {
				golden.RequireEqual(t, screen(ps[name]))
			})
		}
	}
}

// No line is wider than the terminal and the screen is exactly its
// height, in every phase, language and size, down to a terminal too small
// to use.
func TestViewFitsTheTerminal(t *testing.T) {
	sizes := [][2]int{{80, 24}, {60, 20}, {120, 40}, {100, 30}, {110, 30}, {200, 60}, {40, 12}, {39, 11}, {20, 5}, {1, 1}}
	for _, l := range langs {
		for _, size := range sizes {
			w, h := size[0], size[1]
			ps := phases(l, w, h)
			for _, name := range sortedNames(ps) {
				m := ps[name]
				views := map[string]string{"": m.render()}
				views["help"] = feed(m, keyH).render()
				for what, v := range views {
					lines := strings.Split(v, "\n")
					if len(lines) != h {
						t.Errorf("%s %dx%d %s %s: %d lines", l, w, h, name, what, len(lines))
					}
					for i, line := range lines {
						if lw := lipgloss.Width(line); lw > w {
							t.Errorf("%s %dx%d %s %s: line %d is %d wide: %q", l, w, h, name, what, i, lw, ansi.Strip(line))
						}
					}
				}
			}
		}
	}
}

func TestTooSmallSaysSo(t *testing.T) {
	m := phases(i18n.Ja, 39, 11)["pods"]
	contains(t, "too small", screen(m), "40x12", "練習用サンドボックス")
}

var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// colourStart is an SGR sequence that begins with a colour: \x1b[3x,
// \x1b[38;…, \x1b[4x, \x1b[9x, \x1b[10x.
var colourStart = regexp.MustCompile("\x1b\\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])[;:m]")

// colours lists the SGR sequences that set a foreground or background
// colour (30–38, 40–48, 90–97, 100–107, and 38;5 / 38;2 forms).
func colours(s string) []string {
	var out []string
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, err := strconv.Atoi(p)
			if err == nil && (n >= 30 && n <= 38 || n >= 40 && n <= 48 || n >= 90 && n <= 97 || n >= 100 && n <= 107) {
				out = append(out, m[0])
				break
			}
		}
	}
	return out
}

// NO_COLOR: not one colour sequence on any screen; bold, underline and
// reverse video stay.
func TestNoColorHasNoColour(t *testing.T) {
	for _, l := range langs {
		ps := phases(l, 80, 24)
		for _, name := range sortedNames(ps) {
			out := ps[name].render()
			if c := colours(out); len(c) > 0 {
				t.Errorf("%s %s: colour sequences without colour: %q", l, name, c[:min(len(c), 5)])
			}
			if seq := colourStart.FindString(out); seq != "" {
				t.Errorf("%s %s: %q in the output", l, name, seq)
			}
		}
	}
	// The sandbox badge is still a badge: reverse video.
	if out := phases(i18n.En, 80, 24)["pods"].render(); !strings.Contains(out, "\x1b[1;7m") && !strings.Contains(out, "\x1b[7;1m") {
		t.Errorf("no reverse-video badge without colour:\n%q", out[:200])
	}
	// The same screen with colours has them.
	t.Setenv("NO_COLOR", "")
	m := New(context.Background(), Config{Lang: i18n.En, Sandbox: true, Steps: infos(i18n.En), Now: func() time.Time { return clock }})
	m = feed(m, append(upTo(flow.IDPods), ev(flow.IDPods, flow.Pods, func(e *flow.Event) { e.Pods = pods(2) }))...)
	if len(colours(m.render())) == 0 {
		t.Error("no colour at all with colours on")
	}
}

// NO_COLOR is the command line's to read (iostreams); it reaches the UI
// as Config.NoColor. The UI reads no environment of its own.
func TestNoColorFromTheEnvironment(t *testing.T) {
	ios, _, _, _ := iostreams.Test(map[string]string{"NO_COLOR": "1"})
	m := New(context.Background(), Config{Lang: i18n.Ja, Sandbox: true, Steps: infos(i18n.Ja), NoColor: !ios.ColorEnabled(), Now: func() time.Time { return clock }})
	m = feed(m, append(upTo(flow.IDApp), ev(flow.IDApp, flow.Traffic, func(e *flow.Event) { e.Load = traffic }))...)
	if c := colours(m.render()); len(c) > 0 {
		t.Errorf("NO_COLOR=1 in the environment, yet colours: %q", c[:min(len(c), 5)])
	}
	t.Setenv("NO_COLOR", "1")
	m = New(context.Background(), Config{Lang: i18n.Ja, Sandbox: true, Steps: infos(i18n.Ja), Now: func() time.Time { return clock }})
	m = feed(m, upTo(flow.IDApp)...)
	if len(colours(m.render())) == 0 {
		t.Error("the UI read NO_COLOR itself")
	}
}

func TestPodsView(t *testing.T) {
	for _, l := range langs {
		s := screen(phases(l, 80, 24)["pods"])
		contains(t, string(l)+" pods", s, "Ready 2/3", "POD", "NODE", "STATUS", "READY", "RESTARTS", "AGE",
			"xray-daemon-a2qxw", "ip-192-168-10-20 ", "Running", "ContainerCreating", "1/1", "0/1", "8s", "10s", "⠋ pods")
	}
	// A stuck pod says why, under the table.
	tbl := pods(2)
	tbl.Rows[2].Phase, tbl.Rows[2].Restarts = "CrashLoopBackOff", 4
	tbl.Rows[2].Reason = `exec: "/usr/bin/xray": stat /usr/bin/xray: no such file or directory`
	m := feed(phases(i18n.En, 80, 24)["pods"], ev(flow.IDPods, flow.Pods, func(e *flow.Event) { e.Pods = tbl }))
	contains(t, "crashing pod", screen(m), "CrashLoopBackOff", "↳ xray-daemon-c2qxw: exec: \"/usr/bin/xray\"")
	// A warning (pods that run without their role) stays in view.
	w := feed(m, ev(flow.IDPods, flow.Warning, func(e *flow.Event) {
		e.Message = "2 daemon pods started before the IAM role annotation and run without it"
	}))
	contains(t, "pods warning", screen(w), "! Note: 2 daemon pods started before the IAM role")
	// The nodes that get no daemon, and the flag for the tainted one: the
	// flag stays in view at 80×24, however long the first line.
	nodes := feed(phases(i18n.En, 80, 24)["pods"], ev(flow.IDPods, flow.Warning, func(e *flow.Event) {
		e.Message = "3 of 6 nodes get no daemon: fargate-ip-10-0-1-2 (Fargate runs no DaemonSets: give its pods a sidecar daemon or the Collector), gpu-node (taint nvidia.com/gpu=true:NoSchedule), windows-node (windows: the daemon's image is Linux-only)"
	}), ev(flow.IDPods, flow.Warning, func(e *flow.Event) {
		e.Message = "to run it on the tainted nodes too, run again with --tolerate nvidia.com/gpu=true:NoSchedule"
	}))
	contains(t, "nodes without a daemon", screen(nodes), "3 of 6 nodes get no daemon", "run again with --tolerate", "nvidia.com/gpu=true:NoSchedule", "ARCH", "arm64")
	// A wide terminal has room for the nodes' whole names.
	wide := feed(phases(i18n.En, 80, 24)["pods"], tea.WindowSizeMsg{Width: 200, Height: 40})
	contains(t, "wide pods", screen(wide), "ip-192-168-10-20.us-west-2.compute.internal")
	// A narrow one drops the node column rather than cutting every column.
	narrow := screen(phases(i18n.En, 60, 20)["pods"])
	if strings.Contains(narrow, "NODE") || !strings.Contains(narrow, "ContainerCreating") {
		t.Errorf("60 columns:\n%s", narrow)
	}
}

// Many nodes: the pods that are not Ready are the ones listed first.
func TestPodsViewOverflow(t *testing.T) {
	tbl := &flow.PodTable{Desired: 40}
	for i := range 40 {
		r := flow.PodRow{Name: "xray-daemon-" + strconv.Itoa(100+i), Node: "ip-10-0-0-" + strconv.Itoa(i), Phase: "Running", Ready: true, Created: clock}
		if i == 37 {
			r.Phase, r.Ready = "Pending", false
		}
		tbl.Rows = append(tbl.Rows, r)
	}
	tbl.Ready = 39
	m := feed(newModel(i18n.En, 80, 24), append(upTo(flow.IDPods), ev(flow.IDPods, flow.Pods, func(e *flow.Event) { e.Pods = tbl }))...)
	contains(t, "40 pods", screen(m), "Ready 39/40", "xray-daemon-137", "Pending", "more pods")
}

func TestFailureView(t *testing.T) {
	s := screen(phases(i18n.En, 80, 24)["failure"])
	contains(t, "failure", s, "✗ iamsa", "✗ Failed: AWS denied iam:CreateRole", "Fix: Allow iam:CreateRole")
	f := screen(phases(i18n.Ja, 80, 24)["failed_final"])
	contains(t, "failed final (ja)", f, "✗ ステップ iamsa が失敗したため", "✗ 失敗: AWS denied", "対処: Allow iam:CreateRole", "– daemonset", "✗ iamsa")
	if strings.Contains(f, "X-Ray のセットアップが完了") {
		t.Errorf("a failed run says it succeeded:\n%s", f)
	}
	// The cause is red (bold), and it is the first thing after the title.
	m := New(context.Background(), Config{Lang: i18n.En, Steps: infos(i18n.En), Now: func() time.Time { return clock }})
	m = feed(m, append(upTo(flow.IDIAMSA), ev(flow.IDIAMSA, flow.Finished, func(e *flow.Event) {
		e.Result, e.Err = flow.Failed, iamDenied
	}))...)
	if !strings.Contains(m.render(), lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color(hexBad)).Render("✗ Failed:")) {
		t.Error("the cause is not drawn in the failure style")
	}
}

// A fix's commands are drawn whole below it, each cut only at a space
// with " \\" and never inside an ARN, so they can be copied from an 80×24
// screen as they are.
func TestFailureCommands(t *testing.T) {
	const entry = "aws eks create-access-entry --cluster-name eksworkshop-eksctl --principal-arn arn:aws:iam::123456789012:role/workshop-admin"
	fe := &flow.Error{Cause: "cluster eksworkshop-eksctl did not accept your kube credentials", Fix: "Give it an access entry.",
		Commands: []string{entry, "aws eks associate-access-policy --cluster-name eksworkshop-eksctl --principal-arn arn:aws:iam::123456789012:role/workshop-admin --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy --access-scope type=namespace,namespaces=default,workshop"}}
	m := New(context.Background(), Config{Lang: i18n.En, Steps: infos(i18n.En), Now: func() time.Time { return clock }})
	m = feed(m, append(upTo(flow.IDPreflight), ev(flow.IDPreflight, flow.Finished, func(e *flow.Event) {
		e.Result, e.Err = flow.Failed, fe
	}))...)
	lines := m.failureLines(fe, "", 80)
	var joined []string
	var cur string
	for _, l := range lines {
		l = strings.TrimRight(ansi.Strip(l), " ")
		switch {
		case strings.HasPrefix(l, "$ "):
			cur = strings.TrimPrefix(l, "$ ")
		case cur != "" && strings.HasPrefix(l, "  "):
			cur += " " + strings.TrimSpace(l)
		default:
			continue
		}
		if strings.HasSuffix(cur, " \\") {
			cur = strings.TrimSuffix(cur, " \\")
			continue
		}
		joined = append(joined, cur)
		cur = ""
	}
	if len(joined) != 2 || joined[0] != entry || joined[1] != fe.Commands[1] {
		t.Errorf("the commands as copied from the screen:\n%q\nscreen lines:\n%s", joined, strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if w := lipgloss.Width(l); w > 80 && !strings.Contains(l, "arn:") {
			t.Errorf("a line of %d cells: %q", w, l)
		}
	}
	contains(t, "failure with commands", screen(m), "Fix: Give it an access entry.", "$ aws eks create-access-entry")
}

func TestAppView(t *testing.T) {
	s := screen(phases(i18n.En, 80, 24)["app"])
	contains(t, "app", s, "App URL", "requests 12/20", "200 ×9", "404 ×1", "429 ×1", "500 ×1")
	// The URL is on a line of its own, whole, with nothing around it to
	// copy by mistake.
	found := false
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == appURL {
			found = true
		}
	}
	if !found {
		t.Errorf("the URL is not alone on its line:\n%s", s)
	}
	// Failed requests are counted.
	load := *traffic
	load.Failed = 3
	m := feed(phases(i18n.Ja, 80, 24)["app"], ev(flow.IDApp, flow.Traffic, func(e *flow.Event) { e.Load = &load }))
	contains(t, "app (ja)", screen(m), "応答なし 3", "リクエスト 12/20")
}

func TestFinalView(t *testing.T) {
	for _, l := range langs {
		m := phases(l, 200, 50)["final"]
		s := screen(m)
		total := regexp.MustCompile(`(total|合計) (\d+)`).FindStringSubmatch(s)
		if total == nil || total[2] != "20" {
			t.Errorf("%s: no total 20:\n%s", l, s)
		}
		contains(t, string(l)+" final", s, "15", "Frontend", "Product-Catalog", "18", "Product-Detail", "16", appURL,
			"#xray:service-map/map", "#xray:traces/query", "✓ traces")
		bars := regexp.MustCompile(`█+`).FindAllString(s, -1)
		if len(bars) < 4 {
			t.Errorf("%s: %d bars, want one per kind", l, len(bars))
		}
	}
	contains(t, "final (en)", screen(phases(i18n.En, 120, 40)["final"]), "X-Ray is set up", "OK", "Error (4xx)", "Fault (5xx)", "Throttle (429)", "By service")
	contains(t, "final (ja)", screen(phases(i18n.Ja, 120, 40)["final"]), "X-Ray のセットアップが完了", "正常", "エラー (4xx)", "障害 (5xx)", "スロットル (429)", "サービス別")
	// The bars are in proportion: 15 OK is the longest, 1 fault the shortest.
	lines := strings.Split(screen(phases(i18n.En, 80, 24)["final"]), "\n")
	barOf := func(label string) int {
		for _, l := range lines {
			if strings.Contains(l, label) {
				return strings.Count(l, "█")
			}
		}
		return -1
	}
	if ok, fault, err := barOf("OK"), barOf("Fault"), barOf("Error"); !(ok > err && err > fault && fault >= 1) {
		t.Errorf("bars OK=%d Error=%d Fault=%d", ok, err, fault)
	}
}

// The dry run's plan is longer than the screen: it scrolls to the last step.
func TestDryRunScrolls(t *testing.T) {
	m := phases(i18n.En, 80, 24)["dryrun"]
	s := screen(m)
	contains(t, "dry run", s, "DRY RUN", "• Dry run: nothing was changed", "+ create IAM OIDC provider", "$ eksctl utils associate-iam-oidc-provider")
	if strings.Contains(s, "get-trace-summaries") {
		t.Fatal("the whole plan fits: the scroll test needs a longer one")
	}
	contains(t, "dry run, at the top", s, "lines 1–20 of ")
	for range 200 {
		m = feed(m, down)
	}
	end := screen(m)
	contains(t, "dry run, scrolled down", end, "get-trace-summaries", "of ")
	if !strings.Contains(end, "↑/↓") {
		t.Error("the help line does not say the screen scrolls")
	}
	// The place is told as lines, not as a share that reads like progress;
	// home and end go to the top and the bottom.
	if strings.Contains(end, "%") && !strings.Contains(end, "+%s") {
		t.Errorf("a percentage on the screen:\n%s", end)
	}
	if top := screen(feed(m, tea.KeyPressMsg{Code: tea.KeyHome})); top != s {
		t.Errorf("home does not go back to the top:\n%s", top)
	}
	if got := screen(feed(phases(i18n.En, 80, 24)["dryrun"], tea.KeyPressMsg{Code: tea.KeyEnd})); got != end {
		t.Errorf("end does not go to the bottom:\n%s", got)
	}
}

func TestWideLayoutHasASideList(t *testing.T) {
	s := screen(phases(i18n.Ja, 120, 40)["confirm"])
	contains(t, "side list", s, "ステップ", "✓ 事前確認", "? OIDC プロバイダー", "○ X-Ray daemon のデプロイ", "│")
	if strings.Contains(s, "preflight  ? oidc") {
		t.Error("both the breadcrumb and the side list")
	}
}

func TestSandboxAndDryRunBadges(t *testing.T) {
	for _, l := range langs {
		for name, m := range phases(l, 80, 24) {
			s := screen(m)
			if !strings.Contains(s, l.T(i18n.UISandboxLong)) {
				t.Errorf("%s %s: no sandbox badge at 80 columns", l, name)
			}
		}
		contains(t, "dry run badge", screen(phases(l, 80, 24)["dryrun"]), l.T(i18n.UIDryRun))
		contains(t, "sandbox badge at 60", screen(phases(l, 60, 20)["pods"]), l.T(i18n.UISandbox))
	}
	m := New(context.Background(), Config{Lang: i18n.En, Steps: infos(i18n.En), NoColor: true})
	if s := screen(m); strings.Contains(s, "SANDBOX") {
		t.Errorf("a real run says sandbox:\n%s", s)
	}
}

// Long commands wrap at spaces, so each piece can be read; the lab's own
// command is never cut while there is room.
func TestCommandsWrap(t *testing.T) {
	s := screen(phases(i18n.En, 80, 24)["failure"])
	contains(t, "iamsa commands", s, "$ eksctl create iamserviceaccount", "--override-existing-serviceaccounts")
	narrow := screen(phases(i18n.En, 60, 20)["confirm_iamsa"])
	contains(t, "narrow iamsa confirm", narrow, "Go ahead?", "+ create ServiceAccount", "c shows every command in full")
	// A command is shown whole or not at all: never without its tail.
	if strings.Contains(narrow, "$ eksctl create iamserviceaccount") {
		contains(t, "narrow iamsa confirm", narrow, "--override-existing-serviceaccounts")
	}
	full := screen(phases(i18n.En, 80, 24)["confirm_iamsa"])
	contains(t, "iamsa confirm", full, "Replaces the lab's command:", "c shows every command in full")
	if strings.Contains(full, "more commands") {
		t.Errorf("commands counted, not shown:\n%s", full)
	}
}

func TestWrapJapanese(t *testing.T) {
	text := i18n.Ja.T(i18n.OIDCWhy) + "「括弧」のテスト、句読点。"
	for w := 10; w <= 80; w++ {
		for _, line := range wrap(text, w) {
			if lipgloss.Width(line) > w {
				t.Errorf("width %d: %q is %d wide", w, line, lipgloss.Width(line))
			}
			for _, bad := range []string{"、", "。", "」"} {
				if strings.HasPrefix(line, bad) {
					t.Errorf("width %d: line starts with %s: %q", w, bad, line)
				}
			}
			if strings.HasSuffix(line, "「") {
				t.Errorf("width %d: line ends with 「: %q", w, line)
			}
		}
		if got := strings.Join(wrap(text, w), ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Fatalf("width %d lost text:\n%q\n%q", w, got, text)
		}
	}
	// Japanese fills the line: it is not broken only at spaces.
	lines := wrap(i18n.Ja.T(i18n.OIDCWhy), 80)
	if lipgloss.Width(lines[0]) < 70 {
		t.Errorf("first line only %d wide: %q", lipgloss.Width(lines[0]), lines[0])
	}
}

func TestWrapURL(t *testing.T) {
	for w := 8; w <= 100; w++ {
		if strings.Join(wrapURL(consoleLinks[0], w), "") != consoleLinks[0] {
			t.Fatalf("width %d: the URL's pieces are not the URL", w)
		}
	}
}

// With Transaction Search on, the final screen never shows X-Ray's indexed
// share as the whole: it says which share it is, and of about how many.
func TestFinalScreenSaysTheIndexedShare(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.En, i18n.Ja} {
		sum := finalSummary()
		c := *sum.Traces
		c.Destination, c.IndexedPercent = "CloudWatchLogs", 1
		sum.Traces = &c
		m := feed(newModel(l, 100, 40), append(upTo(flow.IDTraces), doneMsg{sum})...)
		contains(t, "partial "+string(l), screen(m), l.T(i18n.MsgIndexedShare, 1.0, c.EstimatedTotal()))
	}
}
