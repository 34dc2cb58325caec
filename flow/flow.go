// Package flow holds the plain values that cross from the steps to the faces
// that show them (the TUI, the line reporter, the JSON summary): events, plans,
// the pod table, traffic and trace counts. It imports no AWS or Kubernetes
// package, so the UI can depend on it without reaching either.
package flow

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// IDs of the steps, in the lab's order.
const (
	IDPreflight = "preflight"
	IDOIDC      = "oidc"
	IDIAMSA     = "iamsa"
	IDDaemonSet = "daemonset"
	IDPods      = "pods"
	IDApp       = "app"
	IDTraces    = "traces"
)

// AllIDs lists every step in the order the wizard runs them.
var AllIDs = []string{IDPreflight, IDOIDC, IDIAMSA, IDDaemonSet, IDPods, IDSampling, IDApp, IDTraces}

// StepInfo describes a step for display.
type StepInfo struct {
	ID    string
	Title string // short name, in the user's language
	Why   string // one or two sentences, in the user's language
	// Commands are the lab's own command lines the step replaces (eksctl,
	// kubectl), as the workshop gives them.
	Commands []string
	// Equivalent are the command lines that do what the wizard does
	// instead (aws, kubectl --server-side), labelled as its equivalent.
	Equivalent []string
	// Manifest is the YAML the step applies, whole, when it applies one.
	Manifest string
}

// Action is what a plan would do to one thing.
type Action string

// The actions a plan names.
const (
	ActCreate   Action = "create"
	ActUpdate   Action = "update"
	ActAttach   Action = "attach"
	ActDelete   Action = "delete"
	ActRestart  Action = "restart"
	ActConflict Action = "conflict" // another field manager owns a field
	ActNone     Action = "none"     // already as planned: nothing to do
)

// Changes reports whether the action changes anything.
func (a Action) Changes() bool { return a != ActNone && a != "" }

// Sign is the action's sign in a plan — + adds, - removes, ↻ restarts, ~
// changes — and its Level how alarming it is.
func (a Action) Sign() (string, Level) {
	switch a {
	case ActCreate, ActAttach:
		return "+", LevelOK
	case ActDelete:
		return "-", LevelBad
	case ActRestart:
		return "↻", LevelWarn
	}
	return "~", LevelWarn
}

// Level is how a mark is coloured: good, worth a look, bad, or neutral.
type Level int

const (
	LevelOK Level = iota
	LevelWarn
	LevelBad
	LevelInfo
	LevelDim
)

// Change is one thing a step would create or modify.
type Change struct {
	Action Action `json:"action"`
	Kind   string `json:"kind"` // IAM OIDC provider, IAM role, ServiceAccount, ...
	Name   string `json:"name"`
	Detail string `json:"detail,omitempty"`
	// Document is the whole policy document a change writes (a role's
	// trust policy), for --dry-run and the JSON summary.
	Document json.RawMessage `json:"document,omitempty"`
}

// Plan is what a step would do.
type Plan struct {
	Changes []Change `json:"changes"`
	// Commands are the lab's own command lines the step replaces (eksctl,
	// kubectl).
	Commands []string `json:"commands"`
	// Equivalent are the command lines that do what the wizard does, as
	// it does it (aws iam create-role …, kubectl apply --server-side).
	Equivalent []string `json:"equivalent,omitempty"`
	// Note is an optional sentence shown with the plan.
	Note string `json:"note,omitempty"`
}

// Mutates reports whether the plan changes anything, so a confirmation is due.
func (p Plan) Mutates() bool {
	for _, c := range p.Changes {
		if c.Action.Changes() {
			return true
		}
	}
	return false
}

// Result is how a step ended.
type Result string

const (
	// Created: the step made something that was not there.
	Created Result = "created"
	// Changed: the step changed something that was there.
	Changed Result = "changed"
	// Unchanged: already as planned; the step changed nothing.
	Unchanged Result = "unchanged"
	// Done: the step ran and only read or waited (preflight, pods, app's
	// traffic, traces).
	Done    Result = "done"
	Skipped Result = "skipped"
	Failed  Result = "failed"
	// Stopped: the person stopped the run (q, ctrl+c) during this step.
	Stopped Result = "stopped"
	// Planned: the plan was shown and nothing ran (--dry-run, or a change
	// with no one to ask and no -y).
	Planned Result = "planned"
)

// OK reports whether the step ended well: made, changed, already so, or
// done.
func (r Result) OK() bool {
	switch r {
	case Created, Changed, Unchanged, Done:
		return true
	}
	return false
}

// Mark is the result's sign — ✓ done, – skipped, ✗ failed, • planned, ○ not
// yet — and its Level, the same on screen and in plain lines.
func (r Result) Mark() (string, Level) {
	switch r {
	case Created, Changed, Unchanged, Done:
		return "✓", LevelOK
	case Skipped, Stopped:
		return "–", LevelWarn
	case Failed:
		return "✗", LevelBad
	case Planned:
		return "•", LevelInfo
	}
	return "○", LevelDim
}

// ASCIIMarks are the ASCII forms of the marks and signs this package
// gives (Result.Mark, CheckStatus.Mark, Action.Sign), one cell each as the
// marks are, for terminals that draw symbols badly (--ascii). A mark not
// listed is ASCII already.
var ASCIIMarks = map[string]string{
	"✓": "v", "✗": "x", "–": "-", "•": "*", "○": "o", "↻": "@",
}

// ASCIIMark is mark's ASCII form.
func ASCIIMark(mark string) string {
	if a, ok := ASCIIMarks[mark]; ok {
		return a
	}
	return mark
}

// Kind tells what an Event carries.
type Kind int

const (
	Started  Kind = iota // a step began
	Planning             // Plan is known (Plan set)
	Progress             // Message: a line of progress
	Pods                 // Pods: the live pod table changed
	URL                  // Message: the app's URL
	Traffic              // Load: requests sent so far
	Traces               // Counts: trace counts from X-Ray
	Warning              // Message: worth knowing, not fatal
	Target               // Message: the cluster, region and account being worked on
	Finished             // Result; Message is the detail; Err when failed
)

// Event is one thing that happened while the steps ran.
type Event struct {
	Step    string
	Kind    Kind
	Time    time.Time
	Message string
	Plan    *Plan
	Pods    *PodTable
	Load    *TrafficStats
	Counts  *TraceCounts
	Graph   *ServiceGraph // with Traces: the service map, when fetched
	Result  Result
	Err     *Error
	// Update, with Progress, marks a line that takes the place of the
	// step's last such line rather than adding one: a wait's countdown.
	Update bool
}

// Reporter receives Events. Report is called from the step's goroutine and
// must not block for long.
type Reporter interface {
	Report(Event)
}

// ReporterFunc adapts a function to Reporter.
type ReporterFunc func(Event)

// Report calls f(e).
func (f ReporterFunc) Report(e Event) { f(e) }

// Consent is the answer to a step's plan.
type Consent int

const (
	// Declined: no; the step is skipped.
	Declined Consent = iota
	// Approved: a person read the plan and said yes. Changes the plan named
	// that need a person's word (taking over a ServiceAccount, rewriting a
	// role's trust) may go ahead.
	Approved
	// Assumed: yes without asking anyone (-y).
	Assumed
	// Unasked: no one could be asked (no terminal) and no -y was given:
	// nothing changes, the run shows its plan.
	Unasked
)

// Yes reports whether the step may go ahead.
func (c Consent) Yes() bool { return c == Approved || c == Assumed }

// Confirmer asks whether to go ahead with a step's plan. The TUI asks on
// screen; the non-interactive path assumes yes.
type Confirmer interface {
	Confirm(ctx context.Context, step StepInfo, plan Plan) (Consent, error)
}

// Always is the Confirmer of -y: it says yes.
type Always struct{}

// Confirm returns Assumed.
func (Always) Confirm(context.Context, StepInfo, Plan) (Consent, error) { return Assumed, nil }

// NoOne is the Confirmer when there is no terminal to ask at and no -y (a
// pipe, CI): no change is taken as consented to.
type NoOne struct{}

// Confirm returns Unasked.
func (NoOne) Confirm(context.Context, StepInfo, Plan) (Consent, error) { return Unasked, nil }

// PodRow is one line of the live pod table.
type PodRow struct {
	Name     string    `json:"name"`
	Node     string    `json:"node"`
	Arch     string    `json:"arch,omitempty"` // the node's kubernetes.io/arch: amd64, arm64
	Phase    string    `json:"phase"`          // Pending, Running, CrashLoopBackOff, ...
	Ready    bool      `json:"ready"`
	Restarts int32     `json:"restarts"`
	Created  time.Time `json:"created"`
	Reason   string    `json:"reason,omitempty"`
}

// PodTable is the live view of the daemon's pods.
type PodTable struct {
	Rows    []PodRow `json:"rows"`
	Ready   int      `json:"ready"`
	Desired int      `json:"desired"`
}

// TrafficStats is the progress of the traffic generator.
type TrafficStats struct {
	URL    string      `json:"url"`
	Sent   int         `json:"sent"`
	Total  int         `json:"total"`
	Failed int         `json:"failed"` // transport errors and timeouts
	Status map[int]int `json:"status"` // responses by HTTP status
}

// Codes are the HTTP statuses answered so far, in order.
func (t TrafficStats) Codes() []int {
	codes := make([]int, 0, len(t.Status))
	for c := range t.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// TraceCounts is what X-Ray reported for a window.
type TraceCounts struct {
	Total     int            `json:"total"`
	OK        int            `json:"ok"`
	Error     int            `json:"error"`
	Fault     int            `json:"fault"`
	Throttle  int            `json:"throttle"`
	ByService map[string]int `json:"byService"`
	Start     time.Time      `json:"start"`
	End       time.Time      `json:"end"`
	Region    string         `json:"region,omitempty"`
	// PerMinute is the traces per minute of trace start, oldest first,
	// for the chart; minutes without traces are there with 0.
	PerMinute []TraceRate `json:"perMinute,omitempty"`
	// Destination is where the account's spans go: XRay, or
	// CloudWatchLogs with Transaction Search, where X-Ray indexes only
	// IndexedPercent of the traces (100 when the destination is XRay).
	Destination    string  `json:"destination,omitempty"`
	IndexedPercent float64 `json:"indexedPercent,omitempty"`
	// Sampling is the sampling rules in effect and, when the wizard sent
	// the traffic, how many traces they should keep of it.
	Sampling *Sampling `json:"sampling,omitempty"`
	// Estimate marks a first figure, read from the service map's request
	// counts in one round trip while the count pages; the exact count
	// replaces it.
	Estimate bool `json:"estimate"`
}

// Partial reports whether the counts are only X-Ray's indexed share of the
// traces (Transaction Search).
func (c TraceCounts) Partial() bool {
	return c.Destination == "CloudWatchLogs" && c.IndexedPercent < 100
}

// EstimatedTotal is the traces the indexed share stands for: the count
// itself when X-Ray indexes every trace.
func (c TraceCounts) EstimatedTotal() int {
	if !c.Partial() || c.IndexedPercent <= 0 {
		return c.Total
	}
	return int(float64(c.Total)*100/c.IndexedPercent + 0.5)
}

// Error is a failure a person can act on: what went wrong and what to do.
type Error struct {
	Step  string `json:"step,omitempty"`
	Cause string `json:"cause"`
	Fix   string `json:"fix,omitempty"`
	// Commands are the fix's command lines, whole, for a face to show as
	// commands that can be copied (a fix's sentence says what they do).
	Commands []string `json:"commands,omitempty"`
	// Usage marks bad input (exit code 2) rather than a failed step (1).
	Usage bool  `json:"-"`
	Err   error `json:"-"`
}

func (e *Error) Error() string {
	s := e.Cause
	if e.Fix != "" {
		s += " — " + e.Fix
	}
	if len(e.Commands) > 0 {
		s += " $ " + strings.Join(e.Commands, " ; ")
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// StepSummary is how one step ended, for the final summary.
type StepSummary struct {
	ID     string `json:"id"`
	Status Result `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
	// Commands are the fix's command lines (flow.Error.Commands).
	Commands []string `json:"commands,omitempty"`
	Plan     *Plan    `json:"plan,omitempty"`
}

// Summary is the outcome of a run.
type Summary struct {
	// Command is the subcommand that ran ("cleanup", "traces"); empty
	// for the wizard.
	Command string        `json:"command,omitempty"`
	Sandbox bool          `json:"sandbox,omitempty"`
	DryRun  bool          `json:"dryRun,omitempty"`
	Region  string        `json:"region,omitempty"`
	Cluster string        `json:"cluster,omitempty"`
	AppURL  string        `json:"appUrl,omitempty"`
	Steps   []StepSummary `json:"steps"`
	Traces  *TraceCounts  `json:"traces,omitempty"`
	Graph   *ServiceGraph `json:"graph,omitempty"`
	Console []string      `json:"console,omitempty"`
	// Interrupted is set when the run was cancelled (exit 130).
	Interrupted bool `json:"interrupted,omitempty"`
	// NotApplied is set when a step needed a change that no one could
	// approve (no terminal, no -y): the run planned the rest and changed
	// nothing (exit 3).
	NotApplied bool `json:"notApplied,omitempty"`
}

// Failed reports whether any step failed.
func (s Summary) Failed() bool {
	for _, st := range s.Steps {
		if st.Status == Failed {
			return true
		}
	}
	return false
}

// ServiceGraph is X-Ray's service map for a window: the services that
// handled traced requests and the calls between them.
type ServiceGraph struct {
	Start time.Time     `json:"start"`
	End   time.Time     `json:"end"`
	Nodes []ServiceNode `json:"nodes"`
	Edges []ServiceEdge `json:"edges"`
}

// ServiceNode is one box of the map. The node named "client" (Type
// "client") stands for the callers outside the traced services.
type ServiceNode struct {
	ID   int    `json:"id"`   // X-Ray's ReferenceId
	Name string `json:"name"` // e.g. "frontend"
	// Type is X-Ray's: "client", "AWS::EKS::Container", "remote",
	// "AWS::DynamoDB", "Database::SQL", … empty when X-Ray gives none.
	Type string `json:"type,omitempty"`
	// Root marks the services that receive requests from outside.
	Root bool `json:"root,omitempty"`
	// Inferred marks a node X-Ray made from a call to something untraced.
	Inferred bool         `json:"inferred,omitempty"`
	Stats    ServiceStats `json:"stats"`
}

// ServiceEdge is one arrow of the map: calls from one node to another.
type ServiceEdge struct {
	From  int          `json:"from"` // ServiceNode.ID
	To    int          `json:"to"`
	Stats ServiceStats `json:"stats"`
}

// ServiceStats summarise the requests a node handled or an edge carried.
type ServiceStats struct {
	Requests int `json:"requests"`
	OK       int `json:"ok"`
	Errors   int `json:"errors"`   // 4xx other than 429, as TraceCounts.Error
	Throttle int `json:"throttle"` // 429, its own category, as TraceCounts.Throttle
	Faults   int `json:"faults"`   // 5xx
	// AvgLatencyMs is the mean response time in milliseconds.
	AvgLatencyMs float64 `json:"avgLatencyMs"`
}

// ErrorRate is the share of requests that were errors (4xx other than
// 429), 0 to 1.
func (s ServiceStats) ErrorRate() float64 { return rate(s.Errors, s.Requests) }

// ThrottleRate is the share of requests that were throttled (429), 0 to 1.
func (s ServiceStats) ThrottleRate() float64 { return rate(s.Throttle, s.Requests) }

// FaultRate is the share of requests that were faults (5xx), 0 to 1.
func (s ServiceStats) FaultRate() float64 { return rate(s.Faults, s.Requests) }

func rate(n, of int) float64 {
	if of <= 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// Node returns the node with the given id, or nil.
func (g *ServiceGraph) Node(id int) *ServiceNode {
	for i := range g.Nodes {
		if g.Nodes[i].ID == id {
			return &g.Nodes[i]
		}
	}
	return nil
}

// TraceRate is one bar of the traces-per-minute chart.
type TraceRate struct {
	Minute time.Time `json:"minute"` // the minute's start
	Count  int       `json:"count"`
}
