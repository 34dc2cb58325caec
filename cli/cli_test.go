package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/iostreams"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// testFactory is a factory on buffers: no terminal, an environment of env.
func testFactory(env map[string]string) (*Factory, *iostreams.IOStreams) {
	ios, _, _, _ := iostreams.Test(env)
	return NewFactory(ios), ios
}

func stepIDs(ss []steps.Step) string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.ID()
	}
	return strings.Join(ids, ",")
}

func TestNewCmdRootFlags(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, o *WizardOptions)
	}{
		{"defaults", nil, nil, func(t *testing.T, o *WizardOptions) {
			if o.Shared.Namespace != "default" || o.AppNamespace != "workshop" || o.Requests != 20 || o.Identity != steps.IdentityIRSA {
				t.Errorf("defaults: %+v", o)
			}
			if o.PodsTimeout != 5*time.Minute || o.TracesTimeout != 2*time.Minute || o.Since != 15*time.Minute {
				t.Errorf("timeouts: %+v", o)
			}
			if got := stepIDs(o.Steps); got != strings.Join(flow.AllIDs, ",") {
				t.Errorf("steps = %s, want all", got)
			}
			if o.Shared.Lang != i18n.En || o.Shared.NonInteractive || o.Sandbox || o.DryRun {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{"steps in any order run in the lab's", []string{"--steps", "pods,oidc"}, nil, func(t *testing.T, o *WizardOptions) {
			if got := stepIDs(o.Steps); got != "oidc,pods" {
				t.Errorf("steps = %s", got)
			}
		}},
		{"every flag", []string{"--sandbox", "-y", "--dry-run", "--requests", "7", "--identity", "pod-identity", "--force",
			"--override-existing-serviceaccounts", "--pods-timeout", "1m", "--traces-timeout", "30s", "--since", "1h",
			"--filter", `service("Frontend")`, "--cluster", "c1", "--region", "eu-west-1", "--profile", "p",
			"--kubeconfig", "/k", "--context", "ctx", "--namespace", "ns", "--app-namespace", "app", "--output", "json",
			"--lang", "ja", "--log-file", "/tmp/x.log"}, nil, func(t *testing.T, o *WizardOptions) {
			want := steps.Options{Cluster: "c1", Region: "eu-west-1", Profile: "p", Kubeconfig: "/k", Context: "ctx",
				Namespace: "ns", AppNamespace: "app", Identity: steps.IdentityPodIdentity, Requests: 7, Since: time.Hour,
				Filter: `service("Frontend")`, OverrideExistingSA: true, Force: true, PodsTimeout: time.Minute,
				TracesTimeout: 30 * time.Second, Lang: i18n.Ja}
			if got := o.stepOptions(); got != want {
				t.Errorf("step options\n got %+v\nwant %+v", got, want)
			}
			if !o.Sandbox || !o.DryRun || !o.Shared.NonInteractive || !o.Shared.json() || o.Shared.LogFile != "/tmp/x.log" {
				t.Errorf("options: %+v", o)
			}
		}},
		{"language from the environment", nil, map[string]string{"LANG": "ja_JP.UTF-8"}, func(t *testing.T, o *WizardOptions) {
			if o.Shared.Lang != i18n.Ja {
				t.Errorf("lang = %s", o.Shared.Lang)
			}
		}},
		{"--lang over the environment", []string{"--lang", "en"}, map[string]string{"LANG": "ja_JP.UTF-8"}, func(t *testing.T, o *WizardOptions) {
			if o.Shared.Lang != i18n.En {
				t.Errorf("lang = %s", o.Shared.Lang)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, _ := testFactory(c.env)
			var got *WizardOptions
			root := NewCmdRoot(f, func(_ context.Context, o *WizardOptions) error { got = o; return nil })
			root.SetArgs(c.args)
			if code := execute(context.Background(), f, root); code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			if got == nil {
				t.Fatal("the wizard did not run")
			}
			c.check(t, got)
		})
	}
}

// subcommand runs a subcommand built alone under a parent with the shared
// flags, as the root has them.
func subcommand(t *testing.T, f *Factory, build func(sh *SharedOptions) *cobra.Command, args ...string) int {
	t.Helper()
	var sh SharedOptions
	parent := &cobra.Command{Use: "xray-wizard", SilenceErrors: true, SilenceUsage: true}
	sh.register(parent)
	parent.AddCommand(build(&sh))
	parent.SetArgs(args)
	return execute(context.Background(), f, parent)
}

func TestNewCmdDoctorFlags(t *testing.T) {
	f, _ := testFactory(nil)
	var got *DoctorOptions
	code := subcommand(t, f, func(sh *SharedOptions) *cobra.Command {
		return NewCmdDoctor(f, sh, func(_ context.Context, o *DoctorOptions) error { got = o; return nil })
	}, "doctor", "--sandbox", "--app-namespace", "shop", "--identity", "pod-identity", "--since", "2h", "--namespace", "tracing", "--output", "json")
	if code != ExitOK || got == nil {
		t.Fatalf("exit %d, ran %v", code, got != nil)
	}
	if !got.Sandbox || got.AppNamespace != "shop" || got.Identity != steps.IdentityPodIdentity || got.Since != 2*time.Hour ||
		got.Shared.Namespace != "tracing" || !got.Shared.json() {
		t.Errorf("options: %+v %+v", got, got.Shared)
	}
}

func TestNewCmdTracesFlags(t *testing.T) {
	f, _ := testFactory(nil)
	var got *TracesOptions
	code := subcommand(t, f, func(sh *SharedOptions) *cobra.Command {
		return NewCmdTraces(f, sh, func(_ context.Context, o *TracesOptions) error { got = o; return nil })
	}, "traces", "--sandbox", "--since", "6h", "--filter", "fault", "--region", "us-east-1")
	if code != ExitOK || got == nil {
		t.Fatalf("exit %d, ran %v", code, got != nil)
	}
	if !got.Sandbox || got.Since != 6*time.Hour || got.Filter != "fault" || got.Shared.Region != "us-east-1" {
		t.Errorf("options: %+v", got)
	}
}

func TestNewCmdCleanupFlags(t *testing.T) {
	f, _ := testFactory(nil)
	var got *WizardOptions
	w := &WizardOptions{Shared: SharedOptions{}, Requests: 20, Identity: steps.IdentityIRSA, Since: 15 * time.Minute, StepList: "oidc"}
	parent := &cobra.Command{Use: "xray-wizard", SilenceErrors: true, SilenceUsage: true}
	w.Shared.register(parent)
	parent.AddCommand(NewCmdCleanup(f, w, func(_ context.Context, o *WizardOptions) error { got = o; return nil }))
	parent.SetArgs([]string{"cleanup", "--sandbox", "--dry-run", "--include-oidc-provider", "--namespace", "x"})
	if code := execute(context.Background(), f, parent); code != ExitOK || got == nil {
		t.Fatalf("exit %d, ran %v", code, got != nil)
	}
	if got.Command != "cleanup" || !got.Sandbox || !got.DryRun || got.StepList != "" || got.Shared.Namespace != "x" {
		t.Errorf("options: %+v", got)
	}
	if len(got.Steps) != 1 || got.Steps[0] != (steps.Cleanup{IncludeOIDC: true}) {
		t.Errorf("steps: %+v", got.Steps)
	}
}

func TestNewCmdSandboxServeFlags(t *testing.T) {
	f, _ := testFactory(nil)
	var got *ServeOptions
	cmd := NewCmdSandboxServe(f, func(_ context.Context, o *ServeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--listen", "localhost:9", "--latency", "5ms", "--seed-traces", "10", "--throttle-rate", "2.5"})
	if code := execute(context.Background(), f, cmd); code != ExitOK || got == nil {
		t.Fatalf("exit %d", code)
	}
	if *got != (ServeOptions{Listen: "localhost:9", Latency: 5 * time.Millisecond, Seed: 10, Throttle: 2.5}) {
		t.Errorf("options: %+v", got)
	}
}

// Bad input: exit 2, one line naming the flag, and nothing run.
func TestBadInputRunsNothing(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag: --bogus"},
		{[]string{"extra"}, "unknown command"},
		{[]string{"--steps", "oidc,nope"}, `unknown step "nope"`},
		{[]string{"--steps", ","}, "no steps selected"},
		{[]string{"--output", "xml"}, `--output "xml"`},
		{[]string{"--lang", "xx"}, `--lang "xx"`},
		{[]string{"--namespace", " "}, "--namespace must not be empty"},
		{[]string{"--cluster", "bad name!"}, "not a valid EKS cluster name"},
		{[]string{"--region", "xx-nowhere-1"}, "not an AWS region name"},
		{[]string{"--identity", "kiam"}, `--identity "kiam"`},
		{[]string{"--requests", "0"}, "--requests 0"},
		{[]string{"--requests", "100001"}, "--requests 100001"},
		{[]string{"--requests", "many"}, "invalid argument"},
		{[]string{"--since", "0s"}, "--since 0s"},
		{[]string{"--since", "721h"}, "--since 721h0m0s"},
		{[]string{"--pods-timeout", "soon"}, "invalid argument"},
		{[]string{"doctor", "--identity", "x"}, `--identity "x"`},
		{[]string{"doctor", "--since", "-1m"}, "--since -1m0s"},
		{[]string{"traces", "--since", "800h"}, "--since 800h0m0s"},
		{[]string{"traces", "--output", "yaml"}, `--output "yaml"`},
		{[]string{"cleanup", "--region", "nowhere"}, "not an AWS region name"},
		{[]string{"sandbox", "serve", "--listen", "10.0.0.1:80"}, "loopback only"},
		{[]string{"sandbox", "serve", "--listen", "nohost"}, `--listen "nohost"`},
		{[]string{"sandbox", "serve", "--latency", "2m"}, "--latency 2m0s"},
		{[]string{"sandbox", "serve", "--seed-traces", "-1"}, "--seed-traces -1"},
		{[]string{"sandbox", "serve", "--throttle-rate", "-1"}, "--throttle-rate -1"},
		{[]string{"sandbox", "reset"}, "pass -y"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			f, ios := testFactory(nil)
			ran := false
			root := NewCmdRoot(f, func(context.Context, *WizardOptions) error { ran = true; return nil })
			root.SetArgs(c.args)
			if code := execute(context.Background(), f, root); code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			stderr := ios.ErrOut.(interface{ String() string }).String()
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], c.want) {
				t.Errorf("stderr %q, want one line with %q", stderr, c.want)
			}
			if ran {
				t.Error("the wizard ran")
			}
			if out := ios.Out.(interface{ String() string }).String(); out != "" {
				t.Errorf("stdout %q", out)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name string
		err  error
		code int
		line string
	}{
		{"ok", nil, ExitOK, ""},
		{"a failed step", &exitError{ExitFailed}, ExitFailed, ""},
		{"interrupted", context.Canceled, ExitInterrupted, ""},
		{"a failure with its fix", &flow.Error{Cause: "it broke", Fix: "mend it"}, ExitFailed, "xray-wizard: it broke\n  → mend it\n"},
		{"bad configuration", &flow.Error{Usage: true, Cause: "no region", Err: ErrNoRegion}, ExitUsage, "xray-wizard: no region\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ios := testFactory(nil)
			cmd := &cobra.Command{Use: "x", SilenceErrors: true, SilenceUsage: true, RunE: func(*cobra.Command, []string) error { return c.err }}
			cmd.SetArgs(nil)
			if code := execute(context.Background(), f, cmd); code != c.code {
				t.Errorf("exit %d, want %d", code, c.code)
			}
			if got := ios.ErrOut.(interface{ String() string }).String(); got != c.line {
				t.Errorf("stderr %q, want %q", got, c.line)
			}
		})
	}
}

// No region anywhere is told apart by its sentinel, not its words, in
// either language.
func TestNoRegionIsASentinel(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.En, i18n.Ja} {
		t.Setenv("AWS_REGION", "")
		t.Setenv("AWS_DEFAULT_REGION", "")
		t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
		t.Setenv("AWS_PROFILE", "")
		_, err := awsConfig(context.Background(), steps.Options{Lang: lang}, slog.New(slog.DiscardHandler))
		if !errors.Is(err, ErrNoRegion) {
			t.Errorf("%s: %v is not ErrNoRegion", lang, err)
		}
		var fe *flow.Error
		if !errors.As(err, &fe) || !fe.Usage || fe.Cause != lang.T(i18n.CLINoRegion) {
			t.Errorf("%s: %#v", lang, err)
		}
	}
}

// The TUI is chosen only where a person can be prompted and -y is not set.
func TestInteractive(t *testing.T) {
	cases := []struct {
		stdin, stdout, yes bool
		env                map[string]string
		want               bool
	}{
		{true, true, false, nil, true},
		{true, true, true, nil, false},
		{true, false, false, nil, false},
		{false, true, false, nil, false},
		{true, true, false, map[string]string{"CI": "true"}, false},
	}
	for _, c := range cases {
		f, ios := testFactory(c.env)
		ios.SetStdinTTY(c.stdin)
		ios.SetStdoutTTY(c.stdout)
		sh := SharedOptions{NonInteractive: c.yes}
		if got := sh.interactive(f); got != c.want {
			t.Errorf("%+v: interactive = %v", c, got)
		}
	}
}

// sandbox reset: -y (or --yes) says yes, the folder comes from the
// environment, --lang is the root's; without a terminal and without -y it
// is a usage error and nothing runs.
func TestNewCmdSandboxResetFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		tty  bool
		code int
		want func(o *ResetOptions) bool
	}{
		{"-y", []string{"sandbox", "reset", "-y"}, map[string]string{"XRAY_WIZARD_STATE_DIR": "/s"}, false, ExitOK,
			func(o *ResetOptions) bool { return o.Yes && o.Dir == "/s/sandbox" && o.Lang == i18n.En }},
		{"-y before the command, --lang", []string{"-y", "--lang", "ja", "sandbox", "reset"}, map[string]string{"XDG_STATE_HOME": "/x"}, false, ExitOK,
			func(o *ResetOptions) bool { return o.Yes && o.Dir == "/x/xray-wizard/sandbox" && o.Lang == i18n.Ja }},
		{"--yes", []string{"sandbox", "reset", "--yes"}, map[string]string{"HOME": "/h", "XDG_STATE_HOME": "relative"}, false, ExitOK,
			func(o *ResetOptions) bool { return o.Yes && o.Dir == "/h/.local/state/xray-wizard/sandbox" }},
		{"at a terminal it asks", []string{"sandbox", "reset"}, map[string]string{"HOME": "/h"}, true, ExitOK,
			func(o *ResetOptions) bool { return !o.Yes }},
		{"no terminal, no -y", []string{"sandbox", "reset"}, map[string]string{"HOME": "/h"}, false, ExitUsage, nil},
		{"CI is no terminal", []string{"sandbox", "reset"}, map[string]string{"HOME": "/h", "CI": "true"}, true, ExitUsage, nil},
		{"bad --lang", []string{"sandbox", "reset", "-y", "--lang", "xx"}, nil, false, ExitUsage, nil},
		{"no arguments", []string{"sandbox", "reset", "-y", "all"}, nil, false, ExitUsage, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ios := testFactory(c.env)
			ios.SetStdinTTY(c.tty)
			ios.SetStdoutTTY(c.tty)
			var got *ResetOptions
			root := NewCmdRoot(f, nil)
			for _, sub := range root.Commands() {
				if sub.Name() == "sandbox" {
					for _, r := range sub.Commands() {
						if r.Name() == "reset" {
							sub.RemoveCommand(r)
						}
					}
					sub.AddCommand(NewCmdSandboxReset(f, func(_ context.Context, o *ResetOptions) error { got = o; return nil }))
				}
			}
			root.SetArgs(c.args)
			if code := execute(context.Background(), f, root); code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, ios.ErrOut.(interface{ String() string }).String())
			}
			if c.want == nil {
				if got != nil {
					t.Error("ran")
				}
				return
			}
			if got == nil || !c.want(got) {
				t.Errorf("options %+v", got)
			}
		})
	}
}

// sandbox reset removes the saved world, says what it removed, and is
// refused, naming the run, while another run holds the world.
func TestSandboxReset(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "sandbox")
	env := map[string]string{"XRAY_WIZARD_STATE_DIR": base}
	reset := func() (int, string) {
		f, ios := testFactory(env)
		root := NewCmdRoot(f, nil)
		root.SetArgs([]string{"sandbox", "reset", "-y"})
		code := execute(context.Background(), f, root)
		return code, ios.ErrOut.(interface{ String() string }).String()
	}
	if code, out := reset(); code != ExitOK || !strings.Contains(out, "nothing to remove") {
		t.Errorf("no world: exit %d, %q", code, out)
	}
	st, err := sandbox.OpenState(dir, "xray-wizard --sandbox")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(&sandbox.World{Version: sandbox.WorldVersion}); err != nil {
		t.Fatal(err)
	}
	code, out := reset()
	if code != ExitUsage || !strings.Contains(out, fmt.Sprintf("pid %d (xray-wizard --sandbox)", os.Getpid())) {
		t.Errorf("while held: exit %d, %q", code, out)
	}
	st.Close()
	code, out = reset()
	if code != ExitOK || !strings.Contains(out, "Removed "+filepath.Join(dir, "world.json")) || !strings.Contains(out, "IAM roles") {
		t.Errorf("exit %d, %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "world.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("world.json: %v", err)
	}
}
