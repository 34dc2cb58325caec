package controlplane_test

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/e2e/controlplane"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// restrictedNamespace makes a namespace whose pods the API server admits
// only when they pass Pod Security's restricted profile.
func restrictedNamespace(t *testing.T, cp *controlplane.ControlPlane, name string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted"}}}
	if _, err := cp.Client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// Both collectors' pod templates pass Pod Security's restricted profile,
// as the API server itself enforces it: every node gets a Ready pod of
// the daemon, then of the Collector that replaces it, then of the daemon
// again. The pods the API server admitted run as the manifests say.
func TestCollectorsPassRestrictedPodSecurity(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 3})
	ctx := context.Background()
	restrictedNamespace(t, cp, "hardened")
	for i, c := range []string{steps.CollectorDaemon, steps.CollectorOtel, steps.CollectorDaemon} {
		ev := &events{}
		sum := run(env(cp.Kube, steps.Options{Namespace: "hardened", Collector: c}), "daemonset,pods", ev)
		for _, s := range sum.Steps {
			if s.Status == flow.Failed || s.Status == flow.Skipped {
				t.Fatalf("run %d (%s), %s: %s: %s (%s)", i, c, s.ID, s.Status, s.Detail, s.Fix)
			}
		}
		if tab := ev.last(flow.Pods).Pods; tab.Ready != 3 || tab.Desired != 3 {
			t.Errorf("run %d (%s): pod table = %+v", i, c, tab)
		}
		names := steps.CollectorOf(c)
		pods, err := cp.Client.CoreV1().Pods("hardened").List(ctx, metav1.ListOptions{LabelSelector: names.Label()})
		if err != nil {
			t.Fatal(err)
		}
		uid := map[string]int64{steps.CollectorDaemon: 65532, steps.CollectorOtel: 10001}[c]
		for _, p := range pods.Items {
			sc, ct := p.Spec.SecurityContext, p.Spec.Containers[0].SecurityContext
			if p.DeletionTimestamp != nil {
				continue
			}
			if sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != uid || ct == nil || ct.ReadOnlyRootFilesystem == nil || !*ct.ReadOnlyRootFilesystem ||
				p.Spec.NodeSelector["kubernetes.io/os"] != "linux" {
				t.Errorf("run %d (%s): pod %s runs with %+v / %+v on %v", i, c, p.Name, sc, ct, p.Spec.NodeSelector)
			}
		}
	}
	// The namespace does enforce it: the Collector's pod without its
	// security context is refused (a dry run stores nothing).
	objs, err := steps.LoadManifest(steps.CollectorOtel, "hardened", "us-west-2")
	if err != nil {
		t.Fatal(err)
	}
	var ds appsv1.DaemonSet
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(objs.DaemonSet.Map, &ds); err != nil {
		t.Fatal(err)
	}
	bare := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "otel-collector-", Namespace: "hardened"}, Spec: ds.Spec.Template.Spec}
	bare.Spec.SecurityContext, bare.Spec.Containers[0].SecurityContext = nil, nil
	_, err = cp.Client.CoreV1().Pods("hardened").Create(ctx, bare, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `violates PodSecurity "restricted:latest"`) {
		t.Errorf("the Collector's pod without its security context: %v", err)
	}
}

// labDaemonSet is the daemon as the lab's manifest makes it: a pod
// template that sets no security context.
func labDaemonSet(ns string) *appsv1.DaemonSet {
	lbl := map[string]string{"app": "xray-daemon"}
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon", Namespace: ns, Labels: lbl},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: lbl},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbl},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "xray-daemon", Image: "amazon/aws-xray-daemon", Command: []string{"/usr/bin/xray"}}}},
			},
		},
	}
}

// When the DaemonSet controller cannot create the daemon's pods, the pods
// step says why within seconds, from the DaemonSet's events, with the fix:
// Pod Security refusing the lab's template, and a quota of no pods.
func TestPodsThatCannotBeCreated(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 2})
	ctx := context.Background()
	restrictedNamespace(t, cp, "hardened")
	if _, err := cp.Client.AppsV1().DaemonSets("hardened").Create(ctx, labDaemonSet("hardened"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s := run(env(cp.Kube, steps.Options{Namespace: "hardened", PodsTimeout: 60 * time.Second}), "pods", &events{}).Steps[0]
	if took := time.Since(start); s.Status != flow.Failed || took > 20*time.Second ||
		!strings.Contains(s.Detail, "violates PodSecurity") || !strings.Contains(s.Fix, "pod-security.kubernetes.io/enforce") {
		t.Errorf("Pod Security, after %s: %+v", took, s)
	}
	// The doctor names it too, without waiting.
	dxEnv := env(cp.Kube, steps.Options{Namespace: "hardened"})
	if f := finding(doctor.Diagnose(ctx, doctor.Input{Env: dxEnv}, nil), "pods-created"); f.Status != flow.CheckFail ||
		!strings.Contains(f.Summary, "violates PodSecurity") || !strings.Contains(f.Fix, "pod-security.kubernetes.io/enforce") {
		t.Errorf("doctor, Pod Security: %+v", f)
	}
	// Applying the wizard's manifest then passes (proven above in full),
	// and the doctor no longer finds pods it cannot create.
	if s := run(env(cp.Kube, steps.Options{Namespace: "hardened", Force: true}), "daemonset,pods", &events{}).Steps[1]; s.Status != flow.Done {
		t.Fatalf("the wizard's manifest in the restricted namespace: %+v", s)
	}
	if f := finding(doctor.Diagnose(ctx, doctor.Input{Env: dxEnv}, nil), "pods-created"); f.Status != flow.CheckOK {
		t.Errorf("doctor, after the wizard's manifest: %+v", f)
	}

	quota := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "no-pods", Namespace: "default"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("0")}}}
	if _, err := cp.Client.CoreV1().ResourceQuotas("default").Create(ctx, quota, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The quota controller fills in the quota's status before the quota
	// admission counts against it.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		q, err := cp.Client.CoreV1().ResourceQuotas("default").Get(ctx, "no-pods", metav1.GetOptions{})
		if err == nil && q.Status.Hard != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the quota has no status")
		}
	}
	start = time.Now()
	sum := run(env(cp.Kube, steps.Options{PodsTimeout: 60 * time.Second}), "daemonset,pods", &events{})
	if took, s := time.Since(start), sum.Steps[1]; s.Status != flow.Failed || took > 20*time.Second ||
		!strings.Contains(s.Detail, "exceeded quota") || !strings.Contains(s.Fix, "resourcequota") {
		t.Errorf("quota, after %s: %+v", took, s)
	}
}

func finding(d flow.Diagnosis, id string) flow.Finding {
	for _, f := range d.Findings {
		if f.ID == id {
			return f
		}
	}
	return flow.Finding{Summary: "no finding " + id}
}

// addNode makes a kwok node labelled and tainted as EKS makes one, and
// waits until it is Ready and rid of the not-ready taint.
func addNode(t *testing.T, cp *controlplane.ControlPlane, name string, lbls map[string]string, taints ...corev1.Taint) {
	t.Helper()
	ctx := context.Background()
	all := map[string]string{"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}
	for k, v := range lbls {
		all[k] = v
	}
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: all,
		Annotations: map[string]string{controlplane.NodeAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"}},
		Spec: corev1.NodeSpec{Taints: taints}}
	if _, err := cp.Client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		n, err := cp.Client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err == nil && len(n.Spec.Taints) == len(taints) {
			for _, c := range n.Status.Conditions {
				if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s not Ready: %+v", name, n)
		}
	}
}

// The nodes of a mixed EKS cluster: Linux amd64 and arm64 nodes get a
// daemon each; a Windows node, a Fargate node and a node with a taint the
// daemon does not tolerate get none, and the pods step says which and why
// in one line, while it waits for only the pods that should be.
func TestNodeKinds(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 2})
	addNode(t, cp, "arm-node", map[string]string{"kubernetes.io/arch": "arm64"})
	addNode(t, cp, "windows-node", map[string]string{"kubernetes.io/os": "windows"})
	addNode(t, cp, "fargate-ip-10-0-1-2", map[string]string{"eks.amazonaws.com/compute-type": "fargate"},
		corev1.Taint{Key: "eks.amazonaws.com/compute-type", Value: "fargate", Effect: corev1.TaintEffectNoSchedule})
	addNode(t, cp, "gpu-node", nil, corev1.Taint{Key: "nvidia.com/gpu", Value: "true", Effect: corev1.TaintEffectNoSchedule})
	ev := &events{}
	sum := run(env(cp.Kube, steps.Options{PodsTimeout: 60 * time.Second}), "daemonset,pods", ev)
	if s := sum.Steps[1]; s.Status != flow.Done {
		t.Fatalf("pods: %+v", s)
	}
	tab := ev.last(flow.Pods).Pods
	arch := map[string]string{}
	for _, r := range tab.Rows {
		arch[r.Node] = r.Arch
	}
	if tab.Ready != 3 || tab.Desired != 3 || arch["arm-node"] != "arm64" || arch["windows-node"] != "" || arch["gpu-node"] != "" {
		t.Errorf("pod table = %+v", tab)
	}
	w := ev.warnings()
	if len(w) != 2 {
		t.Fatalf("warnings %q, want the nodes without a daemon, then the flag", w)
	}
	for _, want := range []string{"3 of 6 nodes get no daemon", "windows-node (windows", "fargate-ip-10-0-1-2 (Fargate", "sidecar",
		"gpu-node (taint nvidia.com/gpu=true:NoSchedule)"} {
		if !strings.Contains(w[0], want) {
			t.Errorf("nodes line %q lacks %q", w[0], want)
		}
	}
	if strings.Contains(w[0], "arm-node") {
		t.Errorf("nodes line names the arm64 node: %q", w[0])
	}
	if w[1] != "to run it on the tainted nodes too, run again with --tolerate nvidia.com/gpu=true:NoSchedule" {
		t.Errorf("the flag's line: %q", w[1])
	}

	// The flag the line names puts a daemon on the GPU node too; tolerating
	// every taint still leaves Fargate (the manifest's node affinity) and
	// Windows (its node selector) without one.
	gpu, err := steps.ParseToleration("nvidia.com/gpu=true:NoSchedule")
	if err != nil {
		t.Fatal(err)
	}
	for _, tol := range [][]corev1.Toleration{{gpu}, {steps.TolerateAll}} {
		ev := &events{}
		sum := run(env(cp.Kube, steps.Options{PodsTimeout: 60 * time.Second, Tolerations: tol}), "daemonset,pods", ev)
		if s := sum.Steps[1]; s.Status != flow.Done {
			t.Fatalf("tolerating %+v: pods: %+v", tol, s)
		}
		tab := ev.last(flow.Pods).Pods
		on := map[string]bool{}
		for _, r := range tab.Rows {
			on[r.Node] = true
		}
		if tab.Ready != 4 || tab.Desired != 4 || !on["gpu-node"] || on["fargate-ip-10-0-1-2"] || on["windows-node"] {
			t.Errorf("tolerating %+v: pod table = %+v", tol, tab)
		}
		if w := ev.warnings(); len(w) != 1 || !strings.Contains(w[0], "2 of 6 nodes get no daemon") || strings.Contains(w[0], "gpu-node") {
			t.Errorf("tolerating %+v: warnings %q", tol, w)
		}
	}
}

// The doctor warns when an app pod runs where no collector pod is: on
// Fargate, on Windows, on a node with a taint the collector does not
// tolerate, each with its reason and fix; the --tolerate run it prints
// takes the tainted node off the list.
func TestDoctorWarnsAppsWhereNoCollectorIs(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 1})
	ctx := context.Background()
	addNode(t, cp, "windows-node", map[string]string{"kubernetes.io/os": "windows"})
	addNode(t, cp, "fargate-ip-10-0-1-2", map[string]string{"eks.amazonaws.com/compute-type": "fargate"},
		corev1.Taint{Key: "eks.amazonaws.com/compute-type", Value: "fargate", Effect: corev1.TaintEffectNoSchedule})
	addNode(t, cp, "gpu-node", nil, corev1.Taint{Key: "nvidia.com/gpu", Value: "true", Effect: corev1.TaintEffectNoSchedule})
	if s := run(env(cp.Kube, steps.Options{}), "daemonset,pods", &events{}).Steps[1]; s.Status != flow.Done {
		t.Fatalf("pods: %+v", s)
	}
	if _, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "workshop"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The sample app's pods, placed as Fargate's and the scheduler would
	// place them (nodeName given: no scheduler in between).
	for name, node := range map[string]string{"frontend-linux": "kwok-node-0", "frontend-fargate": "fargate-ip-10-0-1-2",
		"proddetail-windows": "windows-node", "prodcatalog-gpu": "gpu-node"} {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "workshop", Labels: map[string]string{"app": "sample"}},
			Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "app", Image: "sample"}},
				Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}}}}
		if _, err := cp.Client.CoreV1().Pods("workshop").Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	f := finding(doctor.Diagnose(ctx, doctor.Input{Env: env(cp.Kube, steps.Options{})}, nil), "app-nodes")
	text := f.Summary + " | " + strings.Join(f.Evidence, " | ") + " | " + f.Fix + " | " + f.Command
	if f.Status != flow.CheckWarn || !strings.Contains(f.Summary, "3 app pods in workshop") {
		t.Fatalf("app-nodes: %s", text)
	}
	for _, want := range []string{"pod/frontend-fargate → fargate-ip-10-0-1-2 (Fargate", "pod/proddetail-windows → windows-node (windows",
		"pod/prodcatalog-gpu → gpu-node (taint nvidia.com/gpu=true:NoSchedule)", "sidecar", "Linux-only",
		"xray-wizard --steps daemonset,pods --tolerate nvidia.com/gpu=true:NoSchedule"} {
		if !strings.Contains(text, want) {
			t.Errorf("app-nodes lacks %q: %s", want, text)
		}
	}
	if strings.Contains(text, "frontend-linux") {
		t.Errorf("app-nodes names the pod on a Linux node with a daemon: %s", text)
	}
	// The printed toleration puts a daemon on the GPU node.
	gpu, _ := steps.ParseToleration("nvidia.com/gpu=true:NoSchedule")
	if s := run(env(cp.Kube, steps.Options{Tolerations: []corev1.Toleration{gpu}}), "daemonset,pods", &events{}).Steps[1]; s.Status != flow.Done {
		t.Fatalf("pods with the toleration: %+v", s)
	}
	f = finding(doctor.Diagnose(ctx, doctor.Input{Env: env(cp.Kube, steps.Options{Tolerations: []corev1.Toleration{gpu}})}, nil), "app-nodes")
	if f.Status != flow.CheckWarn || !strings.Contains(f.Summary, "2 app pods") || strings.Contains(strings.Join(f.Evidence, " "), "gpu") {
		t.Errorf("app-nodes after tolerating the GPU taint: %+v", f)
	}
}

// warnings are the messages of the pods step's warnings, in order.
func (e *events) warnings() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.all {
		if ev.Kind == flow.Warning && ev.Step == flow.IDPods {
			out = append(out, ev.Message)
		}
	}
	return out
}
