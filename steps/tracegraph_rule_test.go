package steps_test

import (
	"context"
	"testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// One rule for 429 everywhere: the map's "4xx" of the service every trace
// passes is the counts' error (4xx other than 429), and its throttles the
// counts' 429s, though X-Ray's error total includes them.
func TestMapAndCountsAgreeOn429(t *testing.T) {
	sb := startSandbox(t)
	// Every request traced (the workshop rule), so the 429s are there.
	env := newEnv(sb, steps.Options{Requests: 40, SamplingRule: steps.SamplingRecordAll})
	sum := (&steps.Runner{Env: env, Steps: steps.All()}).Run(context.Background(), &events{})
	c, g := sum.Traces, sum.Graph
	if c == nil || g == nil || c.Throttle == 0 {
		t.Fatalf("traces %+v, graph %+v: want throttles to compare", c, g)
	}
	var front *flow.ServiceNode
	for i := range g.Nodes {
		if g.Nodes[i].Name == "Frontend" {
			front = &g.Nodes[i]
		}
	}
	if front == nil {
		t.Fatalf("no Frontend in %+v", g.Nodes)
	}
	if front.Stats.Throttle != c.Throttle || front.Stats.Errors != c.Error {
		t.Errorf("Frontend 4xx %d, 429 %d; counts error %d, throttle %d", front.Stats.Errors, front.Stats.Throttle, c.Error, c.Throttle)
	}
}

// The console's URL is opened with the system's own command, quoted for
// its # and ?: open is macOS only.
func TestOpenCommandPerSystem(t *testing.T) {
	u := steps.ConsoleLinks("us-west-2")[0]
	for goos, want := range map[string]string{
		"darwin":  "open '" + u + "'",
		"linux":   "xdg-open '" + u + "'",
		"windows": `start "" "` + u + `"`,
	} {
		if got := steps.OpenCommand(goos, u); got != want {
			t.Errorf("%s: %s, want %s", goos, got, want)
		}
	}
}
