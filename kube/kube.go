// Package kube is the part of the Kubernetes API the wizard uses: typed
// clients for the kinds it reads and writes (core/v1, apps/v1, rbac/v1),
// server-side apply of plain manifests, shared informers, and a fake with
// an object tracker for the practice sandbox.
//
// It exists so that the wizard links three API groups, not all sixty of
// client-go's clientset: every linked group registers its types when the
// program starts, which made up most of the memory a short command such as
// `xray-wizard traces` used.
package kube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/apimachinery/pkg/watch"
	sigsjson "sigs.k8s.io/json"
)

// Scheme knows the kinds of the three API groups.
var (
	Scheme         = runtime.NewScheme()
	Codecs         = serializer.NewCodecFactory(Scheme)
	ParameterCodec = runtime.NewParameterCodec(Scheme)
)

func init() {
	utilruntime.Must(corev1.AddToScheme(Scheme))
	utilruntime.Must(appsv1.AddToScheme(Scheme))
	utilruntime.Must(rbacv1.AddToScheme(Scheme))
	metav1.AddToGroupVersion(Scheme, schema.GroupVersion{Version: "v1"})
}

// Interface is the wizard's view of a cluster.
type Interface interface {
	CoreV1() CoreV1
	AppsV1() AppsV1
	RbacV1() RbacV1
	Discovery() Discovery
}

// Client reads and writes one resource, as client-go's typed clients do.
type Client[T runtime.Object, L runtime.Object] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	UpdateStatus(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
	Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (T, error)
	// Apply is a server-side apply of obj, as kubectl apply --server-side
	// sends a manifest.
	Apply(ctx context.Context, obj *Object, opts metav1.ApplyOptions) (T, error)
}

// Pods adds the pods' log to their client.
type Pods interface {
	Client[*corev1.Pod, *corev1.PodList]
	// Logs reads a pod's log (kubectl logs).
	Logs(ctx context.Context, name string, opts *corev1.PodLogOptions) ([]byte, error)
}

// CoreV1 is the core API group's kinds the wizard uses.
type CoreV1 interface {
	Pods(namespace string) Pods
	Services(namespace string) Client[*corev1.Service, *corev1.ServiceList]
	ConfigMaps(namespace string) Client[*corev1.ConfigMap, *corev1.ConfigMapList]
	ServiceAccounts(namespace string) Client[*corev1.ServiceAccount, *corev1.ServiceAccountList]
	Events(namespace string) Client[*corev1.Event, *corev1.EventList]
	Nodes() Client[*corev1.Node, *corev1.NodeList]
	Namespaces() Client[*corev1.Namespace, *corev1.NamespaceList]
}

// AppsV1 is the apps API group's kinds the wizard uses.
type AppsV1 interface {
	DaemonSets(namespace string) Client[*appsv1.DaemonSet, *appsv1.DaemonSetList]
	Deployments(namespace string) Client[*appsv1.Deployment, *appsv1.DeploymentList]
	ReplicaSets(namespace string) Client[*appsv1.ReplicaSet, *appsv1.ReplicaSetList]
}

// RbacV1 is the RBAC API group's kinds the wizard uses.
type RbacV1 interface {
	ClusterRoleBindings() Client[*rbacv1.ClusterRoleBinding, *rbacv1.ClusterRoleBindingList]
	ClusterRoles() Client[*rbacv1.ClusterRole, *rbacv1.ClusterRoleList]
}

// Discovery is what the wizard asks of the API server about itself. Each
// call ends with ctx, and after DiscoveryTimeout at most: an API server
// that takes the connection and never answers does not hold a run.
type Discovery interface {
	// ServerVersion is GET /version.
	ServerVersion(ctx context.Context) (*version.Info, error)
	// ServerGroups are the API groups and versions served (GET /api, /apis).
	ServerGroups(ctx context.Context) (*metav1.APIGroupList, error)
}

// DiscoveryTimeout is the longest a discovery call waits for its answer.
const DiscoveryTimeout = 30 * time.Second

// Object is an object to server-side apply: a manifest's fields, no more.
// Unlike a typed object it carries no zero values, so applying it claims
// only the fields it names.
type Object struct {
	Map map[string]any
}

// NewObject starts an object of a kind, named, in a namespace ("" for a
// cluster-wide kind).
func NewObject(apiVersion, kind, namespace, name string) *Object {
	md := map[string]any{"name": name}
	if namespace != "" {
		md["namespace"] = namespace
	}
	return &Object{Map: map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": md}}
}

// GetName is the object's name, nil when it has none.
func (o *Object) GetName() *string {
	md, _ := o.Map["metadata"].(map[string]any)
	if n, ok := md["name"].(string); ok {
		return &n
	}
	return nil
}

// Kind is the object's kind.
func (o *Object) Kind() string { s, _ := o.Map["kind"].(string); return s }

// metadata is the object's metadata map, made when missing.
func (o *Object) metadata() map[string]any {
	md, ok := o.Map["metadata"].(map[string]any)
	if !ok {
		md = map[string]any{}
		o.Map["metadata"] = md
	}
	return md
}

// SetNamespace puts the object in a namespace.
func (o *Object) SetNamespace(ns string) *Object {
	o.metadata()["namespace"] = ns
	return o
}

// WithLabels adds labels.
func (o *Object) WithLabels(l map[string]string) *Object { return o.withStrings("labels", l) }

// WithAnnotations adds annotations.
func (o *Object) WithAnnotations(a map[string]string) *Object { return o.withStrings("annotations", a) }

// WithoutLabel leaves a label out of the object's metadata.
func (o *Object) WithoutLabel(key string) *Object {
	if m, ok := o.metadata()["labels"].(map[string]any); ok {
		delete(m, key)
	}
	return o
}

func (o *Object) withStrings(field string, kv map[string]string) *Object {
	md := o.metadata()
	m, ok := md[field].(map[string]any)
	if !ok {
		m = map[string]any{}
		md[field] = m
	}
	for k, v := range kv {
		m[k] = v
	}
	return o
}

// String reads a string at a path of fields, "" when there is none.
func (o *Object) String(path ...string) string {
	var v any = o.Map
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[p]
	}
	s, _ := v.(string)
	return s
}

// SetString writes a string at a path of fields, making the maps on the way.
func (o *Object) SetString(value string, path ...string) {
	m := o.Map
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = value
}

// MarshalJSON is the manifest as JSON.
func (o *Object) MarshalJSON() ([]byte, error) { return json.Marshal(o.Map) }

// ObjectOf is the manifest of any value that marshals to one, such as
// client-go's apply configurations.
func ObjectOf(v any) (*Object, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	o := &Object{}
	if err := json.Unmarshal(b, &o.Map); err != nil {
		return nil, err
	}
	return o, nil
}

// Into decodes the object into a typed one, strictly: a field the type
// does not have is an error, as the API server's strict field validation
// makes it.
func (o *Object) Into(out runtime.Object) error {
	b, err := json.Marshal(o.Map)
	if err != nil {
		return err
	}
	strict, err := sigsjson.UnmarshalStrict(b, out)
	if err != nil {
		return err
	}
	if len(strict) > 0 {
		return fmt.Errorf("%s %v: %w", o.Kind(), ptrString(o.GetName()), errors.Join(strict...))
	}
	return nil
}

func ptrString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
