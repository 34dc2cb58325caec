package kubesim

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	schedv1 "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
)

// Where a pod may run, as kube-scheduler's filters and the DaemonSet
// controller decide it, with their own helpers: the node selector and the
// required node affinity, and the taints the pod does not tolerate
// (NoSchedule and NoExecute keep it off; PreferNoSchedule only prefers).

// fits reports whether a pod with spec may run on node n.
func fits(spec *corev1.PodSpec, n *corev1.Node) bool {
	if ok, err := nodeaffinity.GetRequiredNodeAffinity(&corev1.Pod{Spec: *spec}).Match(n); err != nil || !ok {
		return false
	}
	_, untolerated := schedv1.FindMatchingUntoleratedTaint(n.Spec.Taints, spec.Tolerations, func(t *corev1.Taint) bool {
		return t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute
	})
	return !untolerated
}

// withDaemonTolerations adds the tolerations the DaemonSet controller
// gives every daemon pod, so that a node's passing conditions do not take
// its daemons away: not-ready and unreachable (NoExecute), disk, memory and
// PID pressure and unschedulable (NoSchedule), and network-unavailable for
// pods on the host's network.
func withDaemonTolerations(spec *corev1.PodSpec) {
	add := func(key string, effect corev1.TaintEffect) {
		t := corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: effect}
		if !slices.ContainsFunc(spec.Tolerations, func(x corev1.Toleration) bool { return x.MatchToleration(&t) }) {
			spec.Tolerations = append(spec.Tolerations, t)
		}
	}
	add(corev1.TaintNodeNotReady, corev1.TaintEffectNoExecute)
	add(corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute)
	add(corev1.TaintNodeDiskPressure, corev1.TaintEffectNoSchedule)
	add(corev1.TaintNodeMemoryPressure, corev1.TaintEffectNoSchedule)
	add(corev1.TaintNodePIDPressure, corev1.TaintEffectNoSchedule)
	add(corev1.TaintNodeUnschedulable, corev1.TaintEffectNoSchedule)
	if spec.HostNetwork {
		add(corev1.TaintNodeNetworkUnavailable, corev1.TaintEffectNoSchedule)
	}
}

// fitting are the nodes a pod with spec may run on.
func fitting(spec *corev1.PodSpec, nodes []*corev1.Node) []*corev1.Node {
	var out []*corev1.Node
	for _, n := range nodes {
		if fits(spec, n) {
			out = append(out, n)
		}
	}
	return out
}

// FargateNode is a node as EKS Fargate makes one for a pod: labelled
// compute-type fargate and tainted so that nothing else is placed there.
func FargateNode(name string) corev1.Node {
	return corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
		"eks.amazonaws.com/compute-type": "fargate"}},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "eks.amazonaws.com/compute-type", Value: "fargate", Effect: corev1.TaintEffectNoSchedule}}}}
}

// WindowsNode is a node of a Windows node group.
func WindowsNode(name string) corev1.Node {
	return corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		"kubernetes.io/hostname": name, "kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64",
		"eks.amazonaws.com/nodegroup": "windows"}}}
}

// TaintedNode is a Linux node of a node group tainted for its own
// workloads (GPU, dedicated).
func TaintedNode(name string, taint corev1.Taint) corev1.Node {
	return corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{taint}}}
}
