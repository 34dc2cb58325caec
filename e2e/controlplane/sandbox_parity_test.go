package controlplane_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/xray-wizard/xray-wizard/e2e/controlplane"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/sandbox/kubesim"
	"github.com/xray-wizard/xray-wizard/steps"
)

// noRuntime runs no containers: the kubelets report them running.
type noRuntime struct{}

func (noRuntime) Start(*corev1.Pod, corev1.Container) *corev1.ContainerStateTerminated { return nil }
func (noRuntime) Stop(string, string)                                                  {}
func (noRuntime) Remove(string, string)                                                {}

// startSandboxCluster runs the practice sandbox's simulated cluster.
func startSandboxCluster(t *testing.T, o kubesim.Options) kube.Interface {
	t.Helper()
	o.PodStartDelay = 100 * time.Millisecond
	c := kubesim.New(o)
	if err := c.Start(context.Background(), noRuntime{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c.Clientset()
}

// podSecurityWorld makes a namespace enforcing level, with the daemon's
// service account and "default" (which the real cluster's service account
// controller makes by itself; the sandbox has none).
func podSecurityWorld(t *testing.T, kc kube.Interface, ns, level string) {
	t.Helper()
	ctx := context.Background()
	_, err := kc.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns,
		Labels: map[string]string{"pod-security.kubernetes.io/enforce": level}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{steps.ServiceAccountName, "default"} {
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
		if _, err := kc.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
}

// podName is a pod's generated name in an API server's message.
var podName = regexp.MustCompile(`pods "xray-daemon-[a-z0-9]{5}"`)

// The sandbox's Pod Security is the API server's: the same pods refused
// with the same words (Forbidden, `violates PodSecurity "LEVEL:latest":
// ...`), the same admitted, and the DaemonSet controller's FailedCreate
// event about the lab's DaemonSet says the same.
func TestSandboxPodSecurityIsTheAPIServers(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 1})
	sim := startSandboxCluster(t, kubesim.Options{Nodes: 1})
	ctx := context.Background()
	wizard, err := steps.LoadManifest(steps.CollectorDaemon, "hardened", "us-west-2")
	if err != nil {
		t.Fatal(err)
	}
	var wizardDS appsv1.DaemonSet
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(wizard.DaemonSet.Map, &wizardDS); err != nil {
		t.Fatal(err)
	}
	wizardSpec := wizardDS.Spec.Template.Spec
	pods := []struct {
		name, ns string
		spec     corev1.PodSpec
	}{
		{"lab", "hardened", labDaemonSet("hardened").Spec.Template.Spec},
		{"wizard", "hardened", wizardSpec},
		{"host-network", "base", func() corev1.PodSpec {
			s := labDaemonSet("base").Spec.Template.Spec
			s.HostNetwork = true
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 2000, HostPort: 2000, Protocol: corev1.ProtocolUDP}}
			return s
		}()},
		{"lab-in-baseline", "base", labDaemonSet("base").Spec.Template.Spec},
	}
	answers := map[string][]string{}
	for i, kc := range []kube.Interface{cp.Kube, sim} {
		podSecurityWorld(t, kc, "hardened", "restricted")
		podSecurityWorld(t, kc, "base", "baseline")
		for _, p := range pods {
			spec := p.spec
			spec.ServiceAccountName = steps.ServiceAccountName
			_, err := kc.CoreV1().Pods(p.ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon-" + p.name, Namespace: p.ns},
				Spec: spec}, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			got := "admitted"
			if err != nil {
				got = err.Error()
				if !apierrors.IsForbidden(err) {
					t.Errorf("%d: %s: %v is not Forbidden", i, p.name, err)
				}
			}
			answers[p.name] = append(answers[p.name], got)
		}
	}
	for _, p := range pods {
		real, simulated := answers[p.name][0], answers[p.name][1]
		if real != simulated {
			t.Errorf("%s:\nAPI server: %s\nsandbox:    %s", p.name, real, simulated)
		}
	}
	if answers["wizard"][0] != "admitted" || answers["lab-in-baseline"][0] != "admitted" || answers["lab"][0] == "admitted" || answers["host-network"][0] == "admitted" {
		t.Errorf("the API server's answers: %v", answers)
	}

	// The lab's DaemonSet in the restricted namespace: the controller's
	// FailedCreate event, word for word.
	var said []string
	for _, kc := range []kube.Interface{cp.Kube, sim} {
		if _, err := kc.AppsV1().DaemonSets("hardened").Create(ctx, labDaemonSet("hardened"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		var ev *corev1.Event
		for deadline := time.Now().Add(20 * time.Second); ev == nil && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			list, err := kc.CoreV1().Events("hardened").List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range list.Items {
				if e := &list.Items[i]; e.Reason == "FailedCreate" && e.InvolvedObject.Kind == "DaemonSet" && e.InvolvedObject.Name == "xray-daemon" {
					ev = e
				}
			}
		}
		if ev == nil {
			t.Fatal("no FailedCreate event")
		}
		if ev.Type != corev1.EventTypeWarning || ev.Source.Component != "daemonset-controller" || ev.InvolvedObject.APIVersion != "apps/v1" {
			t.Errorf("event %+v", ev)
		}
		said = append(said, podName.ReplaceAllString(ev.Message, `pods "xray-daemon-NAME"`))
	}
	if said[0] != said[1] {
		t.Errorf("FailedCreate:\nAPI server: %s\nsandbox:    %s", said[0], said[1])
	}
	// And the pods step names it on both, from the same events.
	for i, kc := range []kube.Interface{cp.Kube, sim} {
		s := run(env(kc, steps.Options{Namespace: "hardened", PodsTimeout: 30 * time.Second}), "pods", &events{}).Steps[0]
		if s.Status != flow.Failed || !regexp.MustCompile(`violates PodSecurity "restricted:latest"`).MatchString(s.Detail) {
			t.Errorf("%d: pods step: %+v", i, s)
		}
	}
}

// The sandbox places the daemon as the DaemonSet controller does: on every
// Linux node, none on Windows, Fargate or a node with a taint it does not
// tolerate, and there too with --tolerate.
func TestSandboxPlacesDaemonsAsTheController(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 2})
	gpuTaint := corev1.Taint{Key: "nvidia.com/gpu", Value: "true", Effect: corev1.TaintEffectNoSchedule}
	addNode(t, cp, "windows-node", map[string]string{"kubernetes.io/os": "windows"})
	addNode(t, cp, "fargate-ip-10-0-1-2", map[string]string{"eks.amazonaws.com/compute-type": "fargate"},
		corev1.Taint{Key: "eks.amazonaws.com/compute-type", Value: "fargate", Effect: corev1.TaintEffectNoSchedule})
	addNode(t, cp, "gpu-node", nil, gpuTaint)
	sim := startSandboxCluster(t, kubesim.Options{Nodes: 2, ExtraNodes: []corev1.Node{
		kubesim.WindowsNode("windows-node"), kubesim.FargateNode("fargate-ip-10-0-1-2"), kubesim.TaintedNode("gpu-node", gpuTaint)}})
	tolerate, _ := steps.ParseToleration("nvidia.com/gpu=true:NoSchedule")
	for _, tol := range [][]corev1.Toleration{nil, {tolerate}} {
		var placed []string
		for _, kc := range []kube.Interface{cp.Kube, sim} {
			ev := &events{}
			sum := run(env(kc, steps.Options{PodsTimeout: 60 * time.Second, Force: true, Tolerations: tol}), "daemonset,pods", ev)
			if s := sum.Steps[1]; s.Status != flow.Done {
				t.Fatalf("tolerations %v: %+v", tol, s)
			}
			tab := ev.last(flow.Pods).Pods
			on := ""
			for _, n := range []string{"windows-node", "fargate-ip-10-0-1-2", "gpu-node"} {
				for _, r := range tab.Rows {
					if r.Node == n {
						on += n + " "
					}
				}
			}
			placed = append(placed, fmt.Sprintf("%d desired, %d Ready, on %s", tab.Desired, tab.Ready, on))
		}
		if placed[0] != placed[1] {
			t.Errorf("tolerations %v:\nAPI server: %s\nsandbox:    %s", tol, placed[0], placed[1])
		}
	}
}
