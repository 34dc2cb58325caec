package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// nodesCommand shows the nodes' kinds.
const nodesCommand = "kubectl get nodes -L kubernetes.io/os,kubernetes.io/arch,eks.amazonaws.com/compute-type"

// collectorPods selects either collector's pods.
var collectorPods = fmt.Sprintf("app in (%s,%s)", steps.CollectorOf(steps.CollectorDaemon).App, steps.CollectorOf(steps.CollectorOtel).App)

// appNodes: the apps send to xray-service, whose internalTrafficPolicy is
// Local: only to a collector pod on their own node. An app pod on a node
// with none (Fargate, which runs no DaemonSets; Windows, which the
// images do not run on; a taint the collector does not tolerate) sends
// its segments nowhere. A warning: the other pods' traces still arrive.
func (d *dx) appNodes(ctx context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if what, err := d.unread(readAppPods); err != nil {
		return d.cannotRead(what, d.appNS, err)
	}
	kc := d.env.Kube
	if f, none := d.needCollector(); none {
		return f // the daemonset check says no collector runs
	}
	ds := d.ds
	if ds == nil {
		return flow.Finding{Status: flow.CheckSkip, Summary: d.t(i18n.DxNeedsCollector)}
	}
	pods, err := kc.CoreV1().Pods(d.ns).List(ctx, metav1.ListOptions{LabelSelector: collectorPods})
	if err != nil {
		return d.cannotRead("pods -l "+collectorPods, d.ns, d.env.KubeError("list", "pods", err))
	}
	served := map[string]bool{}
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil && p.Spec.NodeName != "" {
			served[p.Spec.NodeName] = true
		}
	}
	var stranded []corev1.Pod
	for _, p := range d.appPods {
		if p.DeletionTimestamp == nil && p.Spec.NodeName != "" && !served[p.Spec.NodeName] &&
			p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			stranded = append(stranded, p)
		}
	}
	if len(stranded) == 0 {
		return ok(d.t(i18n.DxAppNodesOK, len(d.appPods)))
	}
	// The nodes say why they have no collector pod. Access scoped to the
	// namespaces (an EKS access policy per namespace) cannot list them:
	// the app pods are still named, without the why.
	var nodes []corev1.Node
	if list, err := kc.CoreV1().Nodes().List(ctx, metav1.ListOptions{}); err == nil {
		nodes = list.Items
	}
	return d.strandedApps(ctx, ds, stranded, nodes)
}

// strandedApps is the warning about app pods on nodes with no collector
// pod, with why each node has none and the fix for each reason.
func (d *dx) strandedApps(ctx context.Context, ds *appsv1.DaemonSet, stranded []corev1.Pod, nodes []corev1.Node) flow.Finding {
	byName := map[string]*corev1.Node{}
	for i := range nodes {
		byName[nodes[i].Name] = &nodes[i]
	}
	var ev, fixes, taints []string
	seen := map[steps.NoDaemonWhy]bool{}
	for _, p := range stranded {
		why := steps.NoDaemon{}
		if n := byName[p.Spec.NodeName]; n != nil {
			why, _ = steps.WhyNoDaemon(n, &ds.Spec.Template.Spec)
		}
		where := p.Spec.NodeName
		if why.Why != 0 {
			where = why.Say(d.env, p.Spec.NodeName)
		}
		ev = append(ev, fmt.Sprintf("pod/%s → %s", p.Name, where))
		if f := steps.TaintFlag(&why.Taint); why.Why == steps.NoDaemonTaint && !slices.Contains(taints, f) {
			taints = append(taints, f)
		}
		if seen[why.Why] {
			continue
		}
		seen[why.Why] = true
		switch why.Why {
		case 0:
			if byName[p.Spec.NodeName] == nil { // the nodes could not be read
				fixes = append(fixes, d.t(i18n.DxAppNodesUnknownFix, nodesCommand))
			} else {
				fixes = append(fixes, d.t(i18n.DxAppNodesMissingFix, d.ns))
			}
		case steps.NoDaemonFargate:
			fixes = append(fixes, d.t(i18n.DxAppNodesFargateFix))
		case steps.NoDaemonOS:
			fixes = append(fixes, d.t(i18n.DxAppNodesWindowsFix))
		case steps.NoDaemonSelector:
			fixes = append(fixes, d.t(i18n.DxAppNodesMissingFix, d.ns))
		}
	}
	command := fmt.Sprintf("kubectl get pods -n %s -o wide", d.appNS)
	if len(nodes) == 0 {
		command = nodesCommand
	}
	if len(taints) > 0 {
		command = d.wizard(flow.IDDaemonSet+","+flow.IDPods, d.daemonForce(ctx)) + " --tolerate " + strings.Join(taints, " --tolerate ")
		fixes = append([]string{d.t(i18n.DxAppNodesTaintFix, strings.Join(taints, ", "))}, fixes...)
	}
	return bad(flow.CheckWarn, d.t(i18n.DxAppNodes, len(stranded), d.appNS), strings.Join(fixes, " "), command, ev...)
}
