package sandbox

import (
	"context"
	"fmt"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestClusterExplore(t *testing.T) {
	cs := fake.NewClientset()
	ctx := context.Background()
	ds := appsv1ac.DaemonSet("x", "default").WithLabels(map[string]string{"app": "x"}).WithSpec(appsv1ac.DaemonSetSpec().
		WithSelector(metav1ac.LabelSelector().WithMatchLabels(map[string]string{"app": "x"})).
		WithTemplate(corev1ac.PodTemplateSpec().WithLabels(map[string]string{"app": "x"}).WithSpec(corev1ac.PodSpec().WithContainers(corev1ac.Container().WithName("c").WithImage("i:1")))))
	got, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ds, metav1.ApplyOptions{FieldManager: "wiz"})
	fmt.Printf("err=%v uid=%q rv=%q gen=%d mf=%d ts=%v\n", err, got.UID, got.ResourceVersion, got.Generation, len(got.ManagedFields), got.CreationTimestamp)
	ds2 := appsv1ac.DaemonSet("x", "default").WithSpec(appsv1ac.DaemonSetSpec().
		WithTemplate(corev1ac.PodTemplateSpec().WithSpec(corev1ac.PodSpec().WithContainers(corev1ac.Container().WithName("c").WithImage("i:2")))))
	_, err = cs.AppsV1().DaemonSets("default").Apply(ctx, ds2, metav1.ApplyOptions{FieldManager: "other"})
	fmt.Printf("conflict err=%v\n", err)
	_, err = cs.AppsV1().DaemonSets("default").Apply(ctx, ds2, metav1.ApplyOptions{FieldManager: "other", Force: true})
	got, _ = cs.AppsV1().DaemonSets("default").Get(ctx, "x", metav1.GetOptions{})
	fmt.Printf("force err=%v image=%s gen=%d\n", err, got.Spec.Template.Spec.Containers[0].Image, got.Generation)
	for _, m := range got.ManagedFields {
		fmt.Println(m.Manager, m.Operation, m.Subresource)
	}
	// status update
	got.Status.NumberReady = 3
	_, err = cs.AppsV1().DaemonSets("default").UpdateStatus(ctx, got, metav1.UpdateOptions{})
	fmt.Println("updatestatus", err)
	got, _ = cs.AppsV1().DaemonSets("default").Get(ctx, "x", metav1.GetOptions{})
	for _, m := range got.ManagedFields {
		fmt.Println(m.Manager, m.Operation, m.Subresource)
	}
	// patch apply yaml
	y := []byte("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: xray\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: xray-daemon\n  namespace: default\n")
	crb, err := cs.RbacV1().ClusterRoleBindings().Patch(ctx, "xray", types.ApplyPatchType, y, metav1.PatchOptions{FieldManager: "wiz"})
	fmt.Println("crb", err, crb.Name, len(crb.ManagedFields))
	y1b := []byte("apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRoleBinding\nmetadata:\n  name: xrayb\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\n")
	_, err = cs.RbacV1beta1().ClusterRoleBindings().Patch(ctx, "xrayb", types.ApplyPatchType, y1b, metav1.PatchOptions{FieldManager: "wiz"})
	fmt.Println("crb v1beta1", err)
	// without field manager
	_, err = cs.CoreV1().ConfigMaps("default").Patch(ctx, "cm", types.ApplyPatchType, []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"b"}}`), metav1.PatchOptions{})
	fmt.Println("no manager", err)
	// invalid field
	_, err = cs.CoreV1().ConfigMaps("default").Patch(ctx, "cm", types.ApplyPatchType, []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"dataa":{"a":"b"}}`), metav1.PatchOptions{FieldManager: "w"})
	fmt.Println("unknown field", err)
	_, err = cs.CoreV1().Services("default").Patch(ctx, "s", types.ApplyPatchType, []byte(`{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":2000,"protocol":"UDP"},{"port":2000,"protocol":"TCP"}]}}`), metav1.PatchOptions{FieldManager: "w"})
	fmt.Println("svc", err)
	_, err = cs.CoreV1().ServiceAccounts("default").Apply(ctx, corev1ac.ServiceAccount("sa", "default").WithAnnotations(map[string]string{"eks.amazonaws.com/role-arn": "r"}), metav1.ApplyOptions{FieldManager: "w"})
	fmt.Println("sa", err)
	// create without apply then apply
	l, _ := cs.CoreV1().ConfigMaps("").List(ctx, metav1.ListOptions{})
	fmt.Println(len(l.Items))
}
