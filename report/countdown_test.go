package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// A wait's countdown comes every second; plain lines write its first line
// and then one every half minute, and each new step's first line at once.
func TestCountdownLinesAreSparse(t *testing.T) {
	var b bytes.Buffer
	l := &Lines{W: &b, Lang: i18n.En}
	for _, s := range []string{"1m59s", "1m58s", "1m57s"} {
		l.Report(flow.Event{Step: "pods", Kind: flow.Progress, Update: true, Message: "waiting — at most " + s + " more"})
	}
	l.Report(flow.Event{Step: "app", Kind: flow.Progress, Update: true, Message: "lb — at most 4m59s more"})
	l.Report(flow.Event{Step: "app", Kind: flow.Progress, Message: "a plain line"})
	got := b.String()
	want := "  · waiting — at most 1m59s more\n  · lb — at most 4m59s more\n  · a plain line\n"
	if got != want {
		t.Errorf("lines:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "1m58s") {
		t.Error("a countdown line every second")
	}
}
