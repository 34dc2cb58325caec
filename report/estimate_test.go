package report

import (
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// The lines say a first figure is one, and write the exact count after it
// even when it is the same number.
func TestLinesEstimateThenExact(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.En, i18n.Ja} {
		var b strings.Builder
		lines := &Lines{W: &b, Lang: l}
		est := &flow.TraceCounts{Total: 500, OK: 400, Estimate: true}
		exact := &flow.TraceCounts{Total: 500, OK: 400, Error: 25, Throttle: 25, Fault: 50}
		lines.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Counts: est})
		lines.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Counts: exact})
		lines.Report(flow.Event{Step: flow.IDTraces, Kind: flow.Traces, Counts: exact})
		want := "  " + l.T(i18n.MsgTracesEstimated, 500) + "\n  " + l.T(i18n.MsgTracesCounted, 500, 400, 25, 50, 25) + "\n"
		if b.String() != want {
			t.Errorf("%s lines:\n%s\nwant:\n%s", l, b.String(), want)
		}
	}
}
