package steps

import (
	"net/url"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/xray-wizard/xray-wizard/kube"
)

func TestRoleNameFitsIAM(t *testing.T) {
	short := RoleName("eksworkshop-eksctl", "default", "xray-daemon")
	if short != "xray-wizard-eksworkshop-eksctl-default-xray-daemon" {
		t.Errorf("short name = %q", short)
	}
	long := RoleName(strings.Repeat("c", 100), "default", "xray-daemon")
	if len(long) != 64 {
		t.Errorf("long name has %d chars, want 64", len(long))
	}
	if long == RoleName(strings.Repeat("c", 99)+"d", "default", "xray-daemon") {
		t.Error("two clusters share a role name")
	}
	if long != RoleName(strings.Repeat("c", 100), "default", "xray-daemon") {
		t.Error("role name is not deterministic")
	}
}

func TestTrustDiff(t *testing.T) {
	want := irsaTrust("arn:aws:iam::1:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/AB", "oidc.eks.us-west-2.amazonaws.com/id/AB", "default", "xray-daemon")
	if d := trustDiff(url.QueryEscape(want.JSON()), want); d != "" {
		t.Errorf("same policy, URL-encoded as IAM returns it, differs: %s", d)
	}
	other := irsaTrust("arn:aws:iam::1:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/AB", "oidc.eks.us-west-2.amazonaws.com/id/AB", "default", "other")
	d := trustDiff(other.JSON(), want)
	if !strings.Contains(d, ":sub = system:serviceaccount:default:other, want system:serviceaccount:default:xray-daemon") {
		t.Errorf("sub mismatch not named: %q", d)
	}
}

func TestDaemonManifest(t *testing.T) {
	o, err := LoadDaemonManifest("tracing", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	var ds appsv1.DaemonSet
	var svc corev1.Service
	var cm corev1.ConfigMap
	for obj, into := range map[*kube.Object]runtime.Object{o.DaemonSet: &ds, o.Service: &svc, o.ConfigMap: &cm} {
		if err := obj.Into(into); err != nil {
			t.Fatalf("the manifest's %s is not a valid one: %v", obj.Kind(), err)
		}
	}
	if ds.Namespace != "tracing" || svc.Namespace != "tracing" || cm.Namespace != "tracing" {
		t.Error("namespace not set on every object")
	}
	cfg := cm.Data["config.yaml"]
	for _, want := range []string{`Region: "eu-west-1"`, `UDPAddress: "0.0.0.0:2000"`, `TCPAddress: "0.0.0.0:2000"`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config.yaml lacks %s:\n%s", want, cfg)
		}
	}
	c := ds.Spec.Template.Spec.Containers[0]
	if ds.Spec.Template.Spec.ServiceAccountName != ServiceAccountName {
		t.Error("daemon does not run as its service account")
	}
	// The ECR image is built FROM scratch: only /xray exists in it.
	if strings.HasPrefix(c.Image, "public.ecr.aws/") && c.Command[0] != "/xray" {
		t.Errorf("image %s with command %v: the command does not exist in that image", c.Image, c.Command)
	}
	if !strings.Contains(c.Image, ":") || strings.HasSuffix(c.Image, ":latest") {
		t.Errorf("image %s is not pinned", c.Image)
	}
	if c.Resources.Limits == nil || c.Resources.Requests == nil {
		t.Error("no requests and limits")
	}
	protos := map[corev1.Protocol]bool{}
	for _, p := range svc.Spec.Ports {
		if p.Port == 2000 {
			protos[p.Protocol] = true
		}
	}
	if !protos[corev1.ProtocolUDP] || !protos[corev1.ProtocolTCP] {
		t.Errorf("service ports: %v, want 2000 UDP and TCP", protos)
	}
	y, err := o.ManifestYAML()
	if err != nil || strings.Count(y, "\n---\n") != 2 {
		t.Errorf("ManifestYAML: %v\n%s", err, y)
	}
}

func TestAppURL(t *testing.T) {
	svc := &corev1.Service{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}}}
	if u := AppURL(svc); u != "" {
		t.Errorf("no ingress yet: %q", u)
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{Hostname: "a1b2.us-west-2.elb.amazonaws.com"}}
	if u := AppURL(svc); u != "http://a1b2.us-west-2.elb.amazonaws.com/" {
		t.Errorf("hostname: %q", u)
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "127.0.0.1"}}
	svc.Spec.Ports[0].Port = 8080
	if u := AppURL(svc); u != "http://127.0.0.1:8080/" {
		t.Errorf("ip and port: %q", u)
	}
}

func TestEKSClusterFromKube(t *testing.T) {
	cases := []struct{ cluster, region, want string }{
		{"arn:aws:eks:us-west-2:123456789012:cluster/eksworkshop-eksctl", "us-west-2", "eksworkshop-eksctl"},
		{"arn:aws:eks:us-east-1:123456789012:cluster/eksworkshop-eksctl", "us-west-2", ""},
		{"eksworkshop-eksctl.us-west-2.eksctl.io", "us-west-2", "eksworkshop-eksctl"},
		{"kind-kind", "us-west-2", ""},
	}
	for _, c := range cases {
		if got := EKSClusterFromKube(c.cluster, "", c.region); got != c.want {
			t.Errorf("EKSClusterFromKube(%q, %q) = %q, want %q", c.cluster, c.region, got, c.want)
		}
	}
}

func TestPodTable(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	ready := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon-b", CreationTimestamp: metav1.NewTime(now)},
		Spec:       corev1.PodSpec{NodeName: "n2"},
		Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions:        []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
			ContainerStatuses: []corev1.ContainerStatus{{Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}},
	}
	crash := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon-a"},
		Spec:       corev1.PodSpec{NodeName: "n1"},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{
			RestartCount: 4,
			State:        corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 40s restarting failed container"}},
			LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				Message: `exec: "/usr/bin/xray": stat /usr/bin/xray: no such file or directory`}},
		}}},
	}
	ds := &appsv1.DaemonSet{Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 3}}
	tab := PodTableOf([]*corev1.Pod{ready, crash}, ds)
	if tab.Ready != 1 || tab.Desired != 3 || len(tab.Rows) != 2 {
		t.Fatalf("table = %+v", tab)
	}
	if r := tab.Rows[0]; r.Name != "xray-daemon-a" || r.Phase != "CrashLoopBackOff" || r.Restarts != 4 || r.Ready {
		t.Errorf("crashing pod row = %+v", r)
	}
	if r := tab.Rows[1]; r.Phase != "Running" || !r.Ready || r.Node != "n2" || !r.Created.Equal(now) {
		t.Errorf("ready pod row = %+v", r)
	}
}

func TestSelect(t *testing.T) {
	ss, err := Select("traces, oidc")
	if err != nil || len(ss) != 2 || ss[0].ID() != "oidc" || ss[1].ID() != "traces" {
		t.Errorf("Select = %v, %v", ss, err)
	}
	if _, err := Select("oidc,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown step: %v", err)
	}
	if ss, _ := Select(""); len(ss) != 8 {
		t.Errorf("all steps: %d", len(ss))
	}
}
