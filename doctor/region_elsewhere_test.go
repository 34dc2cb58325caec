package doctor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Lab point 9, time range: X-Ray holds traces, only from before the window
// looked at (the learner made traffic an hour ago). The doctor says so,
// with the newest trace's time and the --since that reaches it, instead
// of "no traces" — a warning: nothing is broken.
func TestDoctorTracesBeforeTheWindow(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	now := time.Now()
	newest := now.Add(-55 * time.Minute).Truncate(time.Second)
	// Traffic over ten minutes that ended 55 minutes ago.
	if _, err := sb.AWS.SeedTracesOver(200, newest.Add(-10*time.Minute), newest.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.AWS.SeedTracesOver(1, newest, newest); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sandbox bool
		command string
	}{{false, "xray-wizard traces --since 1h"}, {true, "xray-wizard traces --sandbox --since 1h"}} {
		d := doctor.Diagnose(context.Background(), doctor.Input{Env: env, Sandbox: c.sandbox}, nil)
		f := findings(d)["traces"]
		if f.Status != flow.CheckWarn || f.Command != c.command {
			t.Fatalf("traces (sandbox %v): %+v", c.sandbox, f)
		}
		at := newest.Local().Format(time.DateTime)
		for _, w := range []string{"no trace in the last 15m in us-west-2", "the newest from " + at, "55m ago"} {
			if !strings.Contains(f.Summary, w) {
				t.Errorf("summary lacks %q: %s", w, f.Summary)
			}
		}
		if !strings.Contains(f.Fix, "--since 1h") || !strings.Contains(f.Fix, at) {
			t.Errorf("fix: %s", f.Fix)
		}
	}
	// With a window that holds them, they are counted.
	wide := newEnv(sb, steps.Options{Since: time.Hour + time.Minute})
	if f := findings(doctor.Diagnose(context.Background(), doctor.Input{Env: wide}, nil))["traces"]; f.Status != flow.CheckOK {
		t.Errorf("traces with --since 1h1m: %+v", f)
	}
	// Older than the doctor looks back: no traces, as before.
	sb2 := startSandbox(t)
	if _, err := sb2.AWS.SeedTracesOver(20, now.Add(-30*time.Hour), now.Add(-26*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if f := findings(doctor.Diagnose(context.Background(), doctor.Input{Env: newEnv(sb2, steps.Options{})}, nil))["traces"]; f.Status != flow.CheckFail || !strings.Contains(f.Summary, "no traces") {
		t.Errorf("traces 26h ago: %+v", f)
	}
}

// Lab point 9, region: the daemon's config names another region than the
// cluster's (edited by hand), its pods restarted and uploaded there. The
// region check fails with the fix that puts the daemon back, and says
// where the traces went; with none in the window, the traces check says
// the same.
func TestDoctorDaemonInAnotherRegion(t *testing.T) {
	ctx := context.Background()
	sb, env := setUp(t)
	env.PodLog = func(_ context.Context, ns, pod string) string { return strings.Join(sb.Cluster.PodLog(ns, pod), "\n") }
	cms := sb.Clientset().CoreV1().ConfigMaps("default")
	cm, err := cms.Get(ctx, "xray-config", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(cm.Data["config.yaml"]), &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["Region"] = "ap-northeast-1"
	raw, _ := yaml.Marshal(cfg)
	cm.Data["config.yaml"] = string(raw)
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{FieldManager: "kubectl-edit"}); err != nil {
		t.Fatal(err)
	}
	// Before a restart the pods still upload to the cluster's region; the
	// config alone names the other.
	d := diagnose(t, env, "region", flow.CheckFail, "uploads to ap-northeast-1, not to us-west-2", "xray-wizard --steps daemonset,pods --force",
		"xray-wizard traces --region ap-northeast-1")
	if f := findings(d)["traces"]; f.Status != flow.CheckOK {
		t.Errorf("traces: %+v", f)
	}
	// The wizard's pods step restarts pods that started before their
	// config changed (as kubectl rollout restart would).
	if sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "pods")}).Run(ctx, &events{}); sum.Failed() || sum.Steps[0].Status != flow.Changed {
		t.Fatalf("restart: %+v", sum.Steps)
	}
	if sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "app")}).Run(ctx, &events{}); sum.Failed() {
		t.Fatalf("traffic: %+v", sum.Steps)
	}
	eventually(t, "uploads to ap-northeast-1", func() bool { return tracesIn(t, sb, "ap-northeast-1") > 0 })
	diagnose(t, env, "region", flow.CheckFail, "Using region: ap-northeast-1", "Successfully sent batch", "--steps daemonset,pods --force")

	// An hour on, the window holds none of the cluster's region's traces:
	// the traces check names the region too, with the same fix.
	later := newEnv(sb, steps.Options{})
	later.PodLog = env.PodLog
	later.Now = func() time.Time { return time.Now().Add(time.Hour) }
	diagnose(t, later, "traces", flow.CheckFail, "uploads to ap-northeast-1, not to us-west-2", "--steps daemonset,pods --force",
		"xray-wizard traces --region ap-northeast-1")
}

// eventually waits up to 20 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20s for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tracesIn is how many traces X-Ray holds in region from the last hour.
func tracesIn(t *testing.T, sb *sandbox.Sandbox, region string) int {
	t.Helper()
	cfg := sb.AWSConfig()
	cfg.Region = region
	out, err := xray.NewFromConfig(cfg).GetTraceSummaries(context.Background(), &xray.GetTraceSummariesInput{
		StartTime: aws.Time(time.Now().Add(-time.Hour)), EndTime: aws.Time(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.TraceSummaries)
}
