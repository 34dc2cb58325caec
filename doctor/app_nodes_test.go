package doctor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/steps"
)

// An app pod on a node with no daemon pod (a taint the daemon does not
// tolerate) is a warning naming the pod, the node and why, with the
// --tolerate run; with access scoped to the namespaces, which cannot list
// the nodes, the pod and node are still named, never a failure.
func TestDoctorAppNodes(t *testing.T) {
	_, env := setUp(t)
	lbl := map[string]string{"app": "xray-daemon"}
	world := func() *kube.Fake {
		return kube.NewFake(
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}},
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "workshop"}},
			&appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: steps.DaemonSetName, Namespace: "default", Labels: lbl},
				Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{NodeSelector: map[string]string{"kubernetes.io/os": "linux"}}}}},
			&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-a", Labels: map[string]string{"kubernetes.io/os": "linux"}}},
			&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "gpu-node", Labels: map[string]string{"kubernetes.io/os": "linux"}},
				Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "nvidia.com/gpu", Value: "true", Effect: corev1.TaintEffectNoSchedule}}}},
			&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon-abcde", Namespace: "default", Labels: lbl}, Spec: corev1.PodSpec{NodeName: "node-a"},
				Status: corev1.PodStatus{Phase: corev1.PodRunning}},
			&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "frontend-1", Namespace: "workshop"}, Spec: corev1.PodSpec{NodeName: "node-a"},
				Status: corev1.PodStatus{Phase: corev1.PodRunning}},
			&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "trainer-1", Namespace: "workshop"}, Spec: corev1.PodSpec{NodeName: "gpu-node"},
				Status: corev1.PodStatus{Phase: corev1.PodRunning}},
		)
	}
	env.Kube = world()
	f := findings(doctor.Diagnose(context.Background(), doctor.Input{Env: env}, nil))["app-nodes"]
	text := f.Summary + " | " + strings.Join(f.Evidence, " | ") + " | " + f.Fix + " | " + f.Command
	if f.Status != flow.CheckWarn || !strings.Contains(f.Summary, "1 app pods in workshop") ||
		!strings.Contains(text, "pod/trainer-1 → gpu-node (taint nvidia.com/gpu=true:NoSchedule)") ||
		!strings.HasSuffix(f.Command, "--tolerate nvidia.com/gpu=true:NoSchedule") || strings.Contains(text, "frontend-1") {
		t.Errorf("app-nodes: %s", text)
	}
	kc := world()
	kc.PrependReactor("list", "nodes", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(corev1.Resource("nodes"), "", errors.New("namespace-scoped access"))
	})
	env.Kube = kc
	f = findings(doctor.Diagnose(context.Background(), doctor.Input{Env: env}, nil))["app-nodes"]
	if f.Status != flow.CheckWarn || !strings.Contains(strings.Join(f.Evidence, " "), "pod/trainer-1 → gpu-node") || !strings.Contains(f.Fix, "could not be read") || !strings.HasPrefix(f.Command, "kubectl get nodes -L") {
		t.Errorf("app-nodes without the nodes: %+v", f)
	}
}
