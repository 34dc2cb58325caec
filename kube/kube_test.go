package kube_test

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/kube"
)

// The fake applies as an API server does, with the kinds' schema: an
// object is created and recorded as the manager's, a second manager's
// change to an owned field conflicts, and a field the kind lacks is refused.
func TestFakeServerSideApply(t *testing.T) {
	f := kube.NewFake()
	ctx := context.Background()
	ds := func(image string) *kube.Object {
		o := kube.NewObject("apps/v1", "DaemonSet", "default", "xray-daemon").WithLabels(map[string]string{"app": "xray-daemon"})
		o.Map["spec"] = map[string]any{
			"selector": map[string]any{"matchLabels": map[string]any{"app": "xray-daemon"}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "xray-daemon"}},
				"spec":     map[string]any{"containers": []any{map[string]any{"name": "xray-daemon", "image": image}}},
			},
		}
		return o
	}
	got, err := f.AppsV1().DaemonSets("default").Apply(ctx, ds("amazon/aws-xray-daemon:3.3.14"), metav1.ApplyOptions{FieldManager: "xray-wizard"})
	if err != nil || got.Spec.Template.Spec.Containers[0].Image != "amazon/aws-xray-daemon:3.3.14" || len(got.ManagedFields) != 1 {
		t.Fatalf("apply: %+v %v", got, err)
	}
	_, err = f.AppsV1().DaemonSets("default").Apply(ctx, ds("amazon/aws-xray-daemon:latest"), metav1.ApplyOptions{FieldManager: "kubectl"})
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `containers[name="xray-daemon"].image`) {
		t.Fatalf("a second manager's image: %v, want a conflict on the container's image", err)
	}
	bad := kube.NewObject("v1", "ConfigMap", "default", "c")
	bad.Map["dta"] = map[string]any{}
	if _, err := f.CoreV1().ConfigMaps("default").Apply(ctx, bad, metav1.ApplyOptions{FieldManager: "xray-wizard"}); err == nil || !strings.Contains(err.Error(), "dta") {
		t.Fatalf("an unknown field: %v", err)
	}
}

// An Object names only the fields it was given, and decodes strictly.
func TestObject(t *testing.T) {
	o := kube.NewObject("v1", "ServiceAccount", "default", "xray-daemon").
		WithLabels(map[string]string{"a": "b"}).WithAnnotations(map[string]string{"eks.amazonaws.com/role-arn": "arn"})
	b, err := o.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"annotations":{"eks.amazonaws.com/role-arn":"arn"},"labels":{"a":"b"},"name":"xray-daemon","namespace":"default"}}`
	if string(b) != want {
		t.Errorf("json = %s\nwant %s", b, want)
	}
	var sa corev1.ServiceAccount
	if err := o.Into(&sa); err != nil || sa.Annotations["eks.amazonaws.com/role-arn"] != "arn" || *o.GetName() != "xray-daemon" {
		t.Errorf("into: %+v %v", sa, err)
	}
	o.SetString("x", "spec", "typo")
	if err := o.Into(&appsv1.DaemonSet{}); err == nil {
		t.Error("a field the kind lacks decoded")
	}
}

// The pods' log options become the query kubectl logs sends.
func TestLogOptionsQuery(t *testing.T) {
	tail := int64(3)
	q, err := kube.ParameterCodec.EncodeParameters(&corev1.PodLogOptions{TailLines: &tail, Previous: true}, corev1.SchemeGroupVersion)
	if err != nil || q.Get("tailLines") != "3" || q.Get("previous") != "true" {
		t.Fatalf("query %v, %v", q, err)
	}
}
