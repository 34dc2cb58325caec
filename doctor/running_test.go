package doctor_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/sandbox/practice"
	"github.com/xray-wizard/xray-wizard/steps"
)

// setUpRunning runs the whole wizard with opts on a fresh sandbox, and returns the doctor's environment on it:
// the doctor has no --collector, it finds which collector runs;
// --identity is the doctor's flag too.
func setUpRunning(t *testing.T, opts steps.Options) (*sandbox.Sandbox, *steps.Env) {
	t.Helper()
	sb := startSandbox(t)
	env := newEnv(sb, opts)
	if sum := (&steps.Runner{Env: env, Steps: steps.All()}).Run(context.Background(), &events{}); sum.Failed() {
		t.Fatalf("the wizard failed on the sandbox: %+v", sum.Steps)
	}
	return sb, doctorEnv(sb, opts.Identity)
}

// doctorEnv is the environment the doctor command builds on sb.
func doctorEnv(sb *sandbox.Sandbox, identity string) *steps.Env {
	env := newEnv(sb, steps.Options{Identity: identity})
	env.PodLog = func(_ context.Context, ns, pod string) string { return strings.Join(sb.Cluster.PodLog(ns, pod), "\n") }
	return env
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen", what)
		}
	}
}

func logSays(sb *sandbox.Sandbox, s string) func() bool {
	return func() bool { return strings.Contains(strings.Join(sb.Cluster.DaemonLog(), "\n"), s) }
}

func restart(t *testing.T, sb *sandbox.Sandbox, ds, n string) {
	t.Helper()
	patch := `{"spec":{"template":{"metadata":{"annotations":{"restart":"` + n + `"}}}}}`
	if _, err := sb.Clientset().AppsV1().DaemonSets("default").Patch(context.Background(), ds, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}

// readyPods waits for n Ready pods of a label, none terminating.
func readyPods(t *testing.T, sb *sandbox.Sandbox, label string, n int, also func(corev1.Pod) bool) {
	t.Helper()
	waitUntil(t, label+" pods Ready", func() bool {
		pods, _ := sb.Clientset().CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{LabelSelector: label})
		ready := 0
		for _, p := range pods.Items {
			if p.DeletionTimestamp != nil {
				return false
			}
			if steps.PodRowOf(&p).Ready && (also == nil || also(p)) {
				ready++
			}
		}
		return ready == n
	})
}

func sendTraffic(t *testing.T, sb *sandbox.Sandbox, opts steps.Options) {
	t.Helper()
	if sum := (&steps.Runner{Env: newEnv(sb, opts), Steps: mustSelect(t, "app")}).Run(context.Background(), &events{}); sum.Failed() {
		t.Fatalf("traffic: %+v", sum.Steps)
	}
}

func unannotate(t *testing.T, sb *sandbox.Sandbox) string {
	t.Helper()
	sas := sb.Clientset().CoreV1().ServiceAccounts("default")
	sa, err := sas.Get(context.Background(), "xray-daemon", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sas.Patch(context.Background(), "xray-daemon", types.MergePatchType, []byte(`{"metadata":{"annotations":{"eks.amazonaws.com/role-arn":null}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	return sa.Annotations["eks.amazonaws.com/role-arn"]
}

// editCollectorConfig changes the Collector's config in its ConfigMap.
func editCollectorConfig(t *testing.T, sb *sandbox.Sandbox, edit func(cfg map[string]any)) {
	t.Helper()
	cms := sb.Clientset().CoreV1().ConfigMaps("default")
	cm, err := cms.Get(context.Background(), "otel-collector-config", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(cm.Data["collector.yaml"]), &cfg); err != nil {
		t.Fatal(err)
	}
	edit(cfg)
	raw, _ := yaml.Marshal(cfg)
	cm.Data["collector.yaml"] = string(raw)
	if _, err := cms.Update(context.Background(), cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func sub(cfg map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		cfg = cfg[k].(map[string]any)
	}
	return cfg
}

// A setup the wizard made is healthy whichever collector runs and however
// it gets its role, and the checks that read the collector are titled by
// it.
func TestDoctorHealthyEachCollector(t *testing.T) {
	for _, c := range []struct{ collector, identity, title string }{
		{steps.CollectorDaemon, steps.IdentityIRSA, "Daemon DaemonSet, image and command"},
		{steps.CollectorOtel, steps.IdentityIRSA, "Collector DaemonSet and pods"},
		{steps.CollectorDaemon, steps.IdentityPodIdentity, "Daemon DaemonSet, image and command"},
		{steps.CollectorOtel, steps.IdentityPodIdentity, "Collector DaemonSet and pods"},
	} {
		t.Run(c.collector+"/"+c.identity, func(t *testing.T) {
			// With the workshop sampling rule: on the Default rule the
			// sampling check explains sampling (a warning).
			_, env := setUpRunning(t, steps.Options{Collector: c.collector, Identity: c.identity, SamplingRule: steps.SamplingRecordAll})
			d := doctor.Diagnose(context.Background(), doctor.Input{Env: env}, nil)
			for _, f := range d.Findings {
				if f.Status != flow.CheckOK {
					t.Errorf("%s: %s %s %v", f.ID, f.Status, f.Summary, f.Evidence)
				}
			}
			f := findings(d)
			if f["daemonset"].Title != c.title {
				t.Errorf("daemonset titled %q, want %q", f["daemonset"].Title, c.title)
			}
			want := map[string]string{steps.IdentityIRSA: "trust and policy as IRSA needs", steps.IdentityPodIdentity: "trust, policy and the agent as EKS Pod Identity needs"}[c.identity]
			if !strings.Contains(f["role"].Summary, want) {
				t.Errorf("role: %q, want %q", f["role"].Summary, want)
			}
			if c.collector == steps.CollectorOtel && !strings.Contains(f["daemon-log"].Summary, "no failed export") {
				t.Errorf("daemon-log: %+v", f["daemon-log"])
			}
			// The Collector's world is not spoken of as the daemon's.
			if c.collector == steps.CollectorOtel {
				for _, id := range []string{"rbac", "pods-created", "app-restart"} {
					if daemonWord.MatchString(f[id].Title + " " + f[id].Summary) {
						t.Errorf("%s on the Collector's world: %q — %q", id, f[id].Title, f[id].Summary)
					}
				}
			}
		})
	}
}

// daemonWord is "daemon" as a word (not "daemonset", not a name such as
// xray-daemon's tail).
var daemonWord = regexp.MustCompile(`(?i)(^|[\s'])daemon\b`)

// With no collector at all, the daemonset check says so once; the checks
// that read a collector's objects only say they need one.
func TestDoctorNoCollectorSaidOnce(t *testing.T) {
	sb := startSandbox(t)
	d := doctor.Diagnose(context.Background(), doctor.Input{Env: doctorEnv(sb, steps.IdentityIRSA), Sandbox: true}, nil)
	said := 0
	for _, f := range d.Findings {
		if f.Status != flow.CheckSkip && (strings.Contains(f.Summary, "collector") || strings.Contains(f.Summary, "not deployed") || strings.Contains(f.Summary, "apps cannot reach")) {
			said++
		}
	}
	f := findings(d)
	if f["daemonset"].Status != flow.CheckFail || said != 1 {
		b, _ := json.MarshalIndent(d.Findings, "", "  ")
		t.Fatalf("no collector said %d times, want once by daemonset:\n%s", said, b)
	}
	if !strings.Contains(f["daemonset"].Summary, "neither daemonset xray-daemon nor otel-collector") || f["daemonset"].Command != "xray-wizard --sandbox --steps daemonset,pods -y" {
		t.Errorf("daemonset: %+v", f["daemonset"])
	}
	for _, id := range []string{"collector", "region", "pods-role", "daemon-log", "service"} {
		if f[id].Status != flow.CheckSkip || !strings.Contains(f[id].Summary, "no collector runs") {
			t.Errorf("%s: %s %q, want a skip naming no collector", id, f[id].Status, f[id].Summary)
		}
	}
}

// The Collector's failure modes, made for real on the sandbox, each named
// by the check that reads the Collector, with a fix for the Collector.
func TestDoctorNamesCollectorFailures(t *testing.T) {
	ctx := context.Background()
	otel := steps.Options{Collector: steps.CollectorOtel}
	t.Run("no region for the exporter", func(t *testing.T) {
		sb, env := setUpRunning(t, otel)
		editCollectorConfig(t, sb, func(cfg map[string]any) { delete(sub(cfg, "exporters", "awsxray"), "region") })
		unannotate(t, sb) // no IRSA, so no AWS_REGION in the pods either
		restart(t, sb, "otel-collector", "1")
		waitUntil(t, "the Collector to miss its region", logSays(sb, "ec2imds: GetRegion"))
		diagnose(t, env, "region", flow.CheckFail, "cannot find its region", "ec2imds: GetRegion", `exporters.awsxray.region: ""`,
			"region: us-west-2", "--steps daemonset,pods --collector otel")
		fixedBy(t, sb, env, "region")
	})
	t.Run("pods started before the role annotation", func(t *testing.T) {
		sb, env := setUpRunning(t, otel)
		arn := unannotate(t, sb)
		restart(t, sb, "otel-collector", "2")
		readyPods(t, sb, "app=otel-collector", 3, func(p corev1.Pod) bool { return !strings.Contains(p.Spec.String(), "AWS_ROLE_ARN") })
		if _, err := sb.Clientset().CoreV1().ServiceAccounts("default").Patch(ctx, "xray-daemon", types.MergePatchType,
			[]byte(`{"metadata":{"annotations":{"eks.amazonaws.com/role-arn":"`+arn+`"}}}`), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		sendTraffic(t, sb, otel)
		waitUntil(t, "an export refused", logSays(sb, "Exporting failed"))
		d := diagnose(t, env, "pods-role", flow.CheckFail, "Collector pods started before the role annotation", "kubectl rollout restart -n default daemonset/otel-collector")
		if f := findings(d)["daemon-log"]; f.Status != flow.CheckFail || !strings.Contains(f.Summary, "AccessDenied") || !strings.Contains(strings.Join(f.Evidence, " "), "PutTraceSegments") {
			t.Errorf("daemon-log: %+v", f)
		}
	})
	t.Run("trust with another service account", func(t *testing.T) {
		sb, env := setUpRunning(t, otel)
		sa, _ := sb.Clientset().CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
		arn := sa.Annotations["eks.amazonaws.com/role-arn"]
		role := arn[strings.LastIndex(arn, "/")+1:]
		out, err := env.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
		if err != nil {
			t.Fatal(err)
		}
		doc := strings.Replace(decoded(aws.ToString(out.Role.AssumeRolePolicyDocument)), "system:serviceaccount:default:xray-daemon", "system:serviceaccount:default:xray", 1)
		if _, err := env.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
		// Pods that start now get no credentials (running ones keep theirs).
		restart(t, sb, "otel-collector", "4")
		readyPods(t, sb, "app=otel-collector", 3, func(p corev1.Pod) bool { return p.Annotations["restart"] == "4" })
		sendTraffic(t, sb, otel)
		waitUntil(t, "the Collector to fail to assume its role", logSays(sb, "AssumeRoleWithWebIdentity"))
		d := diagnose(t, env, "role", flow.CheckFail, "sub", "--collector otel")
		if f := findings(d)["daemon-log"]; f.Status != flow.CheckFail || !strings.Contains(f.Summary, "cannot assume its role") || !strings.Contains(f.Command, "--collector otel") {
			t.Errorf("daemon-log: %+v", f)
		}
		fixedBy(t, sb, env, "role")
	})
	t.Run("UDP-only Service", func(t *testing.T) {
		sb, env := setUpRunning(t, otel)
		svcs := sb.Clientset().CoreV1().Services("default")
		svc, _ := svcs.Get(ctx, "xray-service", metav1.GetOptions{})
		var udp []corev1.ServicePort
		for _, p := range svc.Spec.Ports {
			if p.Protocol == corev1.ProtocolUDP {
				udp = append(udp, p)
			}
		}
		svc.Spec.Ports = udp
		if _, err := svcs.Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		diagnose(t, env, "service", flow.CheckFail, "UDP only", "through the Collector", "--steps daemonset,pods --collector otel")
		fixedBy(t, sb, env, "service")
	})
	t.Run("sampling proxy on the receiver's default", func(t *testing.T) {
		sb, env := setUpRunning(t, otel)
		editCollectorConfig(t, sb, func(cfg map[string]any) { delete(sub(cfg, "receivers", "awsxray", "proxy_server"), "endpoint") })
		d := diagnose(t, env, "service", flow.CheckFail, "sampling proxy listens on localhost:2000", "proxy_server.endpoint", "--collector otel")
		if f := findings(d)["collector"]; f.Status != flow.CheckFail || !strings.Contains(f.Summary, "proxy_server.endpoint") {
			t.Errorf("collector: %+v", f)
		}
		fixedBy(t, sb, env, "service")
	})
	t.Run("Service sends to the daemon's pods", func(t *testing.T) {
		sb, env := setUpRunning(t, otel)
		if _, err := sb.Clientset().CoreV1().Services("default").Patch(ctx, "xray-service", types.MergePatchType,
			[]byte(`{"spec":{"selector":{"app":"xray-daemon"}}}`), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		diagnose(t, env, "service", flow.CheckFail, "app=xray-daemon", "app=otel-collector", "--collector otel")
		fixedBy(t, sb, env, "service")
	})
	t.Run("traces looked for in another region", func(t *testing.T) {
		sb, _ := setUpRunning(t, otel)
		other := doctorEnv(sb, steps.IdentityIRSA)
		cfg := sb.AWSConfig()
		cfg.Region = "eu-west-1"
		other.UseAWS(cfg)
		diagnose(t, other, "traces", flow.CheckFail, "exports to us-west-2", "--region us-west-2")
	})
}

// decoded is a policy document as IAM returns it, URL-decoded.
func decoded(doc string) string {
	out, err := url.QueryUnescape(doc)
	if err != nil {
		return doc
	}
	return out
}

// EKS Pod Identity's failure modes, made for real on the sandbox, each
// named by the role check (or pods-role), with the wizard's fix for it.
func TestDoctorNamesPodIdentityFailures(t *testing.T) {
	ctx := context.Background()
	pi := steps.Options{Identity: steps.IdentityPodIdentity}
	cluster := func(t *testing.T, env *steps.Env) string {
		c, err := env.Cluster(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c.Name
	}
	association := func(t *testing.T, env *steps.Env) (id, role string) {
		list, err := env.EKS.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster(t, env)),
			Namespace: aws.String("default"), ServiceAccount: aws.String("xray-daemon")})
		if err != nil || len(list.Associations) != 1 {
			t.Fatalf("associations: %v %v", list, err)
		}
		out, err := env.EKS.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(cluster(t, env)), AssociationId: list.Associations[0].AssociationId})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Association.AssociationId), aws.ToString(out.Association.RoleArn)
	}
	roleName := func(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
	t.Run("no association", func(t *testing.T) {
		sb, env := setUpRunning(t, pi)
		id, _ := association(t, env)
		if _, err := env.EKS.DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(cluster(t, env)), AssociationId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
		d := diagnose(t, env, "role", flow.CheckFail, "no EKS Pod Identity association for service account default/xray-daemon", "--steps iamsa,pods --identity pod-identity")
		if f := findings(d)["pods-role"]; f.Status != flow.CheckSkip {
			t.Errorf("pods-role without an association: %+v", f)
		}
		fixedBy(t, sb, env, "role")
	})
	t.Run("trust without sts:TagSession, the Collector without credentials", func(t *testing.T) {
		opts := steps.Options{Identity: steps.IdentityPodIdentity, Collector: steps.CollectorOtel}
		sb, env := setUpRunning(t, opts)
		_, arn := association(t, env)
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		if _, err := env.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(roleName(arn)), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
		sendTraffic(t, sb, opts)
		waitUntil(t, "an export without credentials", logSays(sb, "Exporting failed"))
		d := diagnose(t, env, "role", flow.CheckFail, "does not trust EKS Pod Identity", "sts:TagSession", "trust pods.eks.amazonaws.com: sts:AssumeRole",
			"xray-wizard --steps iamsa,pods --identity pod-identity --collector otel")
		if f := findings(d)["role"]; strings.HasSuffix(f.Command, " -y") {
			t.Errorf("a trust is rewritten only when a person confirms it: %q", f.Command)
		}
		if f := findings(d)["daemon-log"]; f.Status != flow.CheckFail || !strings.Contains(f.Summary, "no AWS credentials") || !strings.Contains(strings.Join(f.Evidence, " "), "get credentials") {
			t.Errorf("daemon-log: %+v", f)
		}
		fixedBy(t, sb, env, "role")
	})
	t.Run("no policy that allows PutTraceSegments", func(t *testing.T) {
		sb, env := setUpRunning(t, pi)
		_, arn := association(t, env)
		pols, err := env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName(arn))})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pols.AttachedPolicies {
			if _, err := env.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(roleName(arn)), PolicyArn: p.PolicyArn}); err != nil {
				t.Fatal(err)
			}
		}
		diagnose(t, env, "role", flow.CheckFail, "none of which allows PutTraceSegments", "AWSXRayDaemonWriteAccess", "--identity pod-identity")
		fixedBy(t, sb, env, "role")
	})
	t.Run("no eks-pod-identity-agent add-on", func(t *testing.T) {
		sb, env := setUpRunning(t, pi)
		if _, err := env.EKS.DeleteAddon(ctx, &eks.DeleteAddonInput{ClusterName: aws.String(cluster(t, env)), AddonName: aws.String("eks-pod-identity-agent")}); err != nil {
			t.Fatal(err)
		}
		diagnose(t, env, "role", flow.CheckFail, "eks-pod-identity-agent add-on is not installed", "add-on eks-pod-identity-agent not found", "--steps iamsa,pods --identity pod-identity")
		fixedBy(t, sb, env, "role")
	})
	t.Run("pods started before the association", func(t *testing.T) {
		sb, env := setUpRunning(t, pi)
		id, arn := association(t, env)
		if _, err := env.EKS.DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(cluster(t, env)), AssociationId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
		restart(t, sb, "xray-daemon", "3")
		readyPods(t, sb, "app=xray-daemon", 3, func(p corev1.Pod) bool {
			return !strings.Contains(p.Spec.String(), "AWS_CONTAINER_CREDENTIALS_FULL_URI")
		})
		if _, err := env.EKS.CreatePodIdentityAssociation(ctx, &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster(t, env)),
			Namespace: aws.String("default"), ServiceAccount: aws.String("xray-daemon"), RoleArn: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
		diagnose(t, env, "pods-role", flow.CheckFail, "daemonset/xray-daemon: 3 pods started before the Pod Identity association", "kubectl rollout restart -n default daemonset/xray-daemon")
		fixedBy(t, sb, env, "pods-role")
	})
}

// yes is a person at the terminal who approves what the wizard asks.
type yes struct{}

func (yes) Confirm(context.Context, flow.StepInfo, flow.Plan) (flow.Consent, error) {
	return flow.Approved, nil
}

// runFix runs a fix the doctor printed for the sandbox as the command line
// would: the wizard's steps with the flags it names (without -y, a person
// approves what it asks), or the sandbox's kubectl. A flag the command
// line would not take fails the test.
func runFix(t *testing.T, sb *sandbox.Sandbox, command string) {
	t.Helper()
	ctx := context.Background()
	args := strings.Fields(command)
	if len(args) < 3 || args[0] != "xray-wizard" {
		t.Fatalf("not a command the sandbox runs: %q", command)
	}
	if args[1] == "sandbox" && args[2] == "kubectl" {
		if _, err := practice.Kubectl(ctx, sb.Clientset(), args[3:]); err != nil {
			t.Fatalf("%s: %v", command, err)
		}
		return
	}
	var opts steps.Options
	var ids string
	var confirm flow.Confirmer = yes{}
	for i := 1; i < len(args); i++ {
		value := func() string {
			if i+1 >= len(args) {
				t.Fatalf("%s: %s without a value", command, args[i])
			}
			i++
			return args[i]
		}
		switch args[i] {
		case "--sandbox":
		case "-y":
			confirm = flow.Always{}
		case "--force":
			opts.Force = true
		case "--steps":
			ids = value()
		case "--collector":
			opts.Collector = value()
		case "--identity":
			opts.Identity = value()
		default:
			t.Fatalf("%s: a flag this test does not know: %s", command, args[i])
		}
	}
	if sum := (&steps.Runner{Env: newEnv(sb, opts), Steps: mustSelect(t, ids), Sandbox: true, Confirm: confirm}).Run(ctx, &events{}); sum.Failed() {
		t.Fatalf("the fix %q failed: %+v", command, sum.Steps)
	}
}

// fixedBy runs the fix the doctor printed for check id on the sandbox and
// diagnoses again: the check is ok.
func fixedBy(t *testing.T, sb *sandbox.Sandbox, env *steps.Env, id string) {
	t.Helper()
	f := findings(doctor.Diagnose(context.Background(), doctor.Input{Env: env, Sandbox: true}, nil))[id]
	if f.Status == flow.CheckOK || f.Command == "" {
		t.Fatalf("%s: nothing to fix: %+v", id, f)
	}
	runFix(t, sb, f.Command)
	d := doctor.Diagnose(context.Background(), doctor.Input{Env: env, Sandbox: true}, nil)
	if got := findings(d)[id]; got.Status != flow.CheckOK {
		t.Errorf("%s after %q: %s %s %v", id, f.Command, got.Status, got.Summary, got.Evidence)
	}
}
