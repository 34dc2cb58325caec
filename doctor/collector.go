package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The kinds of collector the doctor recognises, by their DaemonSets'
// images and names.
const (
	kindDaemon     = "X-Ray daemon"
	kindOtel       = "OpenTelemetry Collector (xray-wizard)"
	kindADOT       = "ADOT collector (adot add-on)"
	kindCloudWatch = "CloudWatch agent (amazon-cloudwatch-observability)"
	kindOtherOtel  = "OpenTelemetry Collector"
)

// xrayPolicies are the managed policies that allow PutTraceSegments and
// the sampling calls.
var xrayPolicies = []string{steps.XRayWritePolicy, "AWSXrayWriteOnlyAccess", "AWSXrayFullAccess", "CloudWatchAgentServerPolicy"}

// collectorSeen is one collector DaemonSet and what the doctor found of it.
type collectorSeen struct {
	kind, name string // name: namespace/name
	ds         *appsv1.DaemonSet
	problems   []string
}

// collectorKind names what a DaemonSet runs, or "".
func collectorKind(ds *appsv1.DaemonSet) string {
	for _, ct := range ds.Spec.Template.Spec.Containers {
		switch {
		case strings.Contains(ct.Image, "aws-xray-daemon"):
			return kindDaemon
		case strings.Contains(ct.Image, "cloudwatch-agent"):
			return kindCloudWatch
		case strings.Contains(ct.Image, "aws-otel-collector"):
			return kindADOT
		case strings.Contains(ct.Image, "opentelemetry-collector"):
			if ds.Name == steps.OtelDaemonSetName && ds.Labels[steps.ManagedByLabel] == steps.ManagedByValue {
				return kindOtel
			}
			return kindOtherOtel
		}
	}
	return ""
}

// port2000 says which protocols a DaemonSet's containers open on 2000.
func port2000(ds *appsv1.DaemonSet) (udp, tcp bool) {
	for _, ct := range ds.Spec.Template.Spec.Containers {
		for _, p := range ct.Ports {
			if p.ContainerPort == 2000 || p.HostPort == 2000 {
				udp = udp || p.Protocol == corev1.ProtocolUDP
				tcp = tcp || p.Protocol == "" || p.Protocol == corev1.ProtocolTCP
			}
		}
	}
	return udp, tcp
}

// configOf reads the config files of a DaemonSet's ConfigMap volumes.
func (d *dx) configOf(ctx context.Context, ds *appsv1.DaemonSet) []string {
	var out []string
	for _, v := range ds.Spec.Template.Spec.Volumes {
		if v.ConfigMap == nil {
			continue
		}
		cm, err := d.env.Kube.CoreV1().ConfigMaps(ds.Namespace).Get(ctx, v.ConfigMap.Name, metav1.GetOptions{})
		if err != nil {
			continue
		}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range cm.Data {
				if !yield(k) {
					return
				}
			}
		}) {
			out = append(out, cm.Data[k])
		}
	}
	return out
}

// otelProblems are the known failures of a Collector's config: the awsxray
// receiver on localhost (its default) and no region for the exporter.
func (d *dx) otelProblems(ds *appsv1.DaemonSet, configs []string) []string {
	var out []string
	for _, raw := range configs {
		var cfg struct {
			Receivers map[string]map[string]any `json:"receivers"`
			Exporters map[string]map[string]any `json:"exporters"`
		}
		if yaml.Unmarshal([]byte(raw), &cfg) != nil || cfg.Receivers == nil {
			continue
		}
		if xr, ok := cfg.Receivers["awsxray"]; ok {
			ep, _ := xr["endpoint"].(string)
			if ep == "" || strings.HasPrefix(ep, "localhost") || strings.HasPrefix(ep, "127.") {
				out = append(out, d.t(i18n.DxCollectorLocalhost, "awsxray endpoint", orDefault(ep)))
			}
			proxy, _ := xr["proxy_server"].(map[string]any)
			pep, _ := proxy["endpoint"].(string)
			if pep == "" || strings.HasPrefix(pep, "localhost") || strings.HasPrefix(pep, "127.") {
				out = append(out, d.t(i18n.DxCollectorLocalhost, "awsxray proxy_server.endpoint", orDefault(pep)))
			}
		}
		if ex, ok := cfg.Exporters["awsxray"]; ok {
			if r, _ := ex["region"].(string); r == "" && !containerEnv(ds, "AWS_REGION") {
				out = append(out, d.t(i18n.DxCollectorNoRegion))
			}
		}
	}
	return out
}

func orDefault(ep string) string {
	if ep == "" {
		return "localhost:2000 (default)"
	}
	return ep
}

func containerEnv(ds *appsv1.DaemonSet, name string) bool {
	for _, ct := range ds.Spec.Template.Spec.Containers {
		for _, e := range ct.Env {
			if e.Name == name && (e.Value != "" || e.ValueFrom != nil) {
				return true
			}
		}
	}
	return false
}

// cloudWatchTakesXRay: the agent's JSON config has traces_collected.xray,
// the only way it opens UDP/TCP 2000.
func cloudWatchTakesXRay(configs []string) bool {
	for _, raw := range configs {
		var cfg struct {
			Traces struct {
				TracesCollected map[string]json.RawMessage `json:"traces_collected"`
			} `json:"traces"`
		}
		if json.Unmarshal([]byte(raw), &cfg) == nil {
			if _, ok := cfg.Traces.TracesCollected["xray"]; ok {
				return true
			}
		}
	}
	return false
}

// rolePolicyProblem: the IRSA role of the DaemonSet's service account has
// none of the policies that allow PutTraceSegments.
func (d *dx) rolePolicyProblem(ctx context.Context, ds *appsv1.DaemonSet) string {
	sa := ds.Spec.Template.Spec.ServiceAccountName
	if sa == "" || d.env.IAM == nil {
		return ""
	}
	acct, err := d.env.Kube.CoreV1().ServiceAccounts(ds.Namespace).Get(ctx, sa, metav1.GetOptions{})
	if err != nil {
		return ""
	}
	arn := acct.Annotations[steps.RoleARNAnnotation]
	name := arn[strings.LastIndex(arn, "/")+1:]
	if name == "" {
		return ""
	}
	out, err := d.env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	if err != nil {
		return ""
	}
	var have []string
	for _, p := range out.AttachedPolicies {
		if slices.Contains(xrayPolicies, aws.ToString(p.PolicyName)) {
			return ""
		}
		have = append(have, aws.ToString(p.PolicyName))
	}
	return d.t(i18n.DxCollectorPolicy, name, strings.Join(have, ", "), steps.XRayWritePolicy)
}

// collector recognises which collectors run (every namespace's
// DaemonSets) and checks each one's known failures, and that only one
// claims port 2000.
func (d *dx) collector(ctx context.Context) flow.Finding {
	if d.env.Kube == nil {
		return d.skip(fmt.Errorf("%s", d.t(i18n.DxCollectorNoKube)))
	}
	list, err := d.env.Kube.AppsV1().DaemonSets(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if err != nil {
		return bad(flow.CheckWarn, d.t(i18n.DxCollectorUnread), "", "kubectl get daemonsets -A", err.Error())
	}
	var seen []collectorSeen
	claims := 0
	for i := range list.Items {
		ds := &list.Items[i]
		kind := collectorKind(ds)
		if kind == "" {
			continue
		}
		c := collectorSeen{kind: kind, name: ds.Namespace + "/" + ds.Name, ds: ds}
		udp, tcp := port2000(ds)
		configs := d.configOf(ctx, ds)
		switch kind {
		case kindCloudWatch:
			if !cloudWatchTakesXRay(configs) {
				c.problems = append(c.problems, d.t(i18n.DxCollectorCWNoXRay))
				udp, tcp = false, false
			} else {
				udp, tcp = true, true
			}
		case kindOtel, kindADOT, kindOtherOtel:
			c.problems = append(c.problems, d.otelProblems(ds, configs)...)
		}
		if tcp && !udp {
			c.problems = append(c.problems, d.t(i18n.DxCollectorTCPOnly))
		}
		if udp {
			claims++
		}
		if p := d.rolePolicyProblem(ctx, ds); p != "" {
			c.problems = append(c.problems, p)
		}
		seen = append(seen, c)
	}
	if len(seen) == 0 {
		return bad(flow.CheckFail, d.t(i18n.DxCollectorNone), d.t(i18n.DxCollectorNoneFix), "xray-wizard --steps daemonset,pods")
	}
	var ev, problems []string
	for _, c := range seen {
		ev = append(ev, c.kind+": daemonset "+c.name)
		for _, p := range c.problems {
			problems = append(problems, c.name+": "+p)
		}
	}
	if claims > 1 {
		problems = append(problems, d.t(i18n.DxCollectorTwo, claims))
	}
	if len(problems) > 0 {
		return bad(flow.CheckFail, problems[0], d.t(i18n.DxCollectorFix), "xray-wizard manifest --collector otel", append(problems[1:], ev...)...)
	}
	return ok(d.t(i18n.DxCollectorOK, seen[0].kind, seen[0].name), ev...)
}
