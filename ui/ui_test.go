package ui

import (
	"context"
	"fmt"
	"regexp"
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
)

var clock = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// The final screen shows local times: fix the zone so views are the same on
// every machine.
func init() { time.Local = time.UTC }

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	keyN  = tea.KeyPressMsg{Code: 'n', Text: "n"}
	keyY  = tea.KeyPressMsg{Code: 'y', Text: "y"}
	ctrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
)

// infos are the seven steps as the wizard describes them.
func infos(l i18n.Lang) []flow.StepInfo {
	keys := [][2]i18n.Key{
		{i18n.PreflightTitle, i18n.PreflightWhy}, {i18n.OIDCTitle, i18n.OIDCWhy}, {i18n.IAMSATitle, i18n.IAMSAWhy},
		{i18n.DaemonSetTitle, i18n.DaemonSetWhy}, {i18n.PodsTitle, i18n.PodsWhy}, {i18n.AppTitle, i18n.AppWhy}, {i18n.TracesTitle, i18n.TracesWhy},
	}
	cmds := []string{
		"aws sts get-caller-identity",
		"eksctl utils associate-iam-oidc-provider --cluster eksworkshop-eksctl --region us-west-2 --approve",
		"eksctl create iamserviceaccount --name xray-daemon --namespace default --cluster eksworkshop-eksctl --region us-west-2 --attach-policy-arn arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess --approve --override-existing-serviceaccounts",
		"kubectl apply -f ./manifests/xray-k8s-daemonset.yaml",
		"kubectl get pods -L app",
		`export LB_NAME=$(kubectl get svc frontend -n workshop -o jsonpath="{.status.loadBalancer.ingress[*].hostname}")`,
		"aws xray get-trace-summaries --region us-west-2 --time-range-type TraceId",
	}
	out := make([]flow.StepInfo, len(flow.AllIDs))
	for i, id := range flow.AllIDs {
		out[i] = flow.StepInfo{ID: id, Title: l.T(keys[i][0]), Why: l.T(keys[i][1]), Commands: []string{cmds[i]}}
	}
	return out
}

func newModel(l i18n.Lang, w, h int) Model {
	m := New(context.Background(), Config{Lang: l, Sandbox: true, Steps: infos(l), NoColor: true, Now: func() time.Time { return clock }})
	return feed(m, tea.WindowSizeMsg{Width: w, Height: h})
}

func feed(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		nm, _ := m.Update(msg)
		m = nm.(Model)
	}
	return m
}

func ev(step string, kind flow.Kind, f func(*flow.Event)) eventMsg {
	e := flow.Event{Step: step, Kind: kind, Time: clock}
	if f != nil {
		f(&e)
	}
	return eventMsg{e}
}

func done(step, detail string) eventMsg {
	return ev(step, flow.Finished, func(e *flow.Event) { e.Result = flow.Done; e.Message = detail })
}

var oidcPlan = flow.Plan{
	Commands: []string{"eksctl utils associate-iam-oidc-provider --cluster eksworkshop-eksctl --region us-west-2 --approve"},
	Changes:  []flow.Change{{Action: "create", Kind: "IAM OIDC provider", Name: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/5F7BFABE6144C727CB7F198DF6F4E6E5", Detail: "client ID sts.amazonaws.com"}},
}

func preflightDone() []tea.Msg {
	return []tea.Msg{
		ev("preflight", flow.Started, nil),
		ev("preflight", flow.Target, func(e *flow.Event) { e.Message = "eksworkshop-eksctl · us-west-2 · 123456789012" }),
		done("preflight", "cluster eksworkshop-eksctl in us-west-2"),
	}
}

func upTo(step string) []tea.Msg {
	msgs := preflightDone()
	for _, id := range flow.AllIDs[1:] {
		if id == step {
			break
		}
		msgs = append(msgs, ev(id, flow.Started, nil), done(id, id+" done"))
	}
	return append(msgs, ev(step, flow.Started, nil))
}

func pods(ready int) *flow.PodTable {
	t := &flow.PodTable{Desired: 3}
	for i, n := range []string{"ip-192-168-10-20.us-west-2.compute.internal", "ip-192-168-41-67.us-west-2.compute.internal", "ip-192-168-72-114.us-west-2.compute.internal"} {
		r := flow.PodRow{Name: fmt.Sprintf("xray-daemon-%c2qxw", 'a'+i), Node: n, Phase: "ContainerCreating", Created: clock.Add(-time.Duration(5+i) * time.Second)}
		if i < ready {
			r.Phase, r.Ready = "Running", true
			t.Ready++
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

var counts = &flow.TraceCounts{Total: 20, OK: 15, Error: 2, Fault: 1, Throttle: 2,
	ByService: map[string]int{"Frontend": 20, "Product-Catalog": 18, "Product-Detail": 16}, Start: clock.Add(-time.Minute), End: clock}

func finalSummary() flow.Summary {
	s := flow.Summary{Sandbox: true, Region: "us-west-2", Cluster: "eksworkshop-eksctl", AppURL: "http://localhost:40449/", Traces: counts,
		Console: []string{"https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#xray:service-map/map", "https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#xray:traces/query"}}
	for _, id := range flow.AllIDs {
		s.Steps = append(s.Steps, flow.StepSummary{ID: id, Status: flow.Done, Detail: id + " done"})
	}
	return s
}

// phases builds the model in each phase the person sees.
func phases(l i18n.Lang, w, h int) map[string]Model {
	// Each phase from a model of its own: models share their step slice.
	base := func() Model { return newModel(l, w, h) }
	out := map[string]Model{}
	msgs := append(preflightDone(), ev("oidc", flow.Started, nil), ev("oidc", flow.Planning, func(e *flow.Event) { e.Plan = &oidcPlan }),
		confirmMsg{step: "oidc", plan: oidcPlan, reply: make(chan bool, 1)})
	out["confirm"] = feed(base(), msgs...)
	out["running"] = feed(base(), append(upTo("daemonset"), ev("daemonset", flow.Progress, func(e *flow.Event) { e.Message = "applying ConfigMap default/xray-config" }),
		ev("daemonset", flow.Progress, func(e *flow.Event) { e.Message = "applying DaemonSet default/xray-daemon" }))...)
	out["pods"] = feed(base(), append(upTo("pods"), ev("pods", flow.Pods, func(e *flow.Event) { e.Pods = pods(2) }))...)
	out["app"] = feed(base(), append(upTo("app"), ev("app", flow.URL, func(e *flow.Event) { e.Message = "http://localhost:40449/" }),
		ev("app", flow.Traffic, func(e *flow.Event) {
			e.Load = &flow.TrafficStats{URL: "http://localhost:40449/", Sent: 12, Total: 20, Status: map[int]int{200: 9, 404: 1, 429: 1, 500: 1}}
		}))...)
	fail := &flow.Error{Cause: "AWS denied iam:CreateRole to arn:aws:sts::123456789012:assumed-role/workshop/i-0abc", Fix: "Allow iam:CreateRole for this identity (see assets/iam-policy.json), or run as a role that has it."}
	out["failure"] = feed(base(), append(upTo("iamsa"), ev("iamsa", flow.Finished, func(e *flow.Event) {
		e.Result, e.Message, e.Err = flow.Failed, fail.Cause, fail
	}))...)
	all := upTo("traces")
	all = append(all, ev("traces", flow.Traces, func(e *flow.Event) { e.Counts = counts }), done("traces", "20 traces"))
	out["final"] = feed(base(), append(all, doneMsg{finalSummary()})...)
	dry := New(context.Background(), Config{Lang: l, Sandbox: true, DryRun: true, Steps: infos(l), NoColor: true, Now: func() time.Time { return clock }})
	dry = feed(dry, tea.WindowSizeMsg{Width: w, Height: h})
	ds := flow.Summary{Sandbox: true, DryRun: true}
	for i, id := range flow.AllIDs {
		p := &flow.Plan{Commands: infos(l)[i].Commands}
		if id == "oidc" {
			p = &oidcPlan
		}
		dry = feed(dry, ev(id, flow.Started, nil), ev(id, flow.Finished, func(e *flow.Event) { e.Result = flow.Planned; e.Message = "planned" }))
		ds.Steps = append(ds.Steps, flow.StepSummary{ID: id, Status: flow.Planned, Detail: "planned (dry run)", Plan: p})
	}
	out["dryrun"] = feed(dry, doneMsg{ds})
	return out
}

func screen(m Model) string { return ansi.Strip(m.render()) }

// Golden views of every phase at 80×24, in English and Japanese.
func TestGoldenViews(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.En, i18n.Ja} {
		for name, m := range phases(l, 80, 24) {
			t.Run(string(l)+"_"+name, func(t *testing.T) {
				golden.RequireEqual(t, screen(m))
			})
		}
	}
}

// No line is ever wider than the terminal, in any phase, size or language,
// and the screen has exactly the terminal's height.
func TestViewFitsTheTerminal(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.En, i18n.Ja} {
		for _, size := range [][2]int{{80, 24}, {60, 20}, {120, 40}, {40, 12}, {30, 8}} {
			for name, m := range phases(l, size[0], size[1]) {
				lines := strings.Split(m.render(), "\n")
				if size[0] >= minWidth && len(lines) != size[1] {
					t.Errorf("%s %dx%d %s: %d lines", l, size[0], size[1], name, len(lines))
				}
				for i, line := range lines {
					if w := lipgloss.Width(line); w > size[0] {
						t.Errorf("%s %dx%d %s: line %d is %d wide: %q", l, size[0], size[1], name, i, w, ansi.Strip(line))
					}
				}
			}
		}
	}
}

var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// colours finds SGR parameters that set a foreground or background colour.
func colours(s string) []string {
	var out []string
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.Split(m[1], ";") {
			if n, err := strconv.Atoi(p); err == nil && (n >= 30 && n <= 38 || n >= 40 && n <= 48 || n >= 90 && n <= 97 || n >= 100 && n <= 107) {
				out = append(out, m[0])
				break
			}
		}
	}
	return out
}

func TestNoColorHasNoColourCodes(t *testing.T) {
	for name, m := range phases(i18n.En, 80, 24) {
		if c := colours(m.render()); len(c) > 0 {
			t.Errorf("%s: colour sequences with NO_COLOR: %q", name, c[:min(len(c), 5)])
		}
	}
	// And with colours on, the same screen has them.
	m := New(context.Background(), Config{Lang: i18n.En, Steps: infos(i18n.En), Now: func() time.Time { return clock }})
	m = feed(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if len(colours(m.render())) == 0 {
		t.Error("no colour at all with colours on")
	}
	t.Setenv("NO_COLOR", "1")
	m = New(context.Background(), Config{Lang: i18n.En, Steps: infos(i18n.En), Now: func() time.Time { return clock }})
	if !m.cfg.NoColor {
		t.Error("NO_COLOR in the environment is not honoured")
	}
}

func TestConfirmKeys(t *testing.T) {
	for _, c := range []struct {
		key  tea.KeyPressMsg
		want bool
	}{{enter, true}, {keyY, true}, {keyN, false}} {
		reply := make(chan bool, 1)
		m := feed(newModel(i18n.En, 80, 24), append(preflightDone(), ev("oidc", flow.Started, nil), confirmMsg{step: "oidc", plan: oidcPlan, reply: reply})...)
		if m.phase != phaseConfirm || !strings.Contains(screen(m), "Go ahead?") || !strings.Contains(screen(m), "create IAM OIDC provider") {
			t.Fatalf("not asking:\n%s", screen(m))
		}
		m = feed(m, c.key)
		select {
		case got := <-reply:
			if got != c.want {
				t.Errorf("%s answered %v", c.key, got)
			}
		default:
			t.Errorf("%s did not answer", c.key)
		}
		if m.phase != phaseRunning || m.confirm != nil {
			t.Errorf("%s: phase %v", c.key, m.phase)
		}
	}
}

func TestCtrlCCancelsAndAnswersNo(t *testing.T) {
	reply := make(chan bool, 1)
	m := feed(newModel(i18n.En, 80, 24), append(preflightDone(), confirmMsg{step: "oidc", plan: oidcPlan, reply: reply})...)
	nm, cmd := m.Update(ctrlC)
	m = nm.(Model)
	if m.ctx.Err() == nil {
		t.Error("ctrl+c did not cancel the steps' context")
	}
	if got := <-reply; got {
		t.Error("pending confirmation answered yes on ctrl+c")
	}
	if cmd != nil {
		t.Error("quit before the steps returned: the terminal must wait for them")
	}
	nm, cmd = m.Update(doneMsg{flow.Summary{}})
	if s, _ := nm.(Model).Summary(); !s.Interrupted || cmd == nil {
		t.Errorf("after the steps returned: interrupted=%v quit=%v", s.Interrupted, cmd != nil)
	}
}

func TestEventsUpdateState(t *testing.T) {
	m := feed(newModel(i18n.En, 80, 24), append(upTo("pods"), ev("pods", flow.Pods, func(e *flow.Event) { e.Pods = pods(2) }))...)
	s := screen(m)
	for _, want := range []string{"Ready 2/3", "xray-daemon-a2qxw", "Running", "ContainerCreating", "5s", "✓ preflight", "Step 5/7"} {
		if !strings.Contains(s, want) {
			t.Errorf("pods screen lacks %q:\n%s", want, s)
		}
	}
	if m.cur != 4 || m.steps[3].result != flow.Done {
		t.Errorf("cur=%d daemonset=%v", m.cur, m.steps[3].result)
	}
	// A failure shows its cause and its fix.
	f := screen(phases(i18n.En, 80, 24)["failure"])
	for _, want := range []string{"✗ iamsa", "Failed: AWS denied iam:CreateRole", "Fix: Allow iam:CreateRole"} {
		if !strings.Contains(f, want) {
			t.Errorf("failure screen lacks %q:\n%s", want, f)
		}
	}
	// The final screen shows the counts.
	fin := screen(phases(i18n.Ja, 80, 24)["final"])
	for _, want := range []string{"合計 20", "正常", "Frontend 20", "練習用サンドボックス"} {
		if !strings.Contains(fin, want) {
			t.Errorf("final screen lacks %q:\n%s", want, fin)
		}
	}
}

func TestResizeReflows(t *testing.T) {
	m := phases(i18n.En, 80, 24)["pods"]
	m = feed(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	lines := strings.Split(screen(m), "\n")
	if len(lines) != 40 {
		t.Fatalf("%d lines after resize", len(lines))
	}
	if !strings.Contains(screen(m), "ip-192-168-10-20.us-west-2.compute.internal") {
		t.Errorf("wide terminal still truncates the node name:\n%s", screen(m))
	}
}
