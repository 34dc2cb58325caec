package steps

import (
	"context"
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// The labels and taint by which EKS marks a node's kind.
const (
	OSLabel          = "kubernetes.io/os"
	ComputeTypeLabel = "eks.amazonaws.com/compute-type"
	FargateType      = "fargate"
)

// nodesNamed is how many nodes without a daemon the line names; the rest
// it counts.
const nodesNamed = 5

// NodesWithoutDaemon says in one line which nodes get no daemon pod from
// the DaemonSet, and why: Fargate, an OS other than Linux, the node
// selector, a taint the pods do not tolerate. "" when every node gets one,
// or the nodes cannot be read (the DaemonSet's count is then all there is).
func NodesWithoutDaemon(ctx context.Context, env *Env, ds *appsv1.DaemonSet) string {
	list, err := env.Kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil || ds == nil {
		return ""
	}
	var why []string
	tainted := false
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	for i := range list.Items {
		n := &list.Items[i]
		reason, taint := nodeWithoutDaemon(env, n, &ds.Spec.Template.Spec)
		if reason == "" {
			continue
		}
		tainted = tainted || taint
		why = append(why, reason)
	}
	if len(why) == 0 {
		return ""
	}
	shown := why[:min(len(why), nodesNamed)]
	if len(why) > len(shown) {
		shown = append(shown, env.T(i18n.MsgAndMore, len(why)-len(shown)))
	}
	line := env.T(i18n.MsgNodesWithoutDaemon, len(why), len(list.Items), strings.Join(shown, ", "))
	if tainted {
		line += env.T(i18n.MsgTolerateTaints)
	}
	return line
}

// nodeWithoutDaemon is why a node gets no daemon pod, "" when it gets one;
// taint tells that the reason is a taint.
func nodeWithoutDaemon(env *Env, n *corev1.Node, spec *corev1.PodSpec) (reason string, taint bool) {
	if n.Labels[ComputeTypeLabel] == FargateType {
		return env.T(i18n.WhyNodeFargate, n.Name), false
	}
	if os := n.Labels[OSLabel]; os != "" && os != "linux" {
		return env.T(i18n.WhyNodeOS, n.Name, os), false
	}
	if !labels.SelectorFromSet(spec.NodeSelector).Matches(labels.Set(n.Labels)) {
		return env.T(i18n.WhyNodeSelector, n.Name), false
	}
	for i := range n.Spec.Taints {
		t := &n.Spec.Taints[i]
		// The node conditions' taints come and go, and the DaemonSet
		// controller tolerates most of them by itself.
		if strings.HasPrefix(t.Key, "node.kubernetes.io/") || t.Effect == corev1.TaintEffectPreferNoSchedule {
			continue
		}
		if !tolerated(spec.Tolerations, t) {
			s := t.Key
			if t.Value != "" {
				s += "=" + t.Value
			}
			return env.T(i18n.WhyNodeTaint, n.Name, fmt.Sprintf("%s:%s", s, t.Effect)), true
		}
	}
	return "", false
}

func tolerated(ts []corev1.Toleration, t *corev1.Taint) bool {
	for i := range ts {
		if ts[i].ToleratesTaint(t) {
			return true
		}
	}
	return false
}
