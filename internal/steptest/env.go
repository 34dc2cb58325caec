// Package steptest is for tests: a practice sandbox and the steps' environment on it.
package steptest

import (
	"context"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Start starts a practice sandbox with fast pacing for tests; it stops
// when the test ends.
func Start(t testing.TB) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{PodStartDelay: 200 * time.Millisecond, LBDelay: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(sb.Stop)
	return sb
}

// Env is the steps' environment on sb's clients, with short timeouts.
func Env(sb *sandbox.Sandbox, opts steps.Options) *steps.Env {
	if opts.TracesTimeout == 0 {
		opts.TracesTimeout = 30 * time.Second
	}
	if opts.PodsTimeout == 0 {
		opts.PodsTimeout = 30 * time.Second
	}
	env := steps.NewEnv(sb.AWSConfig(), sb.Clientset(), opts)
	env.KubeContext, env.KubeCluster = sb.KubeContext(), sb.KubeCluster()
	env.Thumbprint = sb.Thumbprint
	env.PollInterval = 200 * time.Millisecond
	return env
}

// Select is steps.Select for tests: the named steps, or the test fails.
func Select(t testing.TB, ids string) []steps.Step {
	t.Helper()
	ss, err := steps.Select(ids)
	if err != nil {
		t.Fatal(err)
	}
	return ss
}
