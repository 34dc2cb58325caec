package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

func TestLinesOnePerEventAndDeduplicated(t *testing.T) {
	var b bytes.Buffer
	l := &Lines{W: &b, Lang: i18n.En, Titles: map[string]string{"pods": "Daemon pods"}}
	l.Report(flow.Event{Step: "pods", Kind: flow.Started})
	tab := &flow.PodTable{Desired: 3, Ready: 1, Rows: []flow.PodRow{{Phase: "Running", Ready: true}, {Phase: "Pending"}, {Phase: "Pending"}}}
	l.Report(flow.Event{Step: "pods", Kind: flow.Pods, Pods: tab})
	l.Report(flow.Event{Step: "pods", Kind: flow.Pods, Pods: tab}) // same again: no line
	l.Report(flow.Event{Step: "pods", Kind: flow.Warning, Message: "careful"})
	l.Report(flow.Event{Step: "pods", Kind: flow.Finished, Result: flow.Failed, Message: "2 not ready",
		Err: &flow.Error{Cause: "2 not ready", Fix: "kubectl describe pods"}})
	got := b.String()
	want := "▶ pods — Daemon pods\n  pods Ready 1/3  [Pending 2, Running 1]\n  ! careful\n✗ pods: 2 not ready\n  fix: kubectl describe pods\n"
	if got != want {
		t.Errorf("lines:\n%s\nwant:\n%s", got, want)
	}
}

func TestTrafficAtQuarterMarks(t *testing.T) {
	var b bytes.Buffer
	l := &Lines{W: &b, Lang: i18n.En}
	for i := 1; i <= 20; i++ {
		l.Report(flow.Event{Kind: flow.Traffic, Load: &flow.TrafficStats{Sent: i, Total: 20, Status: map[int]int{200: i}}})
	}
	if n := strings.Count(b.String(), "\n"); n != 4 {
		t.Errorf("%d traffic lines, want 4:\n%s", n, b.String())
	}
}

func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	s := flow.Summary{Steps: []flow.StepSummary{{ID: "oidc", Status: flow.Done, Detail: "created"}},
		Traces: &flow.TraceCounts{Total: 3, OK: 1, Error: 1, Throttle: 1}}
	if err := JSON(&b, s); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	tr := v["traces"].(map[string]any)
	for _, k := range []string{"total", "ok", "error", "fault", "throttle", "byService"} {
		if _, ok := tr[k]; !ok {
			t.Errorf("traces lacks %q: %s", k, b.String())
		}
	}
	st := v["steps"].([]any)[0].(map[string]any)
	if st["id"] != "oidc" || st["status"] != "done" || st["detail"] != "created" {
		t.Errorf("step = %v", st)
	}
}

func TestTextJapanese(t *testing.T) {
	var b bytes.Buffer
	Text(&b, flow.Summary{Sandbox: true, Steps: []flow.StepSummary{{ID: "oidc", Status: flow.Failed, Detail: "x", Fix: "y"}}}, i18n.Ja)
	for _, want := range []string{"失敗したステップ", "練習用サンドボックス", "対処: y"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}
