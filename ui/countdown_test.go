package ui

import (
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// A wait's countdown takes the place of its last line rather than pushing
// the step's other lines out, and the step's pane shows the time left.
func TestCountdownReplacesItsLine(t *testing.T) {
	m := newModel(i18n.En, 80, 24)
	m = feed(m, started(flow.IDTraces), progressed(flow.IDTraces, "asking X-Ray for the traces"))
	tickLine := func(msg string) eventMsg {
		return ev(flow.IDTraces, flow.Progress, func(e *flow.Event) { e.Message, e.Update = msg, true })
	}
	for _, left := range []string{"1m59s", "1m58s", "1m57s"} {
		m = feed(m, tickLine("waiting for the traces in X-Ray — at most "+left+" more"))
	}
	got := m.steps[m.index(flow.IDTraces)].progress
	if len(got) != 2 || got[0] != "asking X-Ray for the traces" || !strings.HasSuffix(got[1], "1m57s more") {
		t.Fatalf("progress = %q", got)
	}
	if v := m.View().Content; !strings.Contains(v, "at most 1m57s more") {
		t.Errorf("the view does not show the time left:\n%s", v)
	}
	// A plain line after the countdown is added, not replaced.
	m = feed(m, progressed(flow.IDTraces, "running the doctor's checks"))
	if got := m.steps[m.index(flow.IDTraces)].progress; len(got) != 3 {
		t.Errorf("progress = %q", got)
	}
}
