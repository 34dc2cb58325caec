// Package steps holds the lab's steps. Each file is one step and reads top to
// bottom as the lab does: a read-only Check, a Plan that names what would
// change and the command it replaces, and an idempotent Apply that honours its
// context and reports progress through a flow.Reporter. Nothing here draws on
// a terminal; the TUI and the line reporter consume the same events.
package steps

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/xray-wizard/xray-wizard/flow"
)

// Step is one lab step.
type Step interface {
	ID() string
	// Info names the step, says why it exists and which commands it replaces.
	Info(env *Env) flow.StepInfo
	// Check reports, read-only, whether the step's result is already there.
	Check(ctx context.Context, env *Env) (Status, error)
	// Plan says what Apply would change and the commands it replaces.
	Plan(ctx context.Context, env *Env) (flow.Plan, error)
	// Apply makes the change; running it again changes nothing. in is what
	// the steps before it handed on and the person's answer to its plan; it
	// returns the detail line for the summary and what it hands on.
	Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error)
}

// Status is what Check found.
type Status struct {
	Done   bool   // already in place: Apply would change nothing
	Detail string // what was seen, in the person's language
}

// All returns every step in the lab's order.
func All() []Step {
	return []Step{Preflight{}, OIDC{}, IAMServiceAccount{}, DaemonSet{}, Pods{}, Sampling{}, App{}, Traces{}}
}

// Select returns the steps named in ids (comma-separated, any order) in the
// lab's order; empty means all.
func Select(ids string) ([]Step, error) {
	all := All()
	if strings.TrimSpace(ids) == "" {
		return all, nil
	}
	want := map[string]bool{}
	for _, id := range strings.Split(ids, ",") {
		id = strings.TrimSpace(strings.ToLower(id))
		if id == "" {
			continue
		}
		if !slices.Contains(flow.AllIDs, id) {
			return nil, fmt.Errorf("unknown step %q (steps: %s)", id, strings.Join(flow.AllIDs, ","))
		}
		want[id] = true
	}
	var out []Step
	for _, s := range all {
		if want[s.ID()] {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no steps selected (steps: %s)", strings.Join(flow.AllIDs, ","))
	}
	return out, nil
}

// Infos describes steps for display.
func Infos(env *Env, ss []Step) []flow.StepInfo {
	out := make([]flow.StepInfo, len(ss))
	for i, s := range ss {
		out[i] = s.Info(env)
	}
	return out
}

// progress reports a line of progress for a step.
func progress(env *Env, r flow.Reporter, step, msg string) {
	env.Log.Info("progress", "step", step, "text", msg)
	r.Report(flow.Event{Step: step, Kind: flow.Progress, Time: env.Now(), Message: msg})
}

// warn reports something worth knowing that does not stop the step.
func warn(env *Env, r flow.Reporter, step, msg string) {
	env.Log.Warn("warning", "step", step, "text", msg)
	r.Report(flow.Event{Step: step, Kind: flow.Warning, Time: env.Now(), Message: msg})
}

// clusterArg is the cluster name for command lines, or a placeholder.
func clusterArg(env *Env) string {
	env.mu.Lock()
	defer env.mu.Unlock()
	if env.cluster != nil {
		return env.cluster.Name
	}
	if env.Opts.Cluster != "" {
		return env.Opts.Cluster
	}
	return "<cluster>"
}
