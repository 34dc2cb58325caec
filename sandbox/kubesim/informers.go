package kubesim

import (
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/listers"
	"k8s.io/client-go/tools/cache"

	"github.com/xray-wizard/xray-wizard/kube"
)

// Informers are the cluster's shared informers, as a controller manager's
// informer factory holds them: one watch per kind for all its readers.
type Informers struct {
	kube.Informers
	ds, deploy, pod, sa, cm, svc, node cache.SharedIndexInformer
}

// NewInformers makes the informers on a clientset; Start starts them.
func NewInformers(kc kube.Interface) *Informers {
	i := &Informers{}
	i.ds = i.Add(kube.NewInformer(kc.AppsV1().DaemonSets(metav1.NamespaceAll), &appsv1.DaemonSet{}, kube.InformerOptions{}))
	i.deploy = i.Add(kube.NewInformer(kc.AppsV1().Deployments(metav1.NamespaceAll), &appsv1.Deployment{}, kube.InformerOptions{}))
	i.pod = i.Add(kube.NewInformer(kc.CoreV1().Pods(metav1.NamespaceAll), &corev1.Pod{}, kube.InformerOptions{}))
	i.sa = i.Add(kube.NewInformer(kc.CoreV1().ServiceAccounts(metav1.NamespaceAll), &corev1.ServiceAccount{}, kube.InformerOptions{}))
	i.cm = i.Add(kube.NewInformer(kc.CoreV1().ConfigMaps(metav1.NamespaceAll), &corev1.ConfigMap{}, kube.InformerOptions{}))
	i.svc = i.Add(kube.NewInformer(kc.CoreV1().Services(metav1.NamespaceAll), &corev1.Service{}, kube.InformerOptions{}))
	i.node = i.Add(kube.NewInformer(kc.CoreV1().Nodes(), &corev1.Node{}, kube.InformerOptions{}))
	return i
}

// Pods are the pods in a namespace ("" for all), and so on.
func (i *Informers) Pods(ns string) listers.ResourceIndexer[*corev1.Pod] {
	return kube.Lister[*corev1.Pod](i.pod, corev1.Resource("pods"), ns)
}

func (i *Informers) DaemonSets(ns string) listers.ResourceIndexer[*appsv1.DaemonSet] {
	return kube.Lister[*appsv1.DaemonSet](i.ds, appsv1.Resource("daemonsets"), ns)
}

func (i *Informers) Deployments(ns string) listers.ResourceIndexer[*appsv1.Deployment] {
	return kube.Lister[*appsv1.Deployment](i.deploy, appsv1.Resource("deployments"), ns)
}

func (i *Informers) ConfigMaps(ns string) listers.ResourceIndexer[*corev1.ConfigMap] {
	return kube.Lister[*corev1.ConfigMap](i.cm, corev1.Resource("configmaps"), ns)
}

func (i *Informers) Services(ns string) listers.ResourceIndexer[*corev1.Service] {
	return kube.Lister[*corev1.Service](i.svc, corev1.Resource("services"), ns)
}

// Nodes are the cluster's nodes in the order they joined (their EC2
// instance ids count up).
func (i *Informers) Nodes() []*corev1.Node {
	nodes, _ := kube.Lister[*corev1.Node](i.node, corev1.Resource("nodes"), "").List(labels.Everything())
	slices.SortFunc(nodes, func(a, b *corev1.Node) int { return strings.Compare(nodeOrder(a), nodeOrder(b)) })
	return nodes
}

// nodeOrder sorts nodes by instance id, then name.
func nodeOrder(n *corev1.Node) string {
	id := n.Spec.ProviderID
	if k := strings.LastIndex(id, "/"); k >= 0 {
		id = id[k+1:]
	}
	return id + "|" + n.Name
}

// nodeIP is a node's internal address.
func nodeIP(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	return ""
}

// handle adds one function for a kind's adds, updates (the new object) and,
// with onDelete, deletions (the last state known, tombstones unwrapped).
func handle(inf cache.SharedIndexInformer, f func(obj any), onDelete bool) error {
	h := cache.ResourceEventHandlerFuncs{AddFunc: f, UpdateFunc: func(_, n any) { f(n) }}
	if onDelete {
		h.DeleteFunc = func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok && tomb.Obj != nil {
				obj = tomb.Obj
			}
			f(obj)
		}
	}
	_, err := inf.AddEventHandler(h)
	return err
}
