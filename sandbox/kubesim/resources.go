package kubesim

import (
	"encoding/json"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// parts are what the API server keeps apart in an object of a kind with a
// status: the status, written only through the status subresource, and
// the spec, whose changes bump the generation.
type parts interface {
	// copyStatus sets dst's status to src's; false when src is of
	// another kind.
	copyStatus(dst, src runtime.Object) bool
	sameStatus(a, b runtime.Object) bool
	sameSpec(a, b runtime.Object) bool
}

// kindParts reaches the status and spec of objects of type T.
type kindParts[T runtime.Object, Status any, Spec any] struct {
	status func(T) *Status
	spec   func(T) *Spec
}

func (k kindParts[T, Status, Spec]) pair(a, b runtime.Object) (T, T, bool) {
	x, ok1 := a.(T)
	y, ok2 := b.(T)
	return x, y, ok1 && ok2
}

func (k kindParts[T, Status, Spec]) copyStatus(dst, src runtime.Object) bool {
	d, s, ok := k.pair(dst, src)
	if ok {
		*k.status(d) = *k.status(s)
	}
	return ok
}

func (k kindParts[T, Status, Spec]) sameStatus(a, b runtime.Object) bool {
	x, y, ok := k.pair(a, b)
	return !ok || sameJSON(k.status(x), k.status(y))
}

func (k kindParts[T, Status, Spec]) sameSpec(a, b runtime.Object) bool {
	x, y, ok := k.pair(a, b)
	return !ok || sameJSON(k.spec(x), k.spec(y))
}

// sameJSON compares as the API does: by what is written.
func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// partsOf are the parts of an object's kind, or nil for a kind without a
// status (its whole object is written at once).
func partsOf(obj runtime.Object) parts {
	switch obj.(type) {
	case *corev1.Pod:
		return kindParts[*corev1.Pod, corev1.PodStatus, corev1.PodSpec]{
			func(o *corev1.Pod) *corev1.PodStatus { return &o.Status }, func(o *corev1.Pod) *corev1.PodSpec { return &o.Spec }}
	case *corev1.Service:
		return kindParts[*corev1.Service, corev1.ServiceStatus, corev1.ServiceSpec]{
			func(o *corev1.Service) *corev1.ServiceStatus { return &o.Status }, func(o *corev1.Service) *corev1.ServiceSpec { return &o.Spec }}
	case *corev1.Node:
		return kindParts[*corev1.Node, corev1.NodeStatus, corev1.NodeSpec]{
			func(o *corev1.Node) *corev1.NodeStatus { return &o.Status }, func(o *corev1.Node) *corev1.NodeSpec { return &o.Spec }}
	case *corev1.Namespace:
		return kindParts[*corev1.Namespace, corev1.NamespaceStatus, corev1.NamespaceSpec]{
			func(o *corev1.Namespace) *corev1.NamespaceStatus { return &o.Status }, func(o *corev1.Namespace) *corev1.NamespaceSpec { return &o.Spec }}
	case *corev1.PersistentVolume:
		return kindParts[*corev1.PersistentVolume, corev1.PersistentVolumeStatus, corev1.PersistentVolumeSpec]{
			func(o *corev1.PersistentVolume) *corev1.PersistentVolumeStatus { return &o.Status },
			func(o *corev1.PersistentVolume) *corev1.PersistentVolumeSpec { return &o.Spec }}
	case *corev1.PersistentVolumeClaim:
		return kindParts[*corev1.PersistentVolumeClaim, corev1.PersistentVolumeClaimStatus, corev1.PersistentVolumeClaimSpec]{
			func(o *corev1.PersistentVolumeClaim) *corev1.PersistentVolumeClaimStatus { return &o.Status },
			func(o *corev1.PersistentVolumeClaim) *corev1.PersistentVolumeClaimSpec { return &o.Spec }}
	case *corev1.ReplicationController:
		return kindParts[*corev1.ReplicationController, corev1.ReplicationControllerStatus, corev1.ReplicationControllerSpec]{
			func(o *corev1.ReplicationController) *corev1.ReplicationControllerStatus { return &o.Status },
			func(o *corev1.ReplicationController) *corev1.ReplicationControllerSpec { return &o.Spec }}
	case *corev1.ResourceQuota:
		return kindParts[*corev1.ResourceQuota, corev1.ResourceQuotaStatus, corev1.ResourceQuotaSpec]{
			func(o *corev1.ResourceQuota) *corev1.ResourceQuotaStatus { return &o.Status },
			func(o *corev1.ResourceQuota) *corev1.ResourceQuotaSpec { return &o.Spec }}
	case *appsv1.DaemonSet:
		return kindParts[*appsv1.DaemonSet, appsv1.DaemonSetStatus, appsv1.DaemonSetSpec]{
			func(o *appsv1.DaemonSet) *appsv1.DaemonSetStatus { return &o.Status }, func(o *appsv1.DaemonSet) *appsv1.DaemonSetSpec { return &o.Spec }}
	case *appsv1.Deployment:
		return kindParts[*appsv1.Deployment, appsv1.DeploymentStatus, appsv1.DeploymentSpec]{
			func(o *appsv1.Deployment) *appsv1.DeploymentStatus { return &o.Status }, func(o *appsv1.Deployment) *appsv1.DeploymentSpec { return &o.Spec }}
	case *appsv1.ReplicaSet:
		return kindParts[*appsv1.ReplicaSet, appsv1.ReplicaSetStatus, appsv1.ReplicaSetSpec]{
			func(o *appsv1.ReplicaSet) *appsv1.ReplicaSetStatus { return &o.Status }, func(o *appsv1.ReplicaSet) *appsv1.ReplicaSetSpec { return &o.Spec }}
	case *appsv1.StatefulSet:
		return kindParts[*appsv1.StatefulSet, appsv1.StatefulSetStatus, appsv1.StatefulSetSpec]{
			func(o *appsv1.StatefulSet) *appsv1.StatefulSetStatus { return &o.Status }, func(o *appsv1.StatefulSet) *appsv1.StatefulSetSpec { return &o.Spec }}
	}
	return nil
}
