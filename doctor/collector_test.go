package doctor

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/steps"
)

// manifestObjects are a collector's ConfigMap and DaemonSet as the wizard
// applies them.
func manifestObjects(t *testing.T, collector string) []runtime.Object {
	t.Helper()
	m, err := steps.LoadManifest(collector, "default", "us-west-2")
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	var ds appsv1.DaemonSet
	for _, c := range []struct {
		from *kube.Object
		to   any
	}{{m.ConfigMap, &cm}, {m.DaemonSet, &ds}} {
		raw, _ := yaml.Marshal(c.from.Map)
		if err := yaml.Unmarshal(raw, c.to); err != nil {
			t.Fatal(err)
		}
	}
	return []runtime.Object{&cm, &ds}
}

func collectorDS(ns, name, image string, ports ...corev1.ContainerPort) *appsv1.DaemonSet {
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	ds.Spec.Template.Spec.Containers = []corev1.Container{{Name: "c", Image: image, Ports: ports}}
	return ds
}

func withConfig(ds *appsv1.DaemonSet, cm string) *appsv1.DaemonSet {
	ds.Spec.Template.Spec.Volumes = []corev1.Volume{{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
		LocalObjectReference: corev1.LocalObjectReference{Name: cm}}}}}
	return ds
}

func cm(ns, name, key, data string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: map[string]string{key: data}}
}

// The collector check names which collector runs and each one's known
// failures.
func TestCollectorCheck(t *testing.T) {
	udp := corev1.ContainerPort{ContainerPort: 2000, Protocol: corev1.ProtocolUDP}
	tcp := corev1.ContainerPort{ContainerPort: 2000, Protocol: corev1.ProtocolTCP}
	localhostCfg := "receivers:\n  awsxray:\n    transport: udp\nexporters:\n  awsxray: {}\n"
	cases := []struct {
		name   string
		objs   func(t *testing.T) []runtime.Object
		status flow.CheckStatus
		want   []string
	}{
		{"the wizard's Collector", func(t *testing.T) []runtime.Object { return manifestObjects(t, steps.CollectorOtel) },
			flow.CheckOK, []string{"OpenTelemetry Collector (xray-wizard) runs"}},
		{"the daemon", func(t *testing.T) []runtime.Object { return manifestObjects(t, steps.CollectorDaemon) },
			flow.CheckOK, []string{"X-Ray daemon runs"}},
		{"both claim port 2000", func(t *testing.T) []runtime.Object {
			return append(manifestObjects(t, steps.CollectorDaemon), manifestObjects(t, steps.CollectorOtel)...)
		}, flow.CheckFail, []string{"2 collectors claim port 2000"}},
		{"receiver on localhost, no region", func(t *testing.T) []runtime.Object {
			return []runtime.Object{withConfig(collectorDS("obs", "collector", "otel/opentelemetry-collector-contrib:0.141.0", udp, tcp), "cfg"),
				cm("obs", "cfg", "config.yaml", localhostCfg)}
		}, flow.CheckFail, []string{"localhost:2000 (default)", "proxy_server.endpoint", "no region"}},
		{"ADOT with TCP 2000 only", func(t *testing.T) []runtime.Object {
			return []runtime.Object{collectorDS("adot", "my-collector", "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.0", tcp)}
		}, flow.CheckFail, []string{"only TCP 2000"}},
		{"CloudWatch agent without xray", func(t *testing.T) []runtime.Object {
			return []runtime.Object{withConfig(collectorDS("amazon-cloudwatch", "cloudwatch-agent", "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.3"), "cloudwatch-agent"),
				cm("amazon-cloudwatch", "cloudwatch-agent", "cwagentconfig.json", `{"logs":{}}`)}
		}, flow.CheckFail, []string{"traces_collected.xray"}},
		{"CloudWatch agent with xray", func(t *testing.T) []runtime.Object {
			return []runtime.Object{withConfig(collectorDS("amazon-cloudwatch", "cloudwatch-agent", "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.3"), "cloudwatch-agent"),
				cm("amazon-cloudwatch", "cloudwatch-agent", "cwagentconfig.json", `{"traces":{"traces_collected":{"xray":{}}}}`)}
		}, flow.CheckOK, []string{"CloudWatch agent"}},
		{"none", func(*testing.T) []runtime.Object { return nil }, flow.CheckFail, []string{"no collector runs"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := &steps.Env{Kube: kube.NewFake(c.objs(t)...), Opts: steps.Options{Namespace: "default", Lang: i18n.En}}
			d := &dx{env: env, ns: "default"}
			f := d.collector(context.Background())
			all := f.Summary + "\n" + strings.Join(f.Evidence, "\n")
			if f.Status != c.status {
				t.Errorf("status %s, want %s: %s", f.Status, c.status, all)
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("finding lacks %q:\n%s", w, all)
				}
			}
		})
	}
}
