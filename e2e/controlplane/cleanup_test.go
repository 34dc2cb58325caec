package controlplane_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/e2e/controlplane"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/peers"
	"github.com/xray-wizard/xray-wizard/steps"
)

// On a real API server, with moto for IAM and EKS: a ServiceAccount Helm
// made and a DaemonSet kubectl made, both taken over by the wizard (with
// --override-existing-serviceaccounts and --force), stay through cleanup —
// the account loses only the wizard's annotation, the DaemonSet nothing —
// while what the wizard itself made goes.
func TestCleanupKeepsOtherToolsObjects(t *testing.T) {
	ctx := context.Background()
	cp := controlplane.Start(t, controlplane.Options{Nodes: 1})
	m := peers.StartMoto(t)
	cfg := aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(m.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTO", "moto", "")}
	if _, err := eks.NewFromConfig(cfg).CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("owners"),
		RoleArn:            aws.String("arn:aws:iam::123456789012:role/eksctl-cluster-ServiceRole"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}}); err != nil {
		t.Fatalf("moto CreateCluster: %v", err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon", Namespace: "default",
		Labels:      map[string]string{"app.kubernetes.io/managed-by": "Helm"},
		Annotations: map[string]string{"meta.helm.sh/release-name": "tracing"}}}
	must(cp.Client.CoreV1().ServiceAccounts("default").Create(ctx, sa, metav1.CreateOptions{FieldManager: "helm"}))
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
	must(cp.Client.AppsV1().DaemonSets("default").Create(ctx, lab, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"}))

	e := steps.NewEnv(cfg, cp.Kube, steps.Options{Cluster: "owners", OverrideExistingSA: true, Force: true})
	e.Thumbprint = func(context.Context, string) (string, error) { return "9e99a48a9960b14926bb7f3b02e22da2b0ab7280", nil }
	sum := run(e, "oidc,iamsa,daemonset", &events{})
	for _, s := range sum.Steps {
		if !s.Status.OK() {
			t.Fatalf("wizard: %+v", sum.Steps)
		}
	}
	got := must(cp.Client.CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{}))
	if got.Labels["app.kubernetes.io/managed-by"] != "Helm" || got.Annotations["eks.amazonaws.com/role-arn"] == "" {
		t.Fatalf("after the wizard: labels %v annotations %v", got.Labels, got.Annotations)
	}
	before := must(cp.Client.AppsV1().DaemonSets("default").Get(ctx, "xray-daemon", metav1.GetOptions{}))
	if _, ok := before.Labels["app.kubernetes.io/managed-by"]; ok {
		t.Fatalf("the wizard marked kubectl's DaemonSet as its own: %v", before.Labels)
	}

	sum = (&steps.Runner{Env: e, Steps: []steps.Step{steps.Cleanup{}}}).Run(ctx, &events{})
	if s := sum.Steps[0]; s.Status != flow.Changed {
		t.Fatalf("cleanup: %+v", s)
	}
	got = must(cp.Client.CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{}))
	if _, ok := got.Annotations["eks.amazonaws.com/role-arn"]; ok || got.Labels["app.kubernetes.io/managed-by"] != "Helm" ||
		got.Annotations["meta.helm.sh/release-name"] != "tracing" {
		t.Errorf("Helm's account after cleanup: labels %v annotations %v", got.Labels, got.Annotations)
	}
	after := must(cp.Client.AppsV1().DaemonSets("default").Get(ctx, "xray-daemon", metav1.GetOptions{}))
	if after.Generation != before.Generation || after.Spec.Template.Spec.Containers[0].Image != before.Spec.Template.Spec.Containers[0].Image {
		t.Errorf("cleanup changed kubectl's DaemonSet: generation %d → %d", before.Generation, after.Generation)
	}
	if _, err := cp.Client.CoreV1().ConfigMaps("default").Get(ctx, "xray-config", metav1.GetOptions{}); err == nil {
		t.Error("the wizard's ConfigMap is still there")
	}
	if _, err := cp.Client.CoreV1().Services("default").Get(ctx, "xray-service", metav1.GetOptions{}); err == nil {
		t.Error("the wizard's Service is still there")
	}
	if s := (&steps.Runner{Env: e, Steps: []steps.Step{steps.Cleanup{}}}).Run(ctx, &events{}).Steps[0]; s.Status != flow.Unchanged ||
		!strings.Contains(s.Detail, "nothing the wizard made is left") {
		t.Errorf("second cleanup: %+v", s)
	}
}
