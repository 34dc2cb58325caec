package steps_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// A ServiceAccount made by another tool (Helm, eksctl, a person) that the
// wizard annotated with --override-existing-serviceaccounts keeps its own
// label through the wizard, and cleanup takes back only the annotation: the
// account stays.
func TestCleanupLeavesAForeignServiceAccount(t *testing.T) {
	for _, label := range []string{"Helm", "eksctl", ""} {
		t.Run("managed-by="+label, func(t *testing.T) {
			ctx := context.Background()
			sb := startSandbox(t)
			cs := sb.Clientset()
			sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon", Namespace: "default",
				Annotations: map[string]string{"meta.helm.sh/release-name": "tracing"}}}
			if label != "" {
				sa.Labels = map[string]string{"app.kubernetes.io/managed-by": label}
			}
			// Replace whatever the sandbox has with the other tool's account.
			_ = cs.CoreV1().ServiceAccounts("default").Delete(ctx, "xray-daemon", metav1.DeleteOptions{})
			if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, sa, metav1.CreateOptions{FieldManager: "helm"}); err != nil {
				t.Fatal(err)
			}
			env := newEnv(sb, steps.Options{OverrideExistingSA: true})
			sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "oidc,iamsa")}).Run(ctx, &events{})
			if sum.Failed() {
				t.Fatalf("wizard: %+v", sum.Steps)
			}
			got, _ := cs.CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
			if got.Labels["app.kubernetes.io/managed-by"] != label || got.Annotations["eks.amazonaws.com/role-arn"] == "" {
				t.Fatalf("after the wizard: labels %v annotations %v", got.Labels, got.Annotations)
			}
			plan, err := steps.Cleanup{}.Plan(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			var saChange *flow.Change
			for i, c := range plan.Changes {
				if c.Kind == "ServiceAccount" {
					saChange = &plan.Changes[i]
				}
			}
			if saChange == nil || saChange.Action != flow.ActUpdate || !strings.Contains(saChange.Detail, "metadata.annotations.eks.amazonaws.com/role-arn") {
				t.Fatalf("the plan does not say the account stays and loses the annotation: %+v", plan.Changes)
			}
			cleanup(t, env, false)
			got, err = cs.CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("cleanup deleted the other tool's account: %v", err)
			}
			if _, ok := got.Annotations["eks.amazonaws.com/role-arn"]; ok {
				t.Errorf("the wizard's annotation is still there: %v", got.Annotations)
			}
			if got.Labels["app.kubernetes.io/managed-by"] != label || got.Annotations["meta.helm.sh/release-name"] != "tracing" {
				t.Errorf("cleanup changed the other tool's fields: labels %v annotations %v", got.Labels, got.Annotations)
			}
			if again := cleanup(t, env, false); again.Status != flow.Unchanged {
				t.Errorf("second cleanup: %+v", again)
			}
		})
	}
}

// A DaemonSet someone else made, taken over with --force, is not the
// wizard's to delete: cleanup leaves it (its fields cannot all be taken
// back without breaking it) and says so.
func TestCleanupLeavesADaemonSetTakenOver(t *testing.T) {
	ctx := context.Background()
	sb := startSandbox(t)
	cs := sb.Clientset()
	lab := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon", Namespace: "default", Labels: map[string]string{"app": "xray-daemon"}},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "xray-daemon"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "xray-daemon"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "xray-daemon", Image: "amazon/aws-xray-daemon",
					Command: []string{"/usr/bin/xray", "-c", "/aws/xray/config.yaml"}}}},
			},
		},
	}
	if _, err := cs.AppsV1().DaemonSets("default").Create(ctx, lab, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(sb, steps.Options{Force: true})
	// The ConfigMap and the Service are new: the step created them.
	if s := runSteps(t, env, "daemonset", nil).Steps[0]; s.Status != flow.Created {
		t.Fatalf("--force: %+v", s)
	}
	ds, _ := cs.AppsV1().DaemonSets("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
	if _, ok := ds.Labels["app.kubernetes.io/managed-by"]; ok {
		t.Fatalf("the wizard marked the lab's DaemonSet as its own: %v", ds.Labels)
	}
	plan, err := steps.Cleanup{}.Plan(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range plan.Changes {
		if c.Kind == "DaemonSet" && c.Action == flow.ActDelete {
			t.Fatalf("the plan deletes the lab's DaemonSet: %+v", c)
		}
	}
	cleanup(t, env, false)
	after, err := cs.AppsV1().DaemonSets("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("cleanup deleted the lab's DaemonSet: %v", err)
	}
	if img := after.Spec.Template.Spec.Containers[0].Image; img != ds.Spec.Template.Spec.Containers[0].Image {
		t.Errorf("the DaemonSet changed under cleanup: image %s → %s", ds.Spec.Template.Spec.Containers[0].Image, img)
	}
	if !strings.Contains(plan.Note, "DaemonSet default/xray-daemon stays as it is") || !strings.Contains(plan.Note, "--force") {
		t.Errorf("the plan does not say why the DaemonSet stays: %q", plan.Note)
	}
	if again := cleanup(t, env, false); again.Status != flow.Unchanged {
		t.Errorf("second cleanup: %+v", again)
	}
}

// A run for another namespace left a role: cleanup for this namespace
// finds it, offers it in its plan, and removes it.
func TestCleanupFindsAnotherNamespacesRole(t *testing.T) {
	ctx := context.Background()
	sb := startSandbox(t)
	if _, err := sb.Clientset().CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "tracing"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	other := newEnv(sb, steps.Options{Namespace: "tracing"})
	if sum := (&steps.Runner{Env: other, Steps: mustSelect(t, "oidc,iamsa")}).Run(ctx, &events{}); sum.Failed() {
		t.Fatalf("wizard in tracing: %+v", sum.Steps)
	}
	role := steps.RoleName("eksworkshop-eksctl", "tracing", "xray-daemon")
	env := newEnv(sb, steps.Options{})
	plan, err := steps.Cleanup{}.Plan(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range plan.Changes {
		found = found || c.Kind == "IAM role" && c.Name == role && strings.Contains(c.Detail, "tracing")
	}
	if !found {
		t.Fatalf("the plan does not offer %s: %+v", role, plan.Changes)
	}
	cleanup(t, env, false)
	if _, err := env.IAM.GetRole(ctx, iamGetRole(role)); err == nil {
		t.Errorf("role %s is still there", role)
	}
}

func iamGetRole(name string) *iam.GetRoleInput { return &iam.GetRoleInput{RoleName: aws.String(name)} }
