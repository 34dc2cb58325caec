package controlplane_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/e2e/controlplane"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/peers"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The doctor against real peers: a real API server (with kwok nodes) and
// moto for IAM and EKS. The wizard sets up the daemon; the doctor finds it
// healthy where it can look, then names each break made for real: the
// lab's cluster-admin binding (and the rbac/v1beta1 the server no longer
// serves), the Docker Hub command on the ECR image, a UDP-only Service, an
// app without the daemon address, a trust for another service account, and
// the OIDC provider gone.
func TestDoctorOnRealPeers(t *testing.T) {
	ctx := context.Background()
	cp := controlplane.Start(t, controlplane.Options{Nodes: 2})
	m := peers.StartMoto(t)
	cfg := aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(m.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTO", "moto", "")}
	if _, err := eks.NewFromConfig(cfg).CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("doctor"),
		RoleArn:            aws.String("arn:aws:iam::123456789012:role/eksctl-cluster-ServiceRole"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}}}); err != nil {
		t.Fatalf("moto CreateCluster: %v", err)
	}
	env := steps.NewEnv(cfg, cp.Kube, steps.Options{Cluster: "doctor", PodsTimeout: 90 * time.Second, AppNamespace: "workshop"})
	env.Thumbprint = func(context.Context, string) (string, error) { return "9e99a48a9960b14926bb7f3b02e22da2b0ab7280", nil }
	ss, _ := steps.Select("preflight,oidc,iamsa,daemonset,pods")
	sum := (&steps.Runner{Env: env, Steps: ss}).Run(ctx, &events{})
	for i, want := range []flow.Result{flow.Done, flow.Created, flow.Created, flow.Created} {
		if sum.Steps[i].Status != want {
			t.Fatalf("wizard: %+v", sum.Steps)
		}
	}
	// This API server has no EKS pod identity webhook: the pods step says
	// so once restarted pods still lack the role, rather than wait.
	if p := sum.Steps[4]; p.Status != flow.Failed || !strings.Contains(p.Detail, "no AWS_ROLE_ARN") || !strings.Contains(p.Fix, "webhook") {
		t.Fatalf("pods without a webhook: %+v", p)
	}
	// The sample app, as its lab deploys it, sending to the daemon.
	if _, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "workshop"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"app": "frontend"}
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "frontend"}, Spec: appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: labels},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "frontend", Image: "public.ecr.aws/sample/frontend:1",
			Env: []corev1.EnvVar{{Name: "AWS_XRAY_DAEMON_ADDRESS", Value: "xray-service.default:2000"}}}}}}}}
	if _, err := cp.Client.AppsV1().Deployments("workshop").Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	check := func(id string, want flow.CheckStatus, wants ...string) {
		t.Helper()
		d := doctor.Diagnose(ctx, doctor.Input{Env: env}, nil)
		for _, f := range d.Findings {
			if f.ID != id {
				continue
			}
			text := f.Summary + " | " + strings.Join(f.Evidence, " | ") + " | " + f.Fix + " | " + f.Command
			if f.Status != want {
				b, _ := json.MarshalIndent(f, "", "  ")
				t.Errorf("%s: %s, want %s\n%s", id, f.Status, want, b)
			}
			for _, w := range wants {
				if !strings.Contains(text, w) {
					t.Errorf("%s lacks %q: %s", id, w, text)
				}
			}
			return
		}
		t.Errorf("no finding %s", id)
	}
	for _, id := range []string{"cluster", "rbac", "daemonset", "region", "oidc", "role", "service", "app-address"} {
		check(id, flow.CheckOK)
	}
	check("pods-role", flow.CheckFail, "rollout restart")

	// The lab's binding, on a server that no longer serves rbac/v1beta1.
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "xray-daemon", Namespace: "default"}}}
	if _, err := cp.Client.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	check("rbac", flow.CheckWarn, "cluster-admin", "v1beta1 is not served", controlplane.Version)

	// The Docker Hub command on the ECR image.
	patch := `{"spec":{"template":{"spec":{"containers":[{"name":"xray-daemon","command":["/usr/bin/xray","-c","/aws/xray/config.yaml"]}]}}}}`
	if _, err := cp.Client.AppsV1().DaemonSets("default").Patch(ctx, "xray-daemon", types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	check("daemonset", flow.CheckFail, "/usr/bin/xray", "public.ecr.aws/xray/aws-xray-daemon")

	// A Service with UDP only.
	svc, err := cp.Client.CoreV1().Services("default").Get(ctx, "xray-service", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var udp []corev1.ServicePort
	for _, p := range svc.Spec.Ports {
		if p.Protocol == corev1.ProtocolUDP {
			udp = append(udp, p)
		}
	}
	svc.Spec.Ports = udp
	if _, err := cp.Client.CoreV1().Services("default").Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	check("service", flow.CheckFail, "UDP only")

	// The app sends to the daemon by a name without the namespace, from
	// another namespace.
	p := `{"spec":{"template":{"spec":{"containers":[{"name":"frontend","env":[{"name":"AWS_XRAY_DAEMON_ADDRESS","value":"xray-service:2000"}]}]}}}}`
	if _, err := cp.Client.AppsV1().Deployments("workshop").Patch(ctx, "frontend", types.StrategicMergePatchType, []byte(p), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	check("app-address", flow.CheckFail, "frontend", "xray-service.default:2000")

	// A trust for another service account, and then no OIDC provider.
	ic := iam.NewFromConfig(cfg)
	sa, _ := cp.Client.CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
	arn := sa.Annotations["eks.amazonaws.com/role-arn"]
	role := arn[strings.LastIndex(arn, "/")+1:]
	out, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := url.QueryUnescape(aws.ToString(out.Role.AssumeRolePolicyDocument))
	doc = strings.Replace(doc, "system:serviceaccount:default:xray-daemon", "system:serviceaccount:kube-system:xray-daemon", 1)
	if _, err := ic.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	check("role", flow.CheckFail, "kube-system", "sub")
	provs, err := ic.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(provs.OpenIDConnectProviderList) != 1 {
		t.Fatalf("providers: %v %v", provs, err)
	}
	if _, err := ic.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: provs.OpenIDConnectProviderList[0].Arn}); err != nil {
		t.Fatal(err)
	}
	check("oidc", flow.CheckFail, "associate-iam-oidc-provider")
}
