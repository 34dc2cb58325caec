package main

import (
	"os/exec"
	"strings"
	"testing"
)

// deps lists what the packages matching pattern link, directly or not.
func deps(t *testing.T, pattern string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pattern).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pattern, err, out)
	}
	return strings.Fields(string(out))
}

// The rules ARCHITECTURE.md states, kept by a test: the faces draw plain
// values and reach neither AWS nor Kubernetes; the steps, the doctor and
// the Kubernetes layer draw nothing. (kube/deps_test.go keeps the wizard to
// three Kubernetes API groups.)
func TestImportRules(t *testing.T) {
	rules := []struct {
		pattern string
		banned  []string
		why     string
	}{
		{"github.com/xray-wizard/xray-wizard/ui/...", []string{"github.com/aws/", "k8s.io/", "sigs.k8s.io/"},
			"the TUI shows plain values from flow; IO lives in steps"},
		{"github.com/xray-wizard/xray-wizard/report/...", []string{"github.com/aws/", "k8s.io/", "sigs.k8s.io/", "charm.land/"},
			"the line and JSON reporter shows plain values"},
		{"github.com/xray-wizard/xray-wizard/flow/...", []string{"github.com/aws/", "k8s.io/", "charm.land/"},
			"flow is the plain values between steps and faces"},
		{"github.com/xray-wizard/xray-wizard/steps/...", []string{"charm.land/", "github.com/charmbracelet/"},
			"steps report through flow.Reporter, never draw"},
		{"github.com/xray-wizard/xray-wizard/doctor/...", []string{"charm.land/", "github.com/charmbracelet/"},
			"the doctor's checks report findings, never draw"},
		{"github.com/xray-wizard/xray-wizard/kube/...", []string{"charm.land/", "github.com/charmbracelet/", "github.com/aws/"},
			"kube is the Kubernetes client layer only"},
		{"github.com/xray-wizard/xray-wizard/sandbox/...", []string{"charm.land/", "github.com/charmbracelet/"},
			"the sandbox simulates AWS and a cluster; it draws nothing"},
	}
	for _, r := range rules {
		for _, pkg := range deps(t, r.pattern) {
			for _, b := range r.banned {
				if strings.HasPrefix(pkg, b) {
					t.Errorf("%s links %s: %s", r.pattern, pkg, r.why)
				}
			}
		}
	}
}
