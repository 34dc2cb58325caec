package steps

import (
	"context"
	"slices"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	schedv1 "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// The labels and taint by which EKS marks a node's kind.
const (
	OSLabel          = "kubernetes.io/os"
	ArchLabel        = "kubernetes.io/arch"
	ComputeTypeLabel = "eks.amazonaws.com/compute-type"
	FargateType      = "fargate"
)

// nodesNamed is how many nodes without a daemon the line names; the rest
// it counts.
const nodesNamed = 5

// NoDaemonWhy is why a node gets no pod of the collector's DaemonSet.
type NoDaemonWhy int

// The reasons a node gets no collector pod.
const (
	NoDaemonFargate  NoDaemonWhy = iota + 1 // Fargate runs no DaemonSet pods
	NoDaemonOS                              // not Linux: the images are Linux-only
	NoDaemonSelector                        // left out by the node selector or affinity
	NoDaemonTaint                           // a taint the pods do not tolerate
)

// NoDaemon is why a node gets no collector pod: its OS, or the taint.
type NoDaemon struct {
	Why   NoDaemonWhy
	OS    string
	Taint corev1.Taint
}

// WhyNoDaemon says why a node gets no pod of a DaemonSet with this pod
// spec, as the DaemonSet controller decides it (the scheduler's own node
// affinity and taint rules); false when it gets one.
func WhyNoDaemon(n *corev1.Node, spec *corev1.PodSpec) (NoDaemon, bool) {
	if n.Labels[ComputeTypeLabel] == FargateType {
		return NoDaemon{Why: NoDaemonFargate}, true
	}
	if os := n.Labels[OSLabel]; os != "" && os != "linux" {
		return NoDaemon{Why: NoDaemonOS, OS: os}, true
	}
	if ok, err := nodeaffinity.GetRequiredNodeAffinity(&corev1.Pod{Spec: *spec}).Match(n); err == nil && !ok {
		return NoDaemon{Why: NoDaemonSelector}, true
	}
	// The DaemonSet controller tolerates the node conditions' taints
	// (node.kubernetes.io/...) by itself; PreferNoSchedule only prefers.
	taint, untolerated := schedv1.FindMatchingUntoleratedTaint(n.Spec.Taints, spec.Tolerations, func(t *corev1.Taint) bool {
		return t.Effect != corev1.TaintEffectPreferNoSchedule && !strings.HasPrefix(t.Key, "node.kubernetes.io/")
	})
	if untolerated {
		return NoDaemon{Why: NoDaemonTaint, Taint: taint}, true
	}
	return NoDaemon{}, false
}

// Say is why node gets no collector pod, in a few words.
func (w NoDaemon) Say(env *Env, node string) string {
	switch w.Why {
	case NoDaemonFargate:
		return env.T(i18n.WhyNodeFargate, node)
	case NoDaemonOS:
		return env.T(i18n.WhyNodeOS, node, w.OS)
	case NoDaemonTaint:
		return env.T(i18n.WhyNodeTaint, node, TaintFlag(&w.Taint))
	}
	return env.T(i18n.WhyNodeSelector, node)
}

// Nodes is what the pods step learned of the cluster's nodes from one
// list: each node's architecture, for the pod table, and the lines that
// say which nodes get no collector pod and why, and the flag that runs it
// on the tainted ones.
type Nodes struct {
	Arch  map[string]string // node name → kubernetes.io/arch
	Lines []string          // none when every node gets a pod
}

// nodesPage is how many nodes one page of the nodes' list holds: a
// cluster of thousands of nodes is read a page at a time, so the step
// never holds them all (only each node's architecture).
const nodesPage = 500

// ReadNodes lists the nodes once (a page at a time). The lines name the
// nodes that get no pod from the DaemonSet (Fargate, an OS other than
// Linux, the node selector or affinity, a taint the pods do not tolerate,
// with the --tolerate flag that runs them there too). Nodes that cannot
// be read give nothing: the DaemonSet's count is then all there is.
func ReadNodes(ctx context.Context, env *Env, ds *appsv1.DaemonSet) Nodes {
	if ds == nil {
		return Nodes{}
	}
	out := Nodes{Arch: map[string]string{}}
	type without struct{ node, why string }
	var none []without
	var flags []string
	archs := map[string]string{} // one string per architecture, however many nodes
	total := 0
	opts := metav1.ListOptions{Limit: nodesPage}
	for {
		list, err := env.Kube.CoreV1().Nodes().List(ctx, opts)
		if err != nil {
			return Nodes{}
		}
		for i := range list.Items {
			n := &list.Items[i]
			total++
			a := n.Labels[ArchLabel]
			if _, ok := archs[a]; !ok {
				archs[a] = strings.Clone(a)
			}
			out.Arch[strings.Clone(n.Name)] = archs[a]
			w, no := WhyNoDaemon(n, &ds.Spec.Template.Spec)
			if !no {
				continue
			}
			none = append(none, without{n.Name, w.Say(env, n.Name)})
			if f := TaintFlag(&w.Taint); w.Why == NoDaemonTaint && !slices.Contains(flags, f) {
				flags = append(flags, f)
			}
		}
		if opts.Continue = list.Continue; opts.Continue == "" {
			break
		}
	}
	if len(none) == 0 {
		return out
	}
	sort.Slice(none, func(i, j int) bool { return none[i].node < none[j].node })
	var shown []string
	for _, w := range none[:min(len(none), nodesNamed)] {
		shown = append(shown, w.why)
	}
	if len(none) > len(shown) {
		shown = append(shown, env.T(i18n.MsgAndMore, len(none)-len(shown)))
	}
	out.Lines = []string{env.T(i18n.MsgNodesWithoutDaemon, len(none), total, strings.Join(shown, ", "))}
	if len(flags) > 0 {
		// A line of its own, so that a screen that shows a warning in two
		// lines keeps the flag.
		tolerate := "--tolerate-all"
		if len(flags) <= 3 {
			tolerate = "--tolerate " + strings.Join(flags, " --tolerate ")
		}
		out.Lines = append(out.Lines, env.T(i18n.MsgTolerateTaints, tolerate))
	}
	return out
}
