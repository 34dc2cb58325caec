// Package report is the face of the wizard without a terminal UI: one line
// per event on stderr, and the summary on stdout as text or JSON.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Lines writes one line per event. It is safe for concurrent use.
type Lines struct {
	W    io.Writer
	Lang i18n.Lang
	// Titles maps step ids to their display names.
	Titles map[string]string

	mu          sync.Mutex
	lastPods    string
	podsAt      time.Time
	lastTraffic int
	lastTraces  int
	// countAt is when a countdown line was last written, and countStep
	// its step: a wait's countdown comes every second, a line of it at
	// most every countEvery.
	countAt   time.Time
	countStep string
	// lastEstimate: the last count was a first figure, so the exact one
	// is written even when it is the same.
	lastEstimate bool
}

// countEvery is the least time between two countdown lines of a step.
const countEvery = 30 * time.Second

// Report writes e as a line, leaving out updates that add nothing new (a pod
// table whose summary did not change, traffic between quarter marks).
func (l *Lines) Report(e flow.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.Lang.T
	switch e.Kind {
	case flow.Started:
		fmt.Fprintf(l.W, "▶ %s — %s\n", e.Step, l.Titles[e.Step])
	case flow.Planning:
		for _, c := range e.Plan.Changes {
			if !c.Action.Changes() {
				continue
			}
			line := fmt.Sprintf("  %s: %s %s %s", t(i18n.CLIPlan), l.Lang.ActionWord(string(c.Action)), l.Lang.KindWord(c.Kind), c.Name)
			if c.Detail != "" {
				line += " (" + c.Detail + ")"
			}
			fmt.Fprintln(l.W, line)
		}
		if e.Plan.Note != "" {
			fmt.Fprintf(l.W, "  %s\n", e.Plan.Note)
		}
	case flow.Progress:
		if e.Update {
			if e.Step == l.countStep && time.Since(l.countAt) < countEvery {
				return
			}
			l.countAt, l.countStep = time.Now(), e.Step
		}
		fmt.Fprintf(l.W, "  · %s\n", e.Message)
	case flow.Warning:
		fmt.Fprintf(l.W, "  ! %s\n", e.Message)
	case flow.Pods:
		p := e.Pods
		var phases []string
		count := map[string]int{}
		for _, r := range p.Rows {
			count[r.Phase]++
		}
		for ph, n := range count {
			phases = append(phases, fmt.Sprintf("%s %d", ph, n))
		}
		sort.Strings(phases)
		s := fmt.Sprintf("  %s %d/%d  [%s]", t(i18n.CLIPodsReady), p.Ready, p.Desired, strings.Join(phases, ", "))
		// A line when the summary changes, at most one a second while
		// pods are still coming (a big cluster changes hundreds of times
		// a second), and always the one that says all are Ready.
		done := p.Desired > 0 && p.Ready >= p.Desired
		if s != l.lastPods && (done || time.Since(l.podsAt) >= time.Second) {
			fmt.Fprintln(l.W, s)
			l.lastPods, l.podsAt = s, time.Now()
		}
	case flow.URL:
		fmt.Fprintf(l.W, "  %s: %s\n", t(i18n.CLIAppURL), e.Message)
	case flow.Traffic:
		x := e.Load
		if x.Total == 0 {
			return
		}
		q := x.Sent * 4 / x.Total
		if x.Sent == 0 || q == l.lastTraffic {
			return
		}
		l.lastTraffic = q
		fmt.Fprintf(l.W, "  %s %d/%d (%s)\n", t(i18n.CLIRequests), x.Sent, x.Total, statusLine(x))
	case flow.Traces:
		c := e.Counts
		if c.Total == l.lastTraces && c.Estimate == l.lastEstimate {
			return
		}
		l.lastTraces, l.lastEstimate = c.Total, c.Estimate
		fmt.Fprintf(l.W, "  %s\n", tracesLine(l.Lang, c))
	case flow.Finished:
		mark, _ := e.Result.Mark()
		fmt.Fprintf(l.W, "%s %s: %s\n", mark, e.Step, e.Message)
		if e.Result == flow.Failed && e.Err != nil && e.Err.Fix != "" {
			fmt.Fprintf(l.W, "  %s: %s\n", t(i18n.CLIFix), e.Err.Fix)
		}
		if e.Result == flow.Failed && e.Err != nil {
			for _, c := range e.Err.Commands {
				fmt.Fprintf(l.W, "    $ %s\n", c)
			}
		}
	}
}

// tracesLine is a count in a line: the outcomes of an exact one, "about N"
// for a first figure.
func tracesLine(lang i18n.Lang, c *flow.TraceCounts) string {
	if c.Estimate {
		return lang.T(i18n.MsgTracesEstimated, c.Total)
	}
	return lang.Counted(c.Total, c.OK, c.Error, c.Fault, c.Throttle, c.Partial(), c.IndexedPercent, c.EstimatedTotal())
}

func statusLine(x *flow.TrafficStats) string {
	var parts []string
	for _, c := range x.Codes() {
		parts = append(parts, fmt.Sprintf("%d×%d", c, x.Status[c]))
	}
	if x.Failed > 0 {
		parts = append(parts, fmt.Sprintf("err×%d", x.Failed))
	}
	return strings.Join(parts, " ")
}

// JSON writes the summary as one JSON object.
func JSON(w io.Writer, s flow.Summary) error {
	if s.Traces != nil && s.Traces.ByService == nil {
		s.Traces.ByService = map[string]int{}
	}
	return WriteJSON(w, s)
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// graphLines are the service map's calls as lines of text: from → to, the
// requests, the error and fault rates and the mean latency.
func graphLines(g *flow.ServiceGraph, lang i18n.Lang) []string {
	type row struct {
		from, to string
		st       flow.ServiceStats
	}
	var rows []row
	for _, e := range g.Edges {
		from, to := g.Node(e.From), g.Node(e.To)
		if from == nil || to == nil {
			continue
		}
		rows = append(rows, row{from.Name, to.Name, e.Stats})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].from != rows[j].from {
			return rows[i].from < rows[j].from
		}
		return rows[i].to < rows[j].to
	})
	width := 0
	for _, r := range rows {
		width = max(width, len(r.from)+len(r.to)+3)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, lang.T(i18n.ReportGraphLine, width, r.from+" → "+r.to,
			r.st.Requests, 100*r.st.ErrorRate(), 100*r.st.FaultRate(), r.st.AvgLatencyMs))
	}
	return out
}

// Text writes the summary for a person.
func Text(w io.Writer, s flow.Summary, lang i18n.Lang) {
	t := lang.T
	head := t(i18n.CLISummaryOK)
	switch {
	case s.Interrupted:
		head = t(i18n.CLISummaryInterrupted)
	case s.Failed():
		head = t(i18n.CLISummaryFailed)
	case s.DryRun:
		head = t(i18n.CLISummaryDryRun)
	case s.NotApplied:
		head = t(i18n.CLISummaryNotApplied)
	case s.Command == "cleanup":
		head = t(i18n.CLICleanupOK)
	case s.Command == "traces":
		head = t(i18n.CLITracesOK)
	}
	if s.Sandbox {
		head += " " + t(i18n.CLISandboxTag)
	}
	fmt.Fprintln(w, head)
	if s.Cluster != "" {
		fmt.Fprintf(w, "  %s: %s (%s)\n", t(i18n.CLICluster), s.Cluster, s.Region)
	}
	width := 0
	for _, st := range s.Steps {
		width = max(width, len(st.ID))
	}
	for _, st := range s.Steps {
		mark, _ := st.Status.Mark()
		fmt.Fprintf(w, "  %s %-*s  %s\n", mark, width, st.ID, st.Detail)
		if st.Fix != "" {
			fmt.Fprintf(w, "    %s: %s\n", t(i18n.CLIFix), st.Fix)
		}
		for _, c := range st.Commands {
			fmt.Fprintf(w, "      $ %s\n", c)
		}
		if st.Plan != nil {
			for _, c := range st.Plan.Changes {
				if c.Action.Changes() {
					fmt.Fprintf(w, "    %s %s %s\n", lang.ActionWord(string(c.Action)), lang.KindWord(c.Kind), c.Name)
				}
			}
			for _, c := range st.Plan.Commands {
				fmt.Fprintf(w, "    $ %s\n", c)
			}
			if len(st.Plan.Equivalent) > 0 {
				fmt.Fprintf(w, "    %s\n", t(i18n.CLIEquivalent))
			}
			for _, c := range st.Plan.Equivalent {
				fmt.Fprintf(w, "    $ %s\n", c)
			}
		}
	}
	if s.AppURL != "" {
		fmt.Fprintf(w, "%s: %s\n", t(i18n.CLIAppURL), s.AppURL)
	}
	if c := s.Traces; c != nil {
		fmt.Fprintf(w, "%s\n", tracesLine(lang, c))
		if line := SamplingLine(lang, c); line != "" {
			fmt.Fprintf(w, "  %s\n", line)
		}
		names := make([]string, 0, len(c.ByService))
		for n := range c.ByService {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(w, "  %-20s %d\n", n, c.ByService[n])
		}
		if !c.Start.IsZero() {
			fmt.Fprintf(w, "  %s: %s – %s\n", t(i18n.CLIWindow), c.Start.Format(time.TimeOnly), c.End.Format(time.TimeOnly))
		}
	}
	if g := s.Graph; g != nil && len(g.Edges) > 0 {
		fmt.Fprintln(w, t(i18n.CLIServiceCalls))
		for _, l := range graphLines(g, lang) {
			fmt.Fprintln(w, l)
		}
	}
	for i, u := range s.Console {
		label := t(i18n.CLIServiceMap)
		if i == 1 {
			label = t(i18n.CLITracesConsole)
		}
		fmt.Fprintf(w, "%s: %s\n", label, u)
	}
}
