package sandbox

import (
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/uuid"

	"github.com/xray-wizard/xray-wizard/sandbox/kubesim"
)

// The labels the controllers give a Deployment's pods.
const templateHashLabel = "pod-template-hash"

// appServices are the workshop app's services: Deployment and Service
// name, X-Ray name, Service port and container port.
var appServices = []struct {
	deploy, xrayName string
	port, target     int32
}{
	{"frontend", "Frontend", 80, 9000},
	{"prodcatalog", "Product-Catalog", 5000, 5000},
	{"proddetail", "Product-Detail", 3000, 3000},
}

// appObjects are the sample app's Deployments, Services and pods, running
// on the nodes since before the sandbox began.
func appObjects(o ClusterOptions, nodes []kubesim.Node) []runtime.Object {
	ns := o.AppNamespace
	rng := mrand.New(mrand.NewPCG(o.Seed, 7)) // the pods' names
	var out []runtime.Object
	since := metav1.NewTime(time.Now().Add(-2 * time.Hour))
	for i, a := range appServices {
		lbls := map[string]string{"app": a.deploy}
		tmpl := appTemplate(i)
		uid := uuid.NewUUID()
		hash := kubesim.TemplateHash(tmpl)
		out = append(out, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: a.deploy, Namespace: ns, Labels: lbls, UID: uid, Generation: 1, CreationTimestamp: since},
			Spec:       appsv1.DeploymentSpec{Replicas: ptr(int32(1)), Selector: &metav1.LabelSelector{MatchLabels: lbls}, Template: tmpl},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1, UpdatedReplicas: 1,
				Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable",
					LastTransitionTime: since, LastUpdateTime: since}}},
		})
		node := nodes[i%len(nodes)]
		spec := tmpl.Spec
		spec.NodeName = node.Name
		spec.ServiceAccountName = "default"
		spec.RestartPolicy = corev1.RestartPolicyAlways
		podLabels := map[string]string{"app": a.deploy, templateHashLabel: hash}
		ip := fmt.Sprintf("%s.%d", node.IP[:strings.LastIndex(node.IP, ".")], 100+i)
		out = append(out, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%s-%s", a.deploy, hash, kubesim.NameSuffix(rng)), Namespace: ns, Labels: podLabels,
				UID: uuid.NewUUID(), CreationTimestamp: since,
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: a.deploy + "-" + hash, Controller: ptr(true), BlockOwnerDeletion: ptr(true)}}},
			Spec: spec,
			Status: corev1.PodStatus{Phase: corev1.PodRunning, HostIP: node.IP, PodIP: ip, StartTime: &since,
				Conditions: []corev1.PodCondition{
					{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: since},
					{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: since},
					{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: since},
					{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: since},
				},
				ContainerStatuses: kubesim.ContainerStatuses(spec, func(string) (bool, *corev1.ContainerStateTerminated) { return true, nil })},
		})
		typ := corev1.ServiceTypeClusterIP
		if a.deploy == "frontend" {
			typ = corev1.ServiceTypeLoadBalancer
		}
		out = append(out, &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: a.deploy, Namespace: ns, Labels: lbls, UID: uuid.NewUUID(), CreationTimestamp: since},
			Spec: corev1.ServiceSpec{Type: typ, Selector: lbls, ClusterIP: fmt.Sprintf("10.100.%d.%d", 20+i, 40+i),
				Ports: []corev1.ServicePort{{Name: "http", Port: a.port, TargetPort: intstr.FromInt32(a.target), Protocol: corev1.ProtocolTCP}}},
		})
	}
	return out
}
