// Package flow holds the plain values that cross from the steps to the faces
// that show them (the TUI, the line reporter, the JSON summary): events, plans,
// the pod table, traffic and trace counts. It imports no AWS or Kubernetes
// package, so the UI can depend on it without reaching either.
package flow

import (
	"context"
	"slices"
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
var AllIDs = []string{IDPreflight, IDOIDC, IDIAMSA, IDDaemonSet, IDPods, IDApp, IDTraces}

// StepInfo describes a step for display.
type StepInfo struct {
	ID    string
	Title string // short name, in the user's language
	Why   string // one or two sentences, in the user's language
	// Commands are the lab's command lines the step replaces.
	Commands []string
}

// Change is one thing a step would create or modify.
type Change struct {
	Action string `json:"action"` // create, update, attach, apply, none
	Kind   string `json:"kind"`   // IAM OIDC provider, IAM role, ServiceAccount, ...
	Name   string `json:"name"`
	Detail string `json:"detail,omitempty"`
}

// Plan is what a step would do.
type Plan struct {
	Changes []Change `json:"changes"`
	// Commands are the eksctl / kubectl / aws command lines the step replaces.
	Commands []string `json:"commands"`
	// Note is an optional sentence shown with the plan.
	Note string `json:"note,omitempty"`
}

// Mutates reports whether the plan changes anything, so a confirmation is due.
func (p Plan) Mutates() bool {
	for _, c := range p.Changes {
		if c.Action != "none" && c.Action != "" {
			return true
		}
	}
	return false
}

// Result is how a step ended.
type Result string

const (
	Done    Result = "done"
	Skipped Result = "skipped"
	Failed  Result = "failed"
	Planned Result = "planned" // --dry-run: the plan was shown, nothing ran
)

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
	Result  Result
	Err     *Error
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

// Confirmer asks whether to go ahead with a step's plan. The TUI asks on
// screen; the non-interactive path answers yes.
type Confirmer interface {
	Confirm(ctx context.Context, step StepInfo, plan Plan) (bool, error)
}

// Always is the Confirmer of -y, no TTY and CI: it says yes.
type Always struct{}

// Confirm returns true.
func (Always) Confirm(context.Context, StepInfo, Plan) (bool, error) { return true, nil }

// PodRow is one line of the live pod table.
type PodRow struct {
	Name     string    `json:"name"`
	Node     string    `json:"node"`
	Phase    string    `json:"phase"` // Pending, Running, CrashLoopBackOff, ...
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
}

// Error is a failure a person can act on: what went wrong and what to do.
type Error struct {
	Step  string `json:"step,omitempty"`
	Cause string `json:"cause"`
	Fix   string `json:"fix,omitempty"`
	// Usage marks bad input (exit code 2) rather than a failed step (1).
	Usage bool  `json:"-"`
	Err   error `json:"-"`
}

func (e *Error) Error() string {
	if e.Fix == "" {
		return e.Cause
	}
	return e.Cause + " — " + e.Fix
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// StepSummary is how one step ended, for the final summary.
type StepSummary struct {
	ID     string `json:"id"`
	Status Result `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
	Plan   *Plan  `json:"plan,omitempty"`
}

// Summary is the outcome of a run.
type Summary struct {
	Sandbox bool          `json:"sandbox,omitempty"`
	DryRun  bool          `json:"dryRun,omitempty"`
	Region  string        `json:"region,omitempty"`
	Cluster string        `json:"cluster,omitempty"`
	AppURL  string        `json:"appUrl,omitempty"`
	Steps   []StepSummary `json:"steps"`
	Traces  *TraceCounts  `json:"traces,omitempty"`
	Console []string      `json:"console,omitempty"`
	// Interrupted is set when the run was cancelled (exit 130).
	Interrupted bool `json:"interrupted,omitempty"`
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
