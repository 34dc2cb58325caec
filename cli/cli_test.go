package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/iostreams"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/sandbox/practice"
	"github.com/xray-wizard/xray-wizard/steps"
)

// testFactory is a factory on buffers: no terminal, an environment of env.
// checkSandboxSub runs the root command with args, its sandbox subcommand
// name made by newCmd with a runF that keeps the options instead of
// running: the exit code must be code, and the options satisfy want (nil:
// the command must not have run).
func checkSandboxSub[O any](t *testing.T, f *Factory, ios *iostreams.IOStreams, name string,
	newCmd func(*Factory, func(context.Context, *O) error) *cobra.Command, args []string, code int, want func(*O) bool) {
	t.Helper()
	var got *O
	root := NewCmdRoot(f, nil)
	for _, sub := range root.Commands() {
		if sub.Name() == "sandbox" {
			for _, r := range sub.Commands() {
				if r.Name() == name {
					sub.RemoveCommand(r)
				}
			}
			sub.AddCommand(newCmd(f, func(_ context.Context, o *O) error { got = o; return nil }))
		}
	}
	root.SetArgs(args)
	if c := execute(context.Background(), f, root); c != code {
		t.Fatalf("exit %d, want %d; stderr %s", c, code, ios.ErrOut.(interface{ String() string }).String())
	}
	if want == nil {
		if got != nil {
			t.Error("ran")
		}
		return
	}
	if got == nil || !want(got) {
		t.Errorf("options %+v", got)
	}
}

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
			if o.Shared.Lang != i18n.En || o.Shared.Yes || o.Sandbox || o.DryRun || o.IdentityGiven || o.AcceptContext {
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
			"--lang", "ja", "--log-file", "/tmp/x.log", "--sampling-rule", "record-all", "--collector", "otel",
			"--tolerate", "nvidia.com/gpu=true:NoSchedule", "--tolerate", "dedicated:NoExecute"}, nil, func(t *testing.T, o *WizardOptions) {
			want := steps.Options{Cluster: "c1", Region: "eu-west-1", Profile: "p", Kubeconfig: "/k", Context: "ctx",
				Namespace: "ns", AppNamespace: "app", Identity: steps.IdentityPodIdentity, Requests: 7, Since: time.Hour,
				Filter: `service("Frontend")`, OverrideExistingSA: true, Force: true, PodsTimeout: time.Minute,
				TracesTimeout: 30 * time.Second, Lang: i18n.Ja, SamplingRule: steps.SamplingRecordAll, Collector: steps.CollectorOtel,
				Tolerations: []corev1.Toleration{
					{Key: "nvidia.com/gpu", Operator: corev1.TolerationOpEqual, Value: "true", Effect: corev1.TaintEffectNoSchedule},
					{Key: "dedicated", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}}}
			if got := o.stepOptions(); !reflect.DeepEqual(got, want) {
				t.Errorf("step options\n got %+v\nwant %+v", got, want)
			}
			if !o.Sandbox || !o.DryRun || !o.Shared.Yes || !o.Shared.json() || o.Shared.LogFile != "/tmp/x.log" || !o.IdentityGiven {
				t.Errorf("options: %+v", o)
			}
		}},
		{"--tolerate-all tolerates every taint", []string{"--tolerate-all"}, nil, func(t *testing.T, o *WizardOptions) {
			if got := o.stepOptions().Tolerations; len(got) != 1 || got[0] != steps.TolerateAll || got[0].Key != "" || got[0].Operator != corev1.TolerationOpExists {
				t.Errorf("tolerations = %+v", got)
			}
		}},
		{"--accept-context", []string{"--accept-context"}, nil, func(t *testing.T, o *WizardOptions) {
			if !o.AcceptContext || !o.stepOptions().AcceptContext {
				t.Errorf("--accept-context: %+v", o)
			}
		}},
		{"--non-interactive is -y's old name", []string{"--non-interactive"}, nil, func(t *testing.T, o *WizardOptions) {
			if !o.Shared.Yes {
				t.Error("--non-interactive did not set --yes")
			}
		}},
		{"--yes", []string{"--yes"}, nil, func(t *testing.T, o *WizardOptions) {
			if !o.Shared.Yes {
				t.Error("--yes not set")
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
	w := &WizardOptions{Shared: SharedOptions{}, Requests: 20, Identity: steps.IdentityIRSA, Since: 15 * time.Minute, StepList: "oidc",
		AppNamespace: "workshop", PodsTimeout: time.Minute, TracesTimeout: time.Minute}
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
	cmd.SetArgs([]string{"--listen", "localhost:9", "--latency", "5ms", "--seed-traces", "10", "--seed-span", "6h", "--seed-ago", "1h", "--throttle-rate", "2.5"})
	if code := execute(context.Background(), f, cmd); code != ExitOK || got == nil {
		t.Fatalf("exit %d", code)
	}
	if *got != (ServeOptions{Listen: "localhost:9", Latency: 5 * time.Millisecond, Seed: 10, SeedSpan: 6 * time.Hour, SeedAgo: time.Hour, Throttle: 2.5}) {
		t.Errorf("options: %+v", got)
	}
}

// counter is a server that counts the requests it gets and refuses them.
type counter struct {
	srv *httptest.Server
	n   atomic.Int64
}

func newCounter(t *testing.T) *counter {
	c := &counter{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		c.n.Add(1)
		http.Error(w, "counted", http.StatusBadRequest)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// badInputWorld is an environment where every call the wizard could make
// is counted: AWS through AWS_ENDPOINT_URL with keys that would be sent,
// Kubernetes through a kubeconfig (KUBECONFIG) naming a counting server.
// It returns the two counters and the environment the wizard reads
// through iostreams; the SDK reads the real process environment, set here.
func badInputWorld(t *testing.T) (aws, kube *counter, env map[string]string, dir string) {
	aws, kube, dir = newCounter(t), newCounter(t), t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	kubeconfig := write("kubeconfig", `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "`+kube.srv.URL+`"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: good, context: {cluster: c, user: u}}]
current-context: good
`)
	write("garbage", "this: is: not: a kubeconfig: [")
	awsConfig := write("aws-config", "[default]\nregion = us-west-2\n[profile mars]\nregion = mars-east-1\n")
	for k, v := range map[string]string{
		"HOME": dir, "AWS_ENDPOINT_URL": aws.srv.URL, "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_CONFIG_FILE": awsConfig,
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"), "AWS_EC2_METADATA_DISABLED": "true", "KUBECONFIG": kubeconfig,
	} {
		t.Setenv(k, v)
	}
	return aws, kube, map[string]string{"KUBECONFIG": kubeconfig, "HOME": dir}, dir
}

// The counters count: a good run calls AWS, a good doctor run calls the
// cluster (so zero calls below means none was made).
func TestBadInputWorldCounts(t *testing.T) {
	for _, args := range [][]string{{"--steps", "preflight", "-y"}, {"doctor"}} {
		aws, kube, env, _ := badInputWorld(t)
		f, _ := testFactory(env)
		root := NewCmdRoot(f, nil)
		root.SetArgs(args)
		code := execute(context.Background(), f, root)
		if code == ExitUsage || aws.n.Load() == 0 {
			t.Errorf("%v: exit %d, %d AWS calls", args, code, aws.n.Load())
		}
		if args[0] == "doctor" && kube.n.Load() == 0 {
			t.Errorf("doctor made no Kubernetes call")
		}
	}
}

// Bad input — flags, the environment, a kubeconfig: exit 2, one line
// naming what is wrong, and no call made to AWS or the cluster, by the
// real commands.
func TestBadInputRunsNothing(t *testing.T) {
	long := strings.Repeat("a", 64)
	cases := []struct {
		args []string
		env  map[string]string // over badInputWorld's; "$DIR" is its directory
		want string
	}{
		{[]string{"--bogus"}, nil, "unknown flag: --bogus"},
		{[]string{"extra"}, nil, "unknown command"},
		{[]string{"--steps", "oidc,nope"}, nil, `unknown step "nope"`},
		{[]string{"--steps", ","}, nil, "no steps selected"},
		{[]string{"--output", "xml"}, nil, `--output "xml"`},
		{[]string{"--lang", "xx"}, nil, `--lang "xx"`},
		{[]string{"--namespace", " "}, nil, "--namespace must not be empty"},
		{[]string{"--namespace", "../etc"}, nil, `--namespace "../etc" is not a Kubernetes namespace name`},
		{[]string{"--namespace", "Bad_NS"}, nil, `--namespace "Bad_NS" is not a Kubernetes namespace name`},
		{[]string{"--namespace", "-lead"}, nil, `--namespace "-lead"`},
		{[]string{"--namespace", "trail-"}, nil, `--namespace "trail-"`},
		{[]string{"--namespace", "kube_system"}, nil, `--namespace "kube_system"`},
		{[]string{"--namespace", "a.b"}, nil, `--namespace "a.b"`},
		{[]string{"--namespace", long}, nil, "--namespace \"" + long + "\""},
		{[]string{"--app-namespace", "Bad_NS"}, nil, `--app-namespace "Bad_NS"`},
		{[]string{"--app-namespace", ""}, nil, `--app-namespace ""`},
		{[]string{"doctor", "--app-namespace", "shop/x"}, nil, `--app-namespace "shop/x"`},
		{[]string{"cleanup", "--namespace", "../etc"}, nil, `--namespace "../etc"`},
		{[]string{"--sandbox", "--namespace", "Bad_NS"}, nil, `--namespace "Bad_NS"`},
		{[]string{"--cluster", "bad name!"}, nil, "not a valid EKS cluster name"},
		{[]string{"--region", "xx-nowhere-1"}, nil, `--region "xx-nowhere-1" is not an AWS region`},
		{[]string{"--region", "us-west-99"}, nil, `--region "us-west-99" is not an AWS region`},
		{[]string{"--region", "US-WEST-2"}, nil, `--region "US-WEST-2"`},
		{[]string{"--region", "aws-global"}, nil, `--region "aws-global"`},
		{[]string{"--sandbox", "--region", "us-west-99"}, nil, `--region "us-west-99"`},
		{[]string{"traces", "--region", "eu-nowhere-1"}, nil, `--region "eu-nowhere-1"`},
		{[]string{"doctor", "--region", "mars-east-1"}, nil, `--region "mars-east-1"`},
		{[]string{"cleanup", "--region", "nowhere"}, nil, `--region "nowhere"`},
		{[]string{"--identity", "kiam"}, nil, `--identity "kiam"`},
		{[]string{"--sandbox", "--accept-context"}, nil, "--accept-context: the practice sandbox has no kube context to accept"},
		{[]string{"cleanup", "--accept-context"}, nil, "unknown flag: --accept-context"},
		{[]string{"doctor", "--accept-context"}, nil, "unknown flag: --accept-context"},
		{[]string{"--requests", "0"}, nil, "--requests 0"},
		{[]string{"--sampling-rule", "all"}, nil, `--sampling-rule "all"`},
		{[]string{"--requests", "100001"}, nil, "--requests 100001"},
		{[]string{"--requests", "many"}, nil, "invalid argument"},
		{[]string{"--since", "0s"}, nil, "--since 0s"},
		{[]string{"--since", "721h"}, nil, "--since 721h0m0s"},
		{[]string{"--pods-timeout", "soon"}, nil, "invalid argument"},
		{[]string{"--pods-timeout", "-1s"}, nil, "--pods-timeout -1s: must be more than 0"},
		{[]string{"--pods-timeout", "0s"}, nil, "--pods-timeout 0s: must be more than 0"},
		{[]string{"--traces-timeout", "-5m"}, nil, "--traces-timeout -5m0s: must be more than 0"},
		{[]string{"--traces-timeout", "0"}, nil, "--traces-timeout 0s"},
		{[]string{"doctor", "--identity", "x"}, nil, `--identity "x"`},
		{[]string{"doctor", "--since", "-1m"}, nil, "--since -1m0s"},
		{[]string{"traces", "--since", "800h"}, nil, "--since 800h0m0s"},
		{[]string{"traces", "--output", "yaml"}, nil, `--output "yaml"`},
		{[]string{"--kubeconfig", "/nonexistent/kubeconfig"}, nil, `--kubeconfig "/nonexistent/kubeconfig": cannot read the kubeconfig`},
		{[]string{"--kubeconfig", "$DIR"}, nil, "cannot read the kubeconfig"},
		{[]string{"--kubeconfig", "$DIR/garbage"}, nil, "cannot read the kubeconfig"},
		{[]string{"doctor", "--kubeconfig", "/nonexistent/kubeconfig"}, nil, `--kubeconfig "/nonexistent/kubeconfig"`},
		{[]string{"cleanup", "--kubeconfig", "$DIR/garbage"}, nil, "cannot read the kubeconfig"},
		{[]string{"--context", "nosuch"}, nil, `--context "nosuch": no such context in the kubeconfig (its contexts: good)`},
		{[]string{"doctor", "--context", "nosuch"}, nil, `--context "nosuch"`},
		{[]string{"cleanup", "--context", "nosuch"}, nil, `--context "nosuch"`},
		{[]string{"--kubeconfig", "$DIR/kubeconfig", "--context", "other"}, nil, `--context "other"`},
		{nil, map[string]string{"KUBECONFIG": "/nonexistent/a" + string(filepath.ListSeparator) + "/nonexistent/b"}, "none of its files exists"},
		{nil, map[string]string{"KUBECONFIG": "$DIR/garbage"}, `KUBECONFIG "$DIR/garbage": cannot read the kubeconfig`},
		{[]string{"doctor"}, map[string]string{"KUBECONFIG": "/nonexistent/a"}, "KUBECONFIG=\"/nonexistent/a\""},
		{nil, map[string]string{"AWS_REGION": "us-west-99"}, `AWS_REGION "us-west-99" is not an AWS region`},
		{[]string{"doctor"}, map[string]string{"AWS_REGION": "moon-1"}, `AWS_REGION "moon-1"`},
		{[]string{"traces"}, map[string]string{"AWS_REGION": "us-west-99"}, `AWS_REGION "us-west-99"`},
		{nil, map[string]string{"AWS_REGION": "", "AWS_PROFILE": "mars"}, `the region of AWS profile "mars" "mars-east-1" is not an AWS region`},
		{nil, map[string]string{"AWS_PROFILE": "nosuch"}, `AWS_PROFILE="nosuch": no such AWS profile`},
		{[]string{"--profile", "nosuch"}, nil, `--profile "nosuch": no such AWS profile`},
		{[]string{"doctor", "--profile", "nosuch"}, nil, "or leave out --profile"},
		{[]string{"--log-file", "$DIR"}, nil, "--log-file"},
		{[]string{"--namespace", "Bad_NS"}, map[string]string{"LANG": "ja_JP.UTF-8"}, `--namespace "Bad_NS" は Kubernetes の namespace 名ではありません`},
		{[]string{"sandbox", "serve", "--listen", "10.0.0.1:80"}, nil, "loopback only"},
		{[]string{"sandbox", "serve", "--listen", "nohost"}, nil, `--listen "nohost"`},
		{[]string{"sandbox", "serve", "--latency", "2m"}, nil, "--latency 2m0s"},
		{[]string{"sandbox", "serve", "--seed-traces", "-1"}, nil, "--seed-traces -1"},
		{[]string{"sandbox", "serve", "--throttle-rate", "-1"}, nil, "--throttle-rate -1"},
		{[]string{"sandbox", "serve", "--seed-span", "-1h"}, nil, "--seed-span -1h0m0s"},
		{[]string{"sandbox", "serve", "--seed-span", "800h"}, nil, "--seed-span 800h0m0s"},
		{[]string{"sandbox", "serve", "--seed-ago", "-5s"}, nil, "--seed-ago -5s"},
		{[]string{"sandbox", "serve", "--seed-ago", "719h", "--seed-span", "2h"}, nil, "--seed-ago 719h0m0s"},
		{[]string{"sandbox", "reset"}, nil, "pass -y"},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d bad inputs", len(cases))
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " ")+fmt.Sprint(c.env), func(t *testing.T) {
			aws, kube, env, dir := badInputWorld(t)
			subst := func(s string) string { return strings.ReplaceAll(s, "$DIR", dir) }
			for k, v := range c.env {
				v = subst(v)
				env[k] = v
				t.Setenv(k, v)
			}
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = subst(a)
			}
			f, ios := testFactory(env)
			root := NewCmdRoot(f, nil)
			root.SetArgs(args)
			if code := execute(context.Background(), f, root); code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			stderr := ios.ErrOut.(interface{ String() string }).String()
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			if want := subst(c.want); len(lines) != 1 || !strings.Contains(lines[0], want) {
				t.Errorf("stderr %q, want one line with %q", stderr, want)
			}
			if n, m := aws.n.Load(), kube.n.Load(); n+m != 0 {
				t.Errorf("%d calls to AWS and %d to Kubernetes", n, m)
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
		sh := SharedOptions{Yes: c.yes}
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
			checkSandboxSub(t, f, ios, "reset", NewCmdSandboxReset, c.args, c.code, c.want)
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

// The opening screen's memory is a flag file in the config folder, under
// the test's own folders, never the real home.
func TestIntroMemory(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": dir, "HOME": "/nonexistent-home"}
	m := introMemory(func(k string) string { return env[k] })
	if m.path != filepath.Join(dir, "xray-wizard", "intro-seen") {
		t.Fatalf("path = %q", m.path)
	}
	if m.seen() {
		t.Fatal("seen before it was shown")
	}
	m.remember()
	if !m.seen() {
		t.Fatal("not remembered")
	}
	home := t.TempDir()
	m = introMemory(func(k string) string { return map[string]string{"HOME": home, "XDG_CONFIG_HOME": "relative"}[k] })
	if m.path != filepath.Join(home, ".config", "xray-wizard", "intro-seen") {
		t.Errorf("relative XDG_CONFIG_HOME not ignored: %q", m.path)
	}
	// With neither, nothing is read or written.
	m = introMemory(func(string) string { return "" })
	m.remember()
	if m.path != "" || m.seen() {
		t.Errorf("no home: %+v", m)
	}
}

func TestASCIIFlagAndEnvironment(t *testing.T) {
	ios, _, _, _ := iostreams.Test(map[string]string{"LANG": "ja_JP.UTF-8"})
	f := &Factory{IOStreams: ios}
	if !(&SharedOptions{}).ascii(f) {
		t.Error("a Japanese locale does not choose ASCII")
	}
	ios, _, _, _ = iostreams.Test(map[string]string{"LANG": "en_US.UTF-8"})
	f = &Factory{IOStreams: ios}
	if (&SharedOptions{}).ascii(f) || !(&SharedOptions{ASCII: true}).ascii(f) {
		t.Error("--ascii or its absence not honoured")
	}
}

func TestNewCmdSandboxBreakFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want func(o *BreakOptions) bool
	}{
		{"a mode", []string{"sandbox", "break", "ecr-command"}, ExitOK,
			func(o *BreakOptions) bool {
				return o.Mode.Name == "ecr-command" && o.Namespace == "default" && o.AppNamespace == "workshop" && o.Lang == i18n.En
			}},
		{"the root's --namespace and --lang, -y accepted", []string{"--namespace", "xray", "--lang", "ja", "sandbox", "break", "no-oidc", "-y", "--app-namespace", "shop"}, ExitOK,
			func(o *BreakOptions) bool {
				return o.Mode.Name == "no-oidc" && o.Namespace == "xray" && o.AppNamespace == "shop" && o.Lang == i18n.Ja && o.Yes
			}},
		{"--list", []string{"sandbox", "break", "--list"}, ExitOK, func(o *BreakOptions) bool { return o.List }},
		{"no mode", []string{"sandbox", "break"}, ExitUsage, nil},
		{"unknown mode", []string{"sandbox", "break", "everything"}, ExitUsage, nil},
		{"two modes", []string{"sandbox", "break", "no-oidc", "ecr-command"}, ExitUsage, nil},
		{"bad --app-namespace", []string{"sandbox", "break", "no-oidc", "--app-namespace", "Not_OK"}, ExitUsage, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ios := testFactory(nil)
			checkSandboxSub(t, f, ios, "break", NewCmdSandboxBreak, c.args, c.code, c.want)
		})
	}
}

// sandbox break --list: a line a mode, in English and Japanese.
func TestSandboxBreakList(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		f, ios := testFactory(nil)
		root := NewCmdRoot(f, nil)
		root.SetArgs([]string{"sandbox", "break", "--list", "--lang", lang})
		if code := execute(context.Background(), f, root); code != ExitOK {
			t.Fatalf("%s: exit %d", lang, code)
		}
		out := ios.Out.(interface{ String() string }).String()
		for _, m := range practice.Modes() {
			if n := strings.Count(out, "  "+m.Name+" "); n != 1 {
				t.Errorf("%s: %s on %d lines:\n%s", lang, m.Name, n, out)
			}
		}
		if lang == "ja" && !strings.Contains(out, "故障モード") {
			t.Errorf("ja: not Japanese:\n%s", out)
		}
	}
}
