package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Another tool took over the daemon's config: the plan shows the conflict
// (from a server-side dry run), -y stops with the cause and the fix, and
// --force takes the field back; afterwards nothing is left to change.
func TestApplyConflictAndForce(t *testing.T) {
	sb := startSandbox(t)
	ctx := context.Background()
	if s := runSteps(t, newEnv(sb, steps.Options{}), "daemonset", nil).Steps[0]; s.Status != flow.Created {
		t.Fatalf("first apply: %+v", s)
	}
	other := corev1ac.ConfigMap("xray-config", "default").WithData(map[string]string{"config.yaml": "Region: eu-west-1\n"})
	if _, err := sb.Clientset().CoreV1().ConfigMaps("default").Apply(ctx, ac(other), metav1.ApplyOptions{FieldManager: "helm", Force: true}); err != nil {
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
	if conflict == nil || conflict.Action != flow.ActConflict || !strings.Contains(conflict.Detail, "helm") {
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
	if s := runSteps(t, newEnv(sb, steps.Options{Force: true}), "daemonset", nil).Steps[0]; s.Status != flow.Changed {
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

// The daemon deployed before its role: its pods run without the role. The
// pods step finds them, offers the rollout restart, and after it traces
// arrive.
func TestRestartOfPodsWithoutRole(t *testing.T) {
	sb := startSandbox(t)
	if sum := runSteps(t, newEnv(sb, steps.Options{}), "preflight,daemonset,pods", nil); sum.Failed() {
		t.Fatalf("%+v", sum.Steps)
	}
	if sum := runSteps(t, newEnv(sb, steps.Options{}), "oidc,iamsa", nil); sum.Failed() {
		t.Fatalf("%+v", sum.Steps)
	}
	ev := &events{}
	env := newEnv(sb, steps.Options{Requests: 5})
	ss, _ := steps.Select("pods,app,traces")
	var asked []flow.Plan
	sum := (&steps.Runner{Env: env, Steps: ss, Confirm: recordYes{&asked}}).Run(context.Background(), ev)
	// The restart is a change the pods step made.
	wantStatuses(t, "after the role", sum, flow.Changed, flow.Done, flow.Done)
	if len(asked) != 1 || asked[0].Changes[0].Action != flow.ActRestart || !strings.Contains(asked[0].Commands[0], "rollout restart") {
		t.Fatalf("asked %+v", asked)
	}
	// The app samples by the account's Default rule: X-Ray has each trace
	// it recorded.
	if sampled := sb.Cluster.AppSampling()["Default"]; sum.Traces == nil || sampled.Requests != 5 || sum.Traces.Total != sampled.Sampled {
		t.Errorf("traces after the restart = %+v, the app sampled %+v", sum.Traces, sampled)
	}
}

type recordYes struct{ plans *[]flow.Plan }

func (r recordYes) Confirm(_ context.Context, _ flow.StepInfo, p flow.Plan) (flow.Consent, error) {
	*r.plans = append(*r.plans, p)
	return flow.Approved, nil
}

// The lab's best-known trap, made in the sandbox: the ECR image with the
// Docker Hub image's command. The pods crash; the step names the cause and
// the fix instead of waiting forever.
func TestCrashLoopIsExplained(t *testing.T) {
	sb := startSandbox(t)
	ctx := context.Background()
	if sum := runSteps(t, newEnv(sb, steps.Options{}), "preflight,oidc,iamsa,daemonset", nil); sum.Failed() {
		t.Fatalf("%+v", sum.Steps)
	}
	bad := appsv1ac.DaemonSet("xray-daemon", "default").WithSpec(appsv1ac.DaemonSetSpec().
		WithSelector(metav1ac.LabelSelector().WithMatchLabels(map[string]string{"app": "xray-daemon"})).
		WithTemplate(corev1ac.PodTemplateSpec().WithLabels(map[string]string{"app": "xray-daemon"}).WithSpec(corev1ac.PodSpec().
			WithServiceAccountName("xray-daemon").WithContainers(corev1ac.Container().WithName("xray-daemon").
			WithImage("public.ecr.aws/xray/aws-xray-daemon:3.6.6").WithCommand("/usr/bin/xray", "-c", "/aws/xray/config.yaml")))))
	if _, err := sb.Clientset().AppsV1().DaemonSets("default").Apply(ctx, ac(bad), metav1.ApplyOptions{FieldManager: "kubectl", Force: true}); err != nil {
		t.Fatal(err)
	}
	ev := &events{}
	env := newEnv(sb, steps.Options{PodsTimeout: 3 * time.Second})
	ss, _ := steps.Select("pods")
	sum := (&steps.Runner{Env: env, Steps: ss}).Run(ctx, ev)
	s := sum.Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "CrashLoopBackOff") || !strings.Contains(s.Fix, "kubectl logs") || !strings.Contains(s.Fix, "no such file") {
		t.Fatalf("pods = %+v", s)
	}
	said := false
	for _, w := range ev.of(flow.Warning) {
		if strings.Contains(w.Message, "CrashLoopBackOff") && strings.Contains(w.Message, "last log") {
			said = true
		}
	}
	if !said {
		t.Errorf("no warning with the crashing pod's log: %+v", ev.of(flow.Warning))
	}
	// The fix: apply the manifest again (kubectl owned the template now).
	if s := runSteps(t, newEnv(sb, steps.Options{Force: true}), "daemonset,pods", nil); s.Failed() {
		t.Errorf("after re-applying the manifest: %+v", s.Steps)
		pods, _ := sb.Clientset().CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		for _, p := range pods.Items {
			t.Logf("pod %s: deleting %v, %s, generation %s, node %s, command %v, containers %+v", p.Name, p.DeletionTimestamp, p.Status.Phase, p.Labels["pod-template-generation"], p.Spec.NodeName, p.Spec.Containers[0].Command, p.Status.ContainerStatuses)
		}
		ds, _ := sb.Clientset().AppsV1().DaemonSets("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
		t.Logf("DaemonSet: generation %d, status %+v", ds.Generation, ds.Status)
		evs, _ := sb.Clientset().CoreV1().Events("default").List(ctx, metav1.ListOptions{})
		for _, e := range evs.Items {
			t.Logf("event %s %s %s ×%d %s", e.LastTimestamp.Format("15:04:05.000"), e.Reason, e.InvolvedObject.Name, e.Count, e.Message)
		}
	}
}

// With EKS Pod Identity, daemon pods that started before the association
// have no agent address and run without the role: the pods step offers
// the same restart, saying why, and the restarted pods have it.
func TestRestartOfPodsBeforeTheAssociation(t *testing.T) {
	sb := startSandbox(t)
	pi := steps.Options{Identity: steps.IdentityPodIdentity}
	if sum := runSteps(t, newEnv(sb, pi), "preflight,daemonset,pods", nil); sum.Failed() {
		t.Fatalf("%+v", sum.Steps)
	}
	if sum := runSteps(t, newEnv(sb, pi), "iamsa", nil); sum.Failed() {
		t.Fatalf("%+v", sum.Steps)
	}
	env := newEnv(sb, pi)
	ss, _ := steps.Select("pods")
	var asked []flow.Plan
	sum := (&steps.Runner{Env: env, Steps: ss, Confirm: recordYes{&asked}}).Run(context.Background(), &events{})
	wantStatuses(t, "after the association", sum, flow.Changed)
	if len(asked) != 1 || asked[0].Changes[0].Action != flow.ActRestart || !strings.Contains(asked[0].Changes[0].Detail, "EKS Pod Identity association") {
		t.Fatalf("asked %+v", asked)
	}
	pods, err := sb.Clientset().CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{LabelSelector: "app=xray-daemon"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil {
			continue
		}
		has := false
		for _, e := range p.Spec.Containers[0].Env {
			has = has || e.Name == "AWS_CONTAINER_CREDENTIALS_FULL_URI"
		}
		if !has {
			t.Errorf("pod %s after the restart has no agent address", p.Name)
		}
	}
	// Run again: nothing to restart.
	asked = nil
	sum = (&steps.Runner{Env: newEnv(sb, pi), Steps: ss, Confirm: recordYes{&asked}}).Run(context.Background(), &events{})
	wantStatuses(t, "again", sum, flow.Done)
	if len(asked) != 0 {
		t.Errorf("asked again: %+v", asked)
	}
}
