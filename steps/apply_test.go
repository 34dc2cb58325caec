package steps_test

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Another tool took over the daemon's config: the plan shows the conflict
// (from a server-side dry run), -y stops with the cause and the fix, and
// --force takes the field back; afterwards nothing is left to change.
func TestApplyConflictAndForce(t *testing.T) {
	sb := startSandbox(t)
	ctx := context.Background()
	if s := runSteps(t, newEnv(sb, steps.Options{}), "daemonset", nil).Steps[0]; s.Status != flow.Done {
		t.Fatalf("first apply: %+v", s)
	}
	other := corev1ac.ConfigMap("xray-config", "default").WithData(map[string]string{"config.yaml": "Region: eu-west-1\n"})
	if _, err := sb.Clientset().CoreV1().ConfigMaps("default").Apply(ctx, other, metav1.ApplyOptions{FieldManager: "helm", Force: true}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(sb, steps.Options{})
	plan, err := steps.DaemonSet{}.Plan(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	var conflict *flow.Change
	for i, c := range plan.Changes {
		if c.Kind == "ConfigMap" {
			conflict = &plan.Changes[i]
		}
	}
	if conflict == nil || conflict.Action != "conflict" || !strings.Contains(conflict.Detail, "helm") {
		t.Fatalf("plan = %+v", plan.Changes)
	}
	s := runSteps(t, env, "daemonset", nil).Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "another tool manages") || !strings.Contains(s.Fix, "--force") {
		t.Fatalf("conflict without --force: %+v", s)
	}
	cm, _ := sb.Clientset().CoreV1().ConfigMaps("default").Get(ctx, "xray-config", metav1.GetOptions{})
	if !strings.Contains(cm.Data["config.yaml"], "eu-west-1") {
		t.Error("the conflicting apply changed the ConfigMap")
	}
	if s := runSteps(t, newEnv(sb, steps.Options{Force: true}), "daemonset", nil).Steps[0]; s.Status != flow.Done {
		t.Fatalf("with --force: %+v", s)
	}
	cm, _ = sb.Clientset().CoreV1().ConfigMaps("default").Get(ctx, "xray-config", metav1.GetOptions{})
	if !strings.Contains(cm.Data["config.yaml"], `Region: "us-west-2"`) {
		t.Errorf("--force did not take the config back: %q", cm.Data["config.yaml"])
	}
	if s := runSteps(t, newEnv(sb, steps.Options{}), "daemonset", nil).Steps[0]; !strings.Contains(s.Detail, "already") {
		t.Errorf("after --force, a plain run still has changes: %+v", s)
	}
}
