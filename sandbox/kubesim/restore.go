package kubesim

import (
	"hash/fnv"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/xray-wizard/xray-wizard/kube"
)

// Saving a cluster is an etcd backup: every object the API server holds,
// as it holds it — managedFields included, so server-side apply knows
// after a restore who owns which field. The nodes are the machine's (made
// again by New), so they are not saved. Events are, as etcd holds them,
// until the API server's event TTL (an hour) is past: a DaemonSet whose
// pods were refused still says why after a restart.

// unsaved are the kinds a saved cluster leaves out.
var unsaved = map[string]bool{"Node": true}

// eventTTL is how long the API server keeps an event (kube-apiserver's
// --event-ttl default).
const eventTTL = time.Hour

// Objects are the cluster's objects for Options.Restore, each with its
// apiVersion and kind set, sorted by kind, namespace and name.
func (c *Cluster) Objects() ([]runtime.Object, error) {
	tracker := c.api.Clientset().Tracker()
	var out []runtime.Object
	for _, gvk := range storedKinds() {
		gvr, _ := meta.UnsafeGuessKindToResource(gvk)
		list, err := tracker.List(gvr, gvk, "")
		if err != nil {
			return nil, err
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, err
		}
		for _, obj := range items {
			obj = obj.DeepCopyObject()
			obj.GetObjectKind().SetGroupVersionKind(gvk)
			out = append(out, obj)
		}
	}
	slices.SortStableFunc(out, func(a, b runtime.Object) int {
		ka, kb := a.GetObjectKind().GroupVersionKind().String(), b.GetObjectKind().GroupVersionKind().String()
		if c := strings.Compare(ka, kb); c != 0 {
			return c
		}
		ma, _ := meta.Accessor(a)
		mb, _ := meta.Accessor(b)
		return strings.Compare(ma.GetNamespace()+"/"+ma.GetName(), mb.GetNamespace()+"/"+mb.GetName())
	})
	return out, nil
}

// storedKinds are the kinds of the API groups the cluster serves that have
// a list kind (what the API server can store), but the unsaved ones.
func storedKinds() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for gvk := range kube.Scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || strings.HasSuffix(gvk.Kind, "List") || unsaved[gvk.Kind] {
			continue
		}
		if gvk.Group != corev1.GroupName && gvk.Group != "apps" && gvk.Group != "rbac.authorization.k8s.io" {
			continue
		}
		list := gvk
		list.Kind += "List"
		if !kube.Scheme.Recognizes(list) {
			continue
		}
		if obj, err := kube.Scheme.New(gvk); err != nil {
			continue
		} else if _, err := meta.Accessor(obj); err != nil {
			continue // not an object (APIGroup)
		}
		out = append(out, gvk)
	}
	slices.SortFunc(out, func(a, b schema.GroupVersionKind) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// restorable are the saved objects New adds: all but the unsaved kinds,
// each (kind, namespace, name) once.
func restorable(objs []runtime.Object) []runtime.Object {
	var out []runtime.Object
	seen := map[string]bool{}
	for _, obj := range objs {
		m, err := meta.Accessor(obj)
		if err != nil {
			continue
		}
		kind := obj.GetObjectKind().GroupVersionKind().Kind
		if kind == "" {
			if kinds, _, err := kube.Scheme.ObjectKinds(obj); err == nil && len(kinds) > 0 {
				kind = kinds[0].Kind
			}
		}
		key := kind + "/" + m.GetNamespace() + "/" + m.GetName()
		if e, ok := obj.(*corev1.Event); ok && expired(e) {
			continue
		}
		if !unsaved[kind] && !seen[key] {
			seen[key] = true
			out = append(out, obj)
		}
	}
	return out
}

// expired: an event last seen longer than the event TTL ago, which the API
// server has deleted.
func expired(e *corev1.Event) bool {
	last := e.LastTimestamp.Time
	if e.Series != nil && e.Series.LastObservedTime.After(last) {
		last = e.Series.LastObservedTime.Time
	}
	if last.IsZero() {
		last = e.CreationTimestamp.Time
	}
	return time.Since(last) > eventTTL
}

// restoredSeed is a seed of what a cluster restores: the objects' UIDs,
// which every creation draws anew. Mixed into the cluster's seed, it keeps
// a restored cluster from drawing the pod names the run that saved it
// drew — names of pods it deleted moments before, which a real API server
// (five random characters of 27) all but never hands out again.
func restoredSeed(objs []runtime.Object) uint64 {
	h := fnv.New64a()
	for _, obj := range objs {
		if m, err := meta.Accessor(obj); err == nil {
			_, _ = h.Write([]byte(m.GetUID()))
		}
	}
	return h.Sum64()
}
