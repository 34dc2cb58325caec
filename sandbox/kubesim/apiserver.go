package kubesim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
	k8stesting "k8s.io/client-go/testing"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/kube"
)

// APIServer is the cluster's API: a client-go fake clientset with the
// reactors that make it answer as an apiserver does where the wizard can
// tell. Its state is the tracker's objects and its own tombstones.
type APIServer struct {
	cs        *kube.Fake
	admission Admission

	mu    sync.Mutex
	seq   int64 // counts deletions; tombs are the latest (see list and delete)
	tombs []tombstone
}

// NewAPIServer makes the API server holding objs, with the admission of
// EKS's pod identity webhook.
func NewAPIServer(adm Admission, objs ...runtime.Object) *APIServer {
	s := &APIServer{cs: kube.NewFake(objs...), admission: adm}
	s.install()
	return s
}

// Clientset is the API server's clientset.
func (s *APIServer) Clientset() *kube.Fake { return s.cs }

// install installs the reactors that make the fake clientset answer as
// an apiserver does where the wizard can tell: names from generateName,
// uids, creation times and generations; status written only through the
// status subresource; the admission webhook of EKS; server-side dry runs;
// apply without a field manager refused; API versions Kubernetes 1.34 no
// longer serves; and watches that miss nothing and filter by label.
func (s *APIServer) install() {
	tracker := s.cs.Tracker()
	store := k8stesting.ObjectReaction(tracker)
	// Reactors run newest first.
	s.cs.PrependReactor("*", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		switch a := action.(type) {
		case k8stesting.CreateActionImpl:
			if a.GetResource().Resource == "pods" && a.GetSubresource() == "binding" {
				return s.bind(a)
			}
			if a.GetSubresource() != "" {
				return false, nil, nil
			}
			return s.create(a)
		case k8stesting.UpdateActionImpl:
			return s.update(a)
		case k8stesting.PatchActionImpl:
			return s.patch(a, store)
		case k8stesting.DeleteActionImpl:
			if a.GetResource().Resource == "pods" && a.GetSubresource() == "" {
				if handled, obj, err := s.deletePod(a); handled {
					return handled, obj, err
				}
			}
			return s.delete(a, store)
		case k8stesting.ListActionImpl:
			return s.list(a, store)
		}
		return false, nil, nil
	})
	s.cs.PrependReactor("*", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		if gv := action.GetResource().GroupVersion(); removedAPIs[gv] {
			return true, nil, &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: http.StatusNotFound,
				Reason: metav1.StatusReasonNotFound, Message: "the server could not find the requested resource",
				Details: &metav1.StatusDetails{Group: gv.Group, Kind: action.GetResource().Resource}}}
		}
		return false, nil, nil
	})
	s.cs.PrependWatchReactor("*", s.watch)
}

// The tracker has no resourceVersions, so an informer could miss an object
// deleted between its list and its watch, and keep it for good. As the
// apiserver does, lists carry a version (a count of the cluster's
// deletions, s.seq) and a watch from that version first replays the
// deletions since (tombstones); an informer ignores a deletion of an object
// it never had.

// tombstone is an object deleted, and the count of deletions then.
type tombstone struct {
	seq int64
	gvr schema.GroupVersionResource
	obj runtime.Object
}

// keepTombstones is how many deletions a watch can replay.
const keepTombstones = 4096

// list answers a list with its version.
func (s *APIServer) list(a k8stesting.ListActionImpl, store k8stesting.ReactionFunc) (bool, runtime.Object, error) {
	s.mu.Lock()
	seq := s.seq
	s.mu.Unlock()
	handled, obj, err := store(a)
	if err == nil && obj != nil {
		if l, lerr := meta.ListAccessor(obj); lerr == nil {
			l.SetResourceVersion(strconv.FormatInt(seq, 10))
		}
	}
	return handled, obj, err
}

// delete removes an object and keeps its tombstone.
func (s *APIServer) delete(a k8stesting.DeleteActionImpl, store k8stesting.ReactionFunc) (bool, runtime.Object, error) {
	if a.GetSubresource() != "" {
		return false, nil, nil
	}
	if len(a.DeleteOptions.DryRun) > 0 { // checked, not done
		_, err := s.cs.Tracker().Get(a.GetResource(), a.GetNamespace(), a.GetName())
		return true, nil, err
	}
	old, getErr := s.cs.Tracker().Get(a.GetResource(), a.GetNamespace(), a.GetName())
	handled, obj, err := store(a)
	if err == nil && getErr == nil {
		s.mu.Lock()
		s.seq++
		s.tombs = append(s.tombs, tombstone{seq: s.seq, gvr: a.GetResource(), obj: old})
		if len(s.tombs) > keepTombstones {
			s.tombs = slices.Clone(s.tombs[len(s.tombs)-keepTombstones/2:])
		}
		s.mu.Unlock()
	}
	return handled, obj, err
}

// deletedSince are the objects of a resource (in a namespace, "" for all)
// deleted after version rv.
func (s *APIServer) deletedSince(gvr schema.GroupVersionResource, ns, rv string) []runtime.Object {
	since, err := strconv.ParseInt(rv, 10, 64)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []runtime.Object
	for _, t := range s.tombs {
		if t.seq <= since || t.gvr != gvr {
			continue
		}
		if m, err := meta.Accessor(t.obj); err == nil && (ns == "" || m.GetNamespace() == ns) {
			out = append(out, t.obj)
		}
	}
	return out
}

// removedAPIs are API versions earlier Kubernetes served and 1.34 does not:
// the lab's ClusterRoleBinding on rbac.authorization.k8s.io/v1beta1 is
// refused since 1.22.
var removedAPIs = map[schema.GroupVersion]bool{
	{Group: "rbac.authorization.k8s.io", Version: "v1beta1"}:  true,
	{Group: "rbac.authorization.k8s.io", Version: "v1alpha1"}: true,
	{Group: "extensions", Version: "v1beta1"}:                 true,
	{Group: "apps", Version: "v1beta1"}:                       true,
	{Group: "apps", Version: "v1beta2"}:                       true,
	{Group: "policy", Version: "v1beta1"}:                     true,
	{Group: "batch", Version: "v1beta1"}:                      true,
	{Group: "networking.k8s.io", Version: "v1beta1"}:          true,
	{Group: "autoscaling", Version: "v2beta1"}:                true,
	{Group: "autoscaling", Version: "v2beta2"}:                true,
}

// hasGeneration reports the kinds whose spec changes bump
// metadata.generation, for their controllers to observe.
func hasGeneration(gvr schema.GroupVersionResource) bool {
	return gvr.Group == "apps" && (gvr.Resource == "daemonsets" || gvr.Resource == "deployments" ||
		gvr.Resource == "replicasets" || gvr.Resource == "statefulsets")
}

// create fills in what the apiserver does on create: the name from
// generateName, uid, creation time, generation 1, and for pods the
// mutations of EKS's pod identity webhook.
func (s *APIServer) create(a k8stesting.CreateActionImpl) (bool, runtime.Object, error) {
	obj := a.GetObject().DeepCopyObject()
	m, err := meta.Accessor(obj)
	if err != nil {
		return false, nil, nil
	}
	if m.GetName() == "" && m.GetGenerateName() != "" {
		m.SetName(m.GetGenerateName() + utilrand.String(5))
	}
	if m.GetNamespace() == "" {
		m.SetNamespace(a.GetNamespace())
	}
	if len(a.CreateOptions.DryRun) == 0 {
		if m.GetUID() == "" {
			m.SetUID(uuid.NewUUID())
		}
	}
	if ts := m.GetCreationTimestamp(); ts.IsZero() {
		m.SetCreationTimestamp(metav1.Now())
	}
	if hasGeneration(a.GetResource()) {
		m.SetGeneration(1)
	}
	if p, ok := obj.(*corev1.Pod); ok {
		// The mutating webhook first, then the validating admission.
		if err := s.admitPod(p); err != nil {
			return true, nil, err
		}
		if err := s.admitPodSecurity(p); err != nil {
			return true, nil, err
		}
	}
	if len(a.CreateOptions.DryRun) > 0 {
		if _, err := s.cs.Tracker().Get(a.GetResource(), m.GetNamespace(), m.GetName()); err == nil {
			return true, nil, apierrors.NewAlreadyExists(a.GetResource().GroupResource(), m.GetName())
		}
		return true, obj, nil
	}
	if err := s.cs.Tracker().Create(a.GetResource(), obj, m.GetNamespace(), a.CreateOptions); err != nil {
		return true, nil, err
	}
	out, err := s.cs.Tracker().Get(a.GetResource(), m.GetNamespace(), m.GetName())
	return true, out, err
}

// update keeps what the apiserver keeps: uid, creation time, generation
// (bumped when the spec changes); and it writes either the status (the
// status subresource) or the rest, never both.
func (s *APIServer) update(a k8stesting.UpdateActionImpl) (bool, runtime.Object, error) {
	gvr, ns := a.GetResource(), a.GetNamespace()
	obj := a.GetObject().DeepCopyObject()
	m, err := meta.Accessor(obj)
	if err != nil {
		return false, nil, nil
	}
	old, err := s.cs.Tracker().Get(gvr, ns, m.GetName())
	if err != nil {
		return true, nil, err
	}
	om, _ := meta.Accessor(old)
	if uid := m.GetUID(); uid != "" && uid != om.GetUID() {
		// Written from an object that is gone, another now having its
		// name: the apiserver takes the uid as a precondition.
		return true, nil, uidConflict(gvr.GroupResource(), m.GetName(), uid, om.GetUID())
	}
	m.SetUID(om.GetUID())
	m.SetCreationTimestamp(om.GetCreationTimestamp())
	m.SetGeneration(om.GetGeneration())
	if om.GetDeletionTimestamp() != nil {
		m.SetDeletionTimestamp(om.GetDeletionTimestamp())
		m.SetDeletionGracePeriodSeconds(om.GetDeletionGracePeriodSeconds())
	}
	switch a.GetSubresource() {
	case "status":
		// Only the status changes.
		fresh := old.DeepCopyObject()
		k := partsOf(fresh)
		if k == nil || !k.copyStatus(fresh, obj) {
			return false, nil, nil
		}
		obj = fresh
	case "":
		// Everything but the status; the generation counts spec changes.
		k := partsOf(obj)
		if k != nil {
			k.copyStatus(obj, old)
		}
		if hasGeneration(gvr) && k != nil && !k.sameSpec(obj, old) {
			m.SetGeneration(om.GetGeneration() + 1)
		}
	default:
		return false, nil, nil
	}
	if len(a.UpdateOptions.DryRun) > 0 {
		return true, obj, nil
	}
	if err := s.cs.Tracker().Update(gvr, obj, ns, a.UpdateOptions); err != nil {
		return true, nil, err
	}
	out, err := s.cs.Tracker().Get(gvr, ns, m.GetName())
	return true, out, err
}

// patch answers a server-side dry run without storing it, refuses an apply
// without a field manager as the apiserver does, and after a patch that
// created an object or changed a workload's spec, sets uid, creation time
// and generation.
func (s *APIServer) patch(a k8stesting.PatchActionImpl, store k8stesting.ReactionFunc) (bool, runtime.Object, error) {
	gvr, ns, name := a.GetResource(), a.GetNamespace(), a.GetName()
	if a.GetPatchType() == types.ApplyPatchType && a.PatchOptions.FieldManager == "" {
		return true, nil, apierrors.NewInvalid(schema.GroupKind{Group: "meta.k8s.io", Kind: "PatchOptions"}, "",
			field.ErrorList{field.Required(field.NewPath("fieldManager"), "is required for apply patch")})
	}
	if a.GetPatchType() == types.ApplyPatchType && len(a.PatchOptions.DryRun) > 0 {
		return s.dryRunApply(a)
	}
	if len(a.PatchOptions.DryRun) > 0 {
		// A dry-run patch of another kind: the object as it is.
		obj, err := s.cs.Tracker().Get(gvr, ns, name)
		return true, obj, err
	}
	old, getErr := s.cs.Tracker().Get(gvr, ns, name)
	if a.GetSubresource() == "status" && getErr == nil {
		// The status subresource: only the status may change.
		_, obj, err := store(a)
		if err != nil || obj == nil {
			return true, obj, err
		}
		fresh := old.DeepCopyObject()
		if k := partsOf(fresh); k != nil && k.copyStatus(fresh, obj) {
			if err := s.cs.Tracker().Update(gvr, fresh, ns, metav1.UpdateOptions{FieldManager: a.PatchOptions.FieldManager}); err != nil {
				return true, nil, err
			}
			obj = fresh
		}
		return true, obj, nil
	}
	if a.GetSubresource() != "" {
		return false, nil, nil
	}
	_, obj, err := store(a)
	if err != nil || obj == nil {
		return true, obj, err
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return true, obj, nil
	}
	fix := false
	if getErr != nil { // created by this apply
		m.SetUID(uuid.NewUUID())
		m.SetCreationTimestamp(metav1.Now())
		if hasGeneration(gvr) {
			m.SetGeneration(1)
		}
		fix = true
	} else {
		om, _ := meta.Accessor(old)
		if ts := m.GetCreationTimestamp(); m.GetUID() != om.GetUID() || !ts.Equal(ptr(om.GetCreationTimestamp())) {
			m.SetUID(om.GetUID())
			m.SetCreationTimestamp(om.GetCreationTimestamp())
			fix = true
		}
		k := partsOf(obj)
		if k != nil && !k.sameStatus(obj, old) {
			k.copyStatus(obj, old)
			fix = true
		}
		if hasGeneration(gvr) {
			gen := om.GetGeneration()
			if k != nil && !k.sameSpec(obj, old) {
				gen++
			}
			if m.GetGeneration() != gen {
				m.SetGeneration(gen)
				fix = true
			}
		}
	}
	if fix {
		if err := s.cs.Tracker().Update(gvr, obj, ns); err != nil {
			return true, nil, err
		}
	}
	return true, obj, nil
}

// dryRunApply answers a server-side apply with dryRun=All as the apiserver
// does: the object as it would be, stored nowhere. (The fake tracker alone
// would store it.) It applies to a scratch tracker holding a copy.
func (s *APIServer) dryRunApply(pa k8stesting.PatchActionImpl) (bool, runtime.Object, error) {
	gvr, ns := pa.GetResource(), pa.GetNamespace()
	scratch := kube.NewFake()
	if cur, err := s.cs.Tracker().Get(gvr, ns, pa.GetName()); err == nil {
		if err := scratch.Tracker().Add(cur.DeepCopyObject()); err != nil {
			return true, nil, err
		}
	} else if !apierrors.IsNotFound(err) {
		return true, nil, err
	}
	patch := &unstructured.Unstructured{Object: map[string]any{}}
	if err := sigsyaml.Unmarshal(pa.GetPatch(), &patch.Object); err != nil {
		return true, nil, err
	}
	patch.SetName(pa.GetName())
	opts := pa.PatchOptions
	opts.DryRun = nil
	if err := scratch.Tracker().Apply(gvr, patch, ns, opts); err != nil {
		return true, nil, err
	}
	obj, err := scratch.Tracker().Get(gvr, ns, pa.GetName())
	return true, obj, err
}

// deletePod deletes gracefully as the apiserver does: the pod gets its
// deletion timestamp and stays (Terminating) until its kubelet has stopped
// it. A second delete, or a grace period of 0, removes it at once.
func (s *APIServer) deletePod(a k8stesting.DeleteActionImpl) (bool, runtime.Object, error) {
	obj, err := s.cs.Tracker().Get(a.GetResource(), a.GetNamespace(), a.GetName())
	if err != nil {
		return true, nil, err
	}
	p := obj.(*corev1.Pod)
	if pre := a.DeleteOptions.Preconditions; pre != nil && pre.UID != nil && *pre.UID != p.UID {
		return true, nil, uidConflict(a.GetResource().GroupResource(), p.Name, *pre.UID, p.UID)
	}
	grace := int64(30)
	if p.Spec.TerminationGracePeriodSeconds != nil {
		grace = *p.Spec.TerminationGracePeriodSeconds
	}
	if gp := a.DeleteOptions.GracePeriodSeconds; gp != nil {
		grace = *gp
	}
	if p.DeletionTimestamp != nil || grace == 0 || p.Spec.NodeName == "" || len(a.DeleteOptions.DryRun) > 0 {
		if len(a.DeleteOptions.DryRun) > 0 {
			return true, nil, nil
		}
		return false, nil, nil
	}
	now := metav1.Now()
	p.DeletionTimestamp, p.DeletionGracePeriodSeconds = &now, &grace
	if err := s.cs.Tracker().Update(a.GetResource(), p, p.Namespace); err != nil {
		return true, nil, err
	}
	return true, nil, nil
}

// bind is the pods' binding subresource, as the scheduler posts it:
// spec.nodeName and the PodScheduled condition at once.
func (s *APIServer) bind(a k8stesting.CreateActionImpl) (bool, runtime.Object, error) {
	b, ok := a.GetObject().(*corev1.Binding)
	if !ok {
		return true, nil, apierrors.NewBadRequest("not a Binding")
	}
	gvr := corev1.SchemeGroupVersion.WithResource("pods")
	obj, err := s.cs.Tracker().Get(gvr, a.GetNamespace(), a.Name)
	if err != nil {
		return true, nil, err
	}
	p := obj.(*corev1.Pod).DeepCopy()
	binding := schema.GroupResource{Resource: "pods/binding"}
	if b.UID != "" && b.UID != p.UID {
		return true, nil, uidConflict(binding, p.Name, b.UID, p.UID)
	}
	if p.Spec.NodeName != "" {
		return true, nil, apierrors.NewConflict(binding, p.Name, fmt.Errorf("pod %s is already assigned to node %q", p.Name, p.Spec.NodeName))
	}
	p.Spec.NodeName = b.Target.Name
	p.Status.Phase = corev1.PodPending
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
	if err := s.cs.Tracker().Update(gvr, p, p.Namespace, metav1.UpdateOptions{FieldManager: a.CreateOptions.FieldManager}); err != nil {
		return true, nil, err
	}
	return true, b, nil
}

// watch starts a watch that misses nothing: the fake tracker's watches
// ignore resourceVersion, so an informer would lose what changed between
// its list and its watch. This one first replays the objects as they are
// (an informer takes them as updates of what it listed), then passes on
// every event, with the watch's label selector applied as the apiserver
// does. It buffers without bound, so a slow reader never overflows the
// tracker's fixed-size channels.
func (s *APIServer) watch(action k8stesting.Action) (bool, watch.Interface, error) {
	gvr, ns := action.GetResource(), action.GetNamespace()
	sel := labels.Everything()
	if wa, ok := action.(k8stesting.WatchActionImpl); ok && wa.ListOptions.LabelSelector != "" {
		s, err := labels.Parse(wa.ListOptions.LabelSelector)
		if err != nil {
			return true, nil, apierrors.NewBadRequest(err.Error())
		}
		sel = s
	}
	var gone []runtime.Object
	if wa, ok := action.(k8stesting.WatchActionImpl); ok {
		gone = s.deletedSince(gvr, ns, wa.ListOptions.ResourceVersion)
	}
	src, err := s.cs.Tracker().Watch(gvr, ns)
	if err != nil {
		return true, nil, err
	}
	var snapshot []runtime.Object
	if gvk, ok := kindOf(gvr); ok {
		if list, err := s.cs.Tracker().List(gvr, gvk, ns); err == nil {
			snapshot, _ = meta.ExtractList(list)
		}
	}
	return true, newReplayWatch(src, gone, snapshot, sel), nil
}

// uidConflict is the apiserver's answer to a write whose uid precondition
// names another object than the one of that name.
func uidConflict(gr schema.GroupResource, name string, want, got types.UID) error {
	return apierrors.NewConflict(gr, name, fmt.Errorf("Precondition failed: UID in precondition: %v, UID in object meta: %v", want, got))
}
