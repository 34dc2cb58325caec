package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/gentype"
	"k8s.io/client-go/rest"
)

// Clientset talks to an API server.
type Clientset struct {
	core, apps, rbac rest.Interface
}

// NewForConfig makes a clientset from a rest config, as client-go's
// kubernetes.NewForConfig does for its groups.
func NewForConfig(c *rest.Config) (*Clientset, error) {
	httpClient, err := rest.HTTPClientFor(c)
	if err != nil {
		return nil, err
	}
	client := func(gv schema.GroupVersion, apiPath string) (rest.Interface, error) {
		cfg := *c
		cfg.GroupVersion = &gv
		cfg.APIPath = apiPath
		cfg.NegotiatedSerializer = Codecs.WithoutConversion()
		if cfg.UserAgent == "" {
			cfg.UserAgent = rest.DefaultKubernetesUserAgent()
		}
		return rest.RESTClientForConfigAndClient(&cfg, httpClient)
	}
	var cs Clientset
	if cs.core, err = client(corev1.SchemeGroupVersion, "/api"); err != nil {
		return nil, err
	}
	if cs.apps, err = client(appsv1.SchemeGroupVersion, "/apis"); err != nil {
		return nil, err
	}
	if cs.rbac, err = client(rbacv1.SchemeGroupVersion, "/apis"); err != nil {
		return nil, err
	}
	return &cs, nil
}

type withMeta interface {
	runtime.Object
	metav1.Object
}

// typed is a client of one resource, as client-go's generated ones are.
func typed[T withMeta, L runtime.Object](rc rest.Interface, resource, ns string) Client[T, L] {
	return gentype.NewClientWithListAndApply[T, L, *Object](resource, rc, ParameterCodec, ns, newOf[T], newOf[L], gentype.PrefersProtobuf[T]())
}

// newOf makes an empty object of a pointer type.
func newOf[T any]() T {
	return reflect.New(reflect.TypeFor[T]().Elem()).Interface().(T)
}

func (c *Clientset) CoreV1() CoreV1       { return realCore{c.core} }
func (c *Clientset) AppsV1() AppsV1       { return realApps{c.apps} }
func (c *Clientset) RbacV1() RbacV1       { return realRbac{c.rbac} }
func (c *Clientset) Discovery() Discovery { return realDiscovery{c.core} }

type realCore struct{ rc rest.Interface }

type realPods struct {
	Client[*corev1.Pod, *corev1.PodList]
	rc rest.Interface
	ns string
}

func (p realPods) Logs(ctx context.Context, name string, opts *corev1.PodLogOptions) ([]byte, error) {
	return p.rc.Get().Namespace(p.ns).Resource("pods").Name(name).SubResource("log").
		VersionedParams(opts, ParameterCodec).DoRaw(ctx)
}

func (c realCore) Pods(ns string) Pods {
	return realPods{typed[*corev1.Pod, *corev1.PodList](c.rc, "pods", ns), c.rc, ns}
}
func (c realCore) Services(ns string) Client[*corev1.Service, *corev1.ServiceList] {
	return typed[*corev1.Service, *corev1.ServiceList](c.rc, "services", ns)
}
func (c realCore) ConfigMaps(ns string) Client[*corev1.ConfigMap, *corev1.ConfigMapList] {
	return typed[*corev1.ConfigMap, *corev1.ConfigMapList](c.rc, "configmaps", ns)
}
func (c realCore) ServiceAccounts(ns string) Client[*corev1.ServiceAccount, *corev1.ServiceAccountList] {
	return typed[*corev1.ServiceAccount, *corev1.ServiceAccountList](c.rc, "serviceaccounts", ns)
}
func (c realCore) Events(ns string) Client[*corev1.Event, *corev1.EventList] {
	return typed[*corev1.Event, *corev1.EventList](c.rc, "events", ns)
}
func (c realCore) Nodes() Client[*corev1.Node, *corev1.NodeList] {
	return typed[*corev1.Node, *corev1.NodeList](c.rc, "nodes", "")
}
func (c realCore) Namespaces() Client[*corev1.Namespace, *corev1.NamespaceList] {
	return typed[*corev1.Namespace, *corev1.NamespaceList](c.rc, "namespaces", "")
}

type realApps struct{ rc rest.Interface }

func (c realApps) DaemonSets(ns string) Client[*appsv1.DaemonSet, *appsv1.DaemonSetList] {
	return typed[*appsv1.DaemonSet, *appsv1.DaemonSetList](c.rc, "daemonsets", ns)
}
func (c realApps) Deployments(ns string) Client[*appsv1.Deployment, *appsv1.DeploymentList] {
	return typed[*appsv1.Deployment, *appsv1.DeploymentList](c.rc, "deployments", ns)
}
func (c realApps) ReplicaSets(ns string) Client[*appsv1.ReplicaSet, *appsv1.ReplicaSetList] {
	return typed[*appsv1.ReplicaSet, *appsv1.ReplicaSetList](c.rc, "replicasets", ns)
}

type realRbac struct{ rc rest.Interface }

func (c realRbac) ClusterRoleBindings() Client[*rbacv1.ClusterRoleBinding, *rbacv1.ClusterRoleBindingList] {
	return typed[*rbacv1.ClusterRoleBinding, *rbacv1.ClusterRoleBindingList](c.rc, "clusterrolebindings", "")
}
func (c realRbac) ClusterRoles() Client[*rbacv1.ClusterRole, *rbacv1.ClusterRoleList] {
	return typed[*rbacv1.ClusterRole, *rbacv1.ClusterRoleList](c.rc, "clusterroles", "")
}

type realDiscovery struct{ rc rest.Interface }

func (d realDiscovery) getJSON(ctx context.Context, path string, into any) error {
	ctx, cancel := context.WithTimeout(ctx, DiscoveryTimeout)
	defer cancel()
	b, err := d.rc.Get().AbsPath(path).SetHeader("Accept", "application/json").Do(ctx).Raw()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (d realDiscovery) ServerVersion(ctx context.Context) (*version.Info, error) {
	var v version.Info
	if err := d.getJSON(ctx, "/version", &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// ServerGroups lists the groups as kubectl api-versions sees them: the
// legacy core group from /api first, then /apis.
func (d realDiscovery) ServerGroups(ctx context.Context) (*metav1.APIGroupList, error) {
	var legacy metav1.APIVersions
	if err := d.getJSON(ctx, "/api", &legacy); err != nil {
		return nil, err
	}
	var groups metav1.APIGroupList
	if err := d.getJSON(ctx, "/apis", &groups); err != nil {
		return nil, err
	}
	if len(legacy.Versions) > 0 {
		core := metav1.APIGroup{Name: ""}
		for _, v := range legacy.Versions {
			core.Versions = append(core.Versions, metav1.GroupVersionForDiscovery{GroupVersion: v, Version: v})
		}
		core.PreferredVersion = core.Versions[0]
		groups.Groups = append([]metav1.APIGroup{core}, groups.Groups...)
	}
	return &groups, nil
}
