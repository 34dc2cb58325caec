package kube

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/gentype"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// Fake is a cluster in memory: client-go's object tracker behind the same
// clients, with reactors (k8stesting.Fake) to make it behave as an API
// server does. Server-side apply runs the API server's own field manager,
// with the schema of the kinds as a real API server publishes it.
type Fake struct {
	k8stesting.Fake
	tracker k8stesting.ObjectTracker
	// Version is what ServerVersion answers.
	Version *version.Info
	// Groups is what ServerGroups answers.
	Groups []metav1.APIGroup
	// LogFunc answers Logs; nil answers an empty log.
	LogFunc func(namespace, pod string, opts *corev1.PodLogOptions) ([]byte, error)
}

// NewFake makes a cluster in memory holding objs.
func NewFake(objs ...runtime.Object) *Fake {
	tc, err := typeConverter()
	if err != nil {
		panic(err)
	}
	o := k8stesting.NewFieldManagedObjectTracker(Scheme, Codecs.UniversalDecoder(), tc)
	for _, obj := range objs {
		if err := o.Add(obj); err != nil {
			panic(err)
		}
	}
	f := &Fake{tracker: o}
	f.AddReactor("*", "*", k8stesting.ObjectReaction(o))
	f.AddWatchReactor("*", func(action k8stesting.Action) (bool, watch.Interface, error) {
		var opts metav1.ListOptions
		if wa, ok := action.(k8stesting.WatchActionImpl); ok {
			opts = wa.ListOptions
		}
		w, err := o.Watch(action.GetResource(), action.GetNamespace(), opts)
		if err != nil {
			return false, nil, err
		}
		return true, w, nil
	})
	return f
}

// Tracker is the store under the fake.
func (f *Fake) Tracker() k8stesting.ObjectTracker { return f.tracker }

// openapi is the OpenAPI (v2) definitions of the kinds the fake stores and
// of what they refer to, as a Kubernetes 1.34 API server publishes them
// (e2e/controlplane checks it against one and rewrites it).
//
//go:embed openapi.json.gz
var openapi []byte

// typeConverter is the schema-aware converter server-side apply uses, built
// once from the embedded definitions.
var typeConverter = sync.OnceValues(func() (managedfields.TypeConverter, error) {
	zr, err := gzip.NewReader(bytes.NewReader(openapi))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var defs map[string]*spec.Schema
	if err := json.Unmarshal(raw, &defs); err != nil {
		return nil, fmt.Errorf("kube: openapi definitions: %w", err)
	}
	return managedfields.NewTypeConverter(defs, false)
})

// fakeTyped is a fake client of one resource. Lists are read and built
// through their Items by reflection (meta.ExtractList, meta.SetList).
func fakeTyped[T withMeta, L runtime.Object](f *Fake, gv schema.GroupVersion, resource, kind, ns string) Client[T, L] {
	return gentype.NewFakeClientWithListAndApply[T, L, *Object](&f.Fake, ns, gv.WithResource(resource), gv.WithKind(kind), newOf[T], newOf[L],
		func(dst, src L) {
			d, _ := any(dst).(metav1.ListInterface)
			s, _ := any(src).(metav1.ListInterface)
			if d != nil && s != nil {
				d.SetResourceVersion(s.GetResourceVersion())
				d.SetContinue(s.GetContinue())
			}
		},
		func(l L) []T {
			objs, _ := meta.ExtractList(l)
			out := make([]T, 0, len(objs))
			for _, o := range objs {
				if t, ok := o.(T); ok {
					out = append(out, t)
				}
			}
			return out
		},
		func(l L, items []T) {
			objs := make([]runtime.Object, len(items))
			for i, t := range items {
				objs[i] = t
			}
			_ = meta.SetList(l, objs)
		})
}

func (f *Fake) CoreV1() CoreV1       { return fakeCore{f} }
func (f *Fake) AppsV1() AppsV1       { return fakeApps{f} }
func (f *Fake) RbacV1() RbacV1       { return fakeRbac{f} }
func (f *Fake) Discovery() Discovery { return fakeDiscovery{f} }

type fakeCore struct{ f *Fake }

type fakePods struct {
	Client[*corev1.Pod, *corev1.PodList]
	f  *Fake
	ns string
}

// Logs records the read as a "get" of pods/log, as client-go's fake does,
// and answers from LogFunc.
func (p fakePods) Logs(_ context.Context, name string, opts *corev1.PodLogOptions) ([]byte, error) {
	action := k8stesting.GenericActionImpl{}
	action.Verb, action.Namespace, action.Subresource, action.Value = "get", p.ns, "log", opts
	action.Resource = corev1.SchemeGroupVersion.WithResource("pods")
	if _, err := p.f.Invokes(action, &corev1.Pod{}); err != nil {
		return nil, err
	}
	if p.f.LogFunc == nil {
		return nil, nil
	}
	return p.f.LogFunc(p.ns, name, opts)
}

var core = corev1.SchemeGroupVersion

func (c fakeCore) Pods(ns string) Pods {
	return fakePods{fakeTyped[*corev1.Pod, *corev1.PodList](c.f, core, "pods", "Pod", ns), c.f, ns}
}
func (c fakeCore) Services(ns string) Client[*corev1.Service, *corev1.ServiceList] {
	return fakeTyped[*corev1.Service, *corev1.ServiceList](c.f, core, "services", "Service", ns)
}
func (c fakeCore) ConfigMaps(ns string) Client[*corev1.ConfigMap, *corev1.ConfigMapList] {
	return fakeTyped[*corev1.ConfigMap, *corev1.ConfigMapList](c.f, core, "configmaps", "ConfigMap", ns)
}
func (c fakeCore) ServiceAccounts(ns string) Client[*corev1.ServiceAccount, *corev1.ServiceAccountList] {
	return fakeTyped[*corev1.ServiceAccount, *corev1.ServiceAccountList](c.f, core, "serviceaccounts", "ServiceAccount", ns)
}
func (c fakeCore) Events(ns string) Client[*corev1.Event, *corev1.EventList] {
	return fakeTyped[*corev1.Event, *corev1.EventList](c.f, core, "events", "Event", ns)
}
func (c fakeCore) Nodes() Client[*corev1.Node, *corev1.NodeList] {
	return fakeTyped[*corev1.Node, *corev1.NodeList](c.f, core, "nodes", "Node", "")
}
func (c fakeCore) Namespaces() Client[*corev1.Namespace, *corev1.NamespaceList] {
	return fakeTyped[*corev1.Namespace, *corev1.NamespaceList](c.f, core, "namespaces", "Namespace", "")
}

type fakeApps struct{ f *Fake }

var apps = appsv1.SchemeGroupVersion

func (c fakeApps) DaemonSets(ns string) Client[*appsv1.DaemonSet, *appsv1.DaemonSetList] {
	return fakeTyped[*appsv1.DaemonSet, *appsv1.DaemonSetList](c.f, apps, "daemonsets", "DaemonSet", ns)
}
func (c fakeApps) Deployments(ns string) Client[*appsv1.Deployment, *appsv1.DeploymentList] {
	return fakeTyped[*appsv1.Deployment, *appsv1.DeploymentList](c.f, apps, "deployments", "Deployment", ns)
}
func (c fakeApps) ReplicaSets(ns string) Client[*appsv1.ReplicaSet, *appsv1.ReplicaSetList] {
	return fakeTyped[*appsv1.ReplicaSet, *appsv1.ReplicaSetList](c.f, apps, "replicasets", "ReplicaSet", ns)
}

type fakeRbac struct{ f *Fake }

var rbac = rbacv1.SchemeGroupVersion

func (c fakeRbac) ClusterRoleBindings() Client[*rbacv1.ClusterRoleBinding, *rbacv1.ClusterRoleBindingList] {
	return fakeTyped[*rbacv1.ClusterRoleBinding, *rbacv1.ClusterRoleBindingList](c.f, rbac, "clusterrolebindings", "ClusterRoleBinding", "")
}
func (c fakeRbac) ClusterRoles() Client[*rbacv1.ClusterRole, *rbacv1.ClusterRoleList] {
	return fakeTyped[*rbacv1.ClusterRole, *rbacv1.ClusterRoleList](c.f, rbac, "clusterroles", "ClusterRole", "")
}

type fakeDiscovery struct{ f *Fake }

// ServerVersion records a "get" of "version", as client-go's fake discovery
// does, so reactors can fail it.
func (d fakeDiscovery) ServerVersion(context.Context) (*version.Info, error) {
	action := k8stesting.ActionImpl{Verb: "get", Resource: schema.GroupVersionResource{Resource: "version"}}
	if _, err := d.f.Invokes(action, nil); err != nil {
		return nil, err
	}
	if d.f.Version != nil {
		v := *d.f.Version
		return &v, nil
	}
	return &version.Info{Major: "1", Minor: "34", GitVersion: "v1.34.4"}, nil
}

func (d fakeDiscovery) ServerGroups(context.Context) (*metav1.APIGroupList, error) {
	action := k8stesting.ActionImpl{Verb: "get", Resource: schema.GroupVersionResource{Resource: "group"}}
	if _, err := d.f.Invokes(action, nil); err != nil {
		return nil, err
	}
	return &metav1.APIGroupList{Groups: append([]metav1.APIGroup(nil), d.f.Groups...)}, nil
}
