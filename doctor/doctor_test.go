package doctor_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/steptest"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// startSandbox starts a practice sandbox with fast pacing for tests.
func startSandbox(t *testing.T) *sandbox.Sandbox { return steptest.Start(t) }

// newEnv is the clients of the sandbox, with short timeouts.
func newEnv(sb *sandbox.Sandbox, opts steps.Options) *steps.Env { return steptest.Env(sb, opts) }

// events drops what a run reports: these tests look at the doctor.
type events struct{}

func (*events) Report(flow.Event) {}

// setUp runs the whole wizard on a fresh sandbox: a working setup, with
// the workshop sampling rule and traces in X-Ray.
func setUp(t *testing.T) (*sandbox.Sandbox, *steps.Env) {
	t.Helper()
	return setUpWith(t, steps.Options{SamplingRule: steps.SamplingRecordAll})
}

// setUpWith is setUp with the wizard's options.
func setUpWith(t *testing.T, opts steps.Options) (*sandbox.Sandbox, *steps.Env) {
	t.Helper()
	sb := startSandbox(t)
	env := newEnv(sb, opts)
	env.PodLog = func(_ context.Context, ns, pod string) string { return strings.Join(sb.Cluster.PodLog(ns, pod), "\n") }
	sum := (&steps.Runner{Env: env, Steps: steps.All()}).Run(context.Background(), &events{})
	if sum.Failed() {
		t.Fatalf("the wizard failed on the sandbox: %+v", sum.Steps)
	}
	return sb, env
}

func findings(d flow.Diagnosis) map[string]flow.Finding {
	out := map[string]flow.Finding{}
	for _, f := range d.Findings {
		out[f.ID] = f
	}
	return out
}

// diagnose runs the doctor and checks the one finding the case is about,
// and that every other check that failed is one the case explains.
func diagnose(t *testing.T, env *steps.Env, id string, status flow.CheckStatus, wants ...string) flow.Diagnosis {
	t.Helper()
	return diagnoseIn(t, doctor.Input{Env: env}, id, status, wants...)
}

// diagnoseIn is diagnose with the doctor's whole input.
func diagnoseIn(t *testing.T, in doctor.Input, id string, status flow.CheckStatus, wants ...string) flow.Diagnosis {
	t.Helper()
	d := doctor.Diagnose(context.Background(), in, nil)
	f := findings(d)[id]
	if f.Status != status {
		b, _ := json.MarshalIndent(d.Findings, "", "  ")
		t.Fatalf("%s: %s, want %s\n%s", id, f.Status, status, b)
	}
	text := f.Summary + " | " + strings.Join(f.Evidence, " | ") + " | " + f.Fix + " | " + f.Command
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q: %s", id, w, text)
		}
	}
	if status != flow.CheckOK && (f.Fix == "" || f.Command == "") && status != flow.CheckSkip {
		t.Errorf("%s: no fix or command: %+v", id, f)
	}
	return d
}

// A setup the wizard made is healthy: every check ok.
func TestDoctorHealthy(t *testing.T) {
	_, env := setUp(t)
	d := doctor.Diagnose(context.Background(), doctor.Input{Env: env}, nil)
	if len(d.Findings) != len(doctor.CheckIDs()) {
		t.Fatalf("%d findings for %d checks", len(d.Findings), len(doctor.CheckIDs()))
	}
	for _, f := range d.Findings {
		if f.Status != flow.CheckOK {
			t.Errorf("%s: %s %s %v", f.ID, f.Status, f.Summary, f.Evidence)
		}
		if f.Title == "" || f.Summary == "" {
			t.Errorf("%s: no title or summary", f.ID)
		}
	}
	if !d.Healthy() {
		t.Error("not healthy")
	}
}

// The failure modes of the lab, each made for real on the sandbox's cluster
// and AWS account, each named with its fix.
func TestDoctorNamesEachFailure(t *testing.T) {
	ctx := context.Background()
	patchDS := func(t *testing.T, sb *sandbox.Sandbox, patch string) {
		t.Helper()
		if _, err := sb.Clientset().AppsV1().DaemonSets("default").Patch(ctx, "xray-daemon", types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor := func(t *testing.T, what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s did not happen", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	podsSay := func(sb *sandbox.Sandbox, s string) func() bool {
		return func() bool { return strings.Contains(strings.Join(sb.Cluster.DaemonLog(), "\n"), s) }
	}

	t.Run("lab image with the Docker Hub command", func(t *testing.T) {
		sb, env := setUp(t)
		patchDS(t, sb, `{"spec":{"template":{"spec":{"containers":[{"name":"xray-daemon","command":["/usr/bin/xray","-c","/aws/xray/config.yaml"]}]}}}}`)
		waitFor(t, "a crash", func() bool {
			pods, _ := sb.Clientset().CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=xray-daemon"})
			for _, p := range pods.Items {
				if steps.PodRowOf(&p).Phase == "CrashLoopBackOff" || steps.PodRowOf(&p).Phase == "RunContainerError" {
					return true
				}
			}
			return false
		})
		diagnose(t, env, "daemonset", flow.CheckFail, "/usr/bin/xray", "/xray", "no such file")
	})
	t.Run("no region in the config", func(t *testing.T) {
		sb, env := setUp(t)
		cm, err := sb.Clientset().CoreV1().ConfigMaps("default").Get(ctx, "xray-config", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range cm.Data {
			cm.Data[k] = strings.Replace(v, `Region: "us-west-2"`, `Region: ""`, 1)
		}
		if _, err := sb.Clientset().CoreV1().ConfigMaps("default").Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		// Without IRSA's environment (AWS_REGION) either, as the lab's
		// daemon ran: it asks the instance metadata, which pods cannot reach.
		if _, err := sb.Clientset().CoreV1().ServiceAccounts("default").Patch(ctx, "xray-daemon", types.MergePatchType,
			[]byte(`{"metadata":{"annotations":{"eks.amazonaws.com/role-arn":null}}}`), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		patchDS(t, sb, `{"spec":{"template":{"metadata":{"annotations":{"restart":"1"}}}}}`)
		waitFor(t, "the daemon to miss its region", podsSay(sb, "Cannot fetch region variable"))
		diagnose(t, env, "region", flow.CheckFail, "Cannot fetch region variable", "Region: us-west-2")
	})
	t.Run("no OIDC provider", func(t *testing.T) {
		_, env := setUp(t)
		arn, _, err := env.ProviderARN(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.IAM.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
		diagnose(t, env, "oidc", flow.CheckFail, "associate-iam-oidc-provider", arn)
	})
	t.Run("service account without the annotation", func(t *testing.T) {
		sb, env := setUp(t)
		if _, err := sb.Clientset().CoreV1().ServiceAccounts("default").Patch(ctx, "xray-daemon", types.MergePatchType,
			[]byte(`{"metadata":{"annotations":{"eks.amazonaws.com/role-arn":null}}}`), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		diagnose(t, env, "role", flow.CheckFail, "no IAM role annotation", "iamsa")
	})
	t.Run("trust with another service account", func(t *testing.T) {
		sb, env := setUp(t)
		sa, _ := sb.Clientset().CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
		arn := sa.Annotations["eks.amazonaws.com/role-arn"]
		role := arn[strings.LastIndex(arn, "/")+1:]
		out, err := env.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := url.QueryUnescape(aws.ToString(out.Role.AssumeRolePolicyDocument))
		doc = strings.Replace(doc, "system:serviceaccount:default:xray-daemon", "system:serviceaccount:default:xray", 1)
		if _, err := env.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
		patchDS(t, sb, `{"spec":{"template":{"metadata":{"annotations":{"restart":"2"}}}}}`)
		diagnose(t, env, "role", flow.CheckFail, "sub", "system:serviceaccount:default:xray")
	})
	t.Run("app without the daemon address", func(t *testing.T) {
		sb, env := setUp(t)
		deps, _ := sb.Clientset().AppsV1().Deployments("workshop").List(ctx, metav1.ListOptions{})
		d := deps.Items[0]
		for i := range d.Spec.Template.Spec.Containers {
			c := &d.Spec.Template.Spec.Containers[i]
			var keep []corev1.EnvVar
			for _, e := range c.Env {
				if e.Name != "AWS_XRAY_DAEMON_ADDRESS" {
					keep = append(keep, e)
				}
			}
			c.Env = keep
		}
		if _, err := sb.Clientset().AppsV1().Deployments("workshop").Update(ctx, &d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		diagnose(t, env, "app-address", flow.CheckFail, d.Name, "xray-service.default:2000", "kubectl set env")
	})
	t.Run("UDP-only Service", func(t *testing.T) {
		sb, env := setUp(t)
		svc, _ := sb.Clientset().CoreV1().Services("default").Get(ctx, "xray-service", metav1.GetOptions{})
		var udp []corev1.ServicePort
		for _, p := range svc.Spec.Ports {
			if p.Protocol == corev1.ProtocolUDP {
				udp = append(udp, p)
			}
		}
		svc.Spec.Ports = udp
		if _, err := sb.Clientset().CoreV1().Services("default").Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		diagnose(t, env, "service", flow.CheckFail, "UDP only", "sampling", "xray-wizard --steps daemonset,pods")
	})
	t.Run("cluster-admin binding from the lab", func(t *testing.T) {
		sb, env := setUp(t)
		crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon"},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "xray-daemon", Namespace: "default"}}}
		if _, err := sb.Clientset().RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		diagnose(t, env, "rbac", flow.CheckWarn, "cluster-admin", "kubectl delete clusterrolebinding xray-daemon")
	})
	t.Run("Cloud9 managed credentials", func(t *testing.T) {
		sb, env := setUp(t)
		getenv := func(k string) string {
			if k == "C9_HOSTNAME" {
				return "vfs.cloud9.us-west-2.amazonaws.com"
			}
			return ""
		}
		sb.AWS.SetFaults(sandbox.Fault{Action: "IAM.ListOpenIDConnectProviders", Rate: 1, Status: 403, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid"})
		diagnoseIn(t, doctor.Input{Env: env, Getenv: getenv}, "credentials", flow.CheckFail, "Cloud9", "AWS managed temporary credentials", "InvalidClientTokenId")
	})
	t.Run("traces looked for in another region", func(t *testing.T) {
		sb, _ := setUp(t)
		other := newEnv(sb, steps.Options{Region: "eu-west-1"})
		cfg := sb.AWSConfig()
		cfg.Region = "eu-west-1"
		other.UseAWS(cfg)
		other.PodLog = func(_ context.Context, ns, pod string) string { return strings.Join(sb.Cluster.PodLog(ns, pod), "\n") }
		diagnose(t, other, "traces", flow.CheckFail, "us-west-2", "Successfully sent batch")
	})
	t.Run("pods started before the role annotation", func(t *testing.T) {
		sb, env := setUp(t)
		sas := sb.Clientset().CoreV1().ServiceAccounts("default")
		sa, _ := sas.Get(ctx, "xray-daemon", metav1.GetOptions{})
		arn := sa.Annotations["eks.amazonaws.com/role-arn"]
		if _, err := sas.Patch(ctx, "xray-daemon", types.MergePatchType, []byte(`{"metadata":{"annotations":{"eks.amazonaws.com/role-arn":null}}}`), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		patchDS(t, sb, `{"spec":{"template":{"metadata":{"annotations":{"restart":"3"}}}}}`)
		waitFor(t, "pods without the role", func() bool {
			pods, _ := sb.Clientset().CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=xray-daemon"})
			n := 0
			for _, p := range pods.Items {
				if p.DeletionTimestamp == nil && !strings.Contains(p.Spec.String(), "AWS_ROLE_ARN") && steps.PodRowOf(&p).Ready {
					n++
				}
			}
			return n == 3
		})
		// The annotation comes back, as when eksctl runs after kubectl apply:
		// the running pods do not get it.
		if _, err := sas.Patch(ctx, "xray-daemon", types.MergePatchType, []byte(`{"metadata":{"annotations":{"eks.amazonaws.com/role-arn":"`+arn+`"}}}`), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		if sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "app")}).Run(ctx, &events{}); sum.Failed() {
			t.Fatalf("traffic: %+v", sum.Steps)
		}
		waitFor(t, "an upload refused", podsSay(sb, "AccessDenied"))
		d := diagnose(t, env, "pods-role", flow.CheckFail, "rollout restart", "before the role annotation")
		if f := findings(d)["daemon-log"]; f.Status != flow.CheckFail || !strings.Contains(f.Summary, "AccessDenied") {
			t.Errorf("daemon-log: %+v", f)
		}
	})
	t.Run("app pods with an address the deployment no longer has", func(t *testing.T) {
		sb, env := setUp(t)
		deps, _ := sb.Clientset().AppsV1().Deployments("workshop").List(ctx, metav1.ListOptions{})
		d := deps.Items[0]
		for i := range d.Spec.Template.Spec.Containers {
			for j := range d.Spec.Template.Spec.Containers[i].Env {
				if e := &d.Spec.Template.Spec.Containers[i].Env[j]; e.Name == "AWS_XRAY_DAEMON_ADDRESS" {
					e.Value = "xray-service.default.svc.cluster.local:2000"
				}
			}
		}
		if _, err := sb.Clientset().AppsV1().Deployments("workshop").Update(ctx, &d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		pods, _ := sb.Clientset().CoreV1().Pods("workshop").List(ctx, metav1.ListOptions{})
		stale := false
		for _, p := range pods.Items {
			stale = stale || strings.HasPrefix(p.Name, d.Name+"-") && !strings.Contains(p.Spec.String(), "svc.cluster.local")
		}
		if !stale {
			t.Fatal("the sandbox rolled the app's pods at once: the stale pod this case needs was not made")
		}
		diagnose(t, env, "app-restart", flow.CheckFail, d.Name, "rollout restart")
	})
	t.Run("no traces at all", func(t *testing.T) {
		sb := startSandbox(t)
		env := newEnv(sb, steps.Options{})
		env.PodLog = func(_ context.Context, ns, pod string) string { return strings.Join(sb.Cluster.PodLog(ns, pod), "\n") }
		if sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "preflight,oidc,iamsa,daemonset,pods")}).Run(ctx, &events{}); sum.Failed() {
			t.Fatalf("setup: %+v", sum.Steps)
		}
		d := diagnose(t, env, "traces", flow.CheckFail, "no traces", "xray-wizard traces")
		if f := findings(d)["daemon-log"]; f.Status != flow.CheckWarn {
			t.Errorf("daemon-log with no uploads: %+v", f)
		}
	})
}

func mustSelect(t *testing.T, ids string) []steps.Step { return steptest.Select(t, ids) }
