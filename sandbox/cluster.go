package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"path"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/listers"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/kube"
)

// ClusterOptions shape the simulated cluster. Zero values give the
// workshop's cluster.
type ClusterOptions struct {
	Nodes       int    // default 3
	Region      string // default us-west-2
	Issuer      string // the EKS cluster's OIDC issuer, for service account tokens
	AWSEndpoint string // the sandbox AWS endpoints, for the simulated daemon
	Cluster     string // the EKS cluster's name, default eksworkshop-eksctl
	// PodStartDelay is the time from a pod's creation to Running and Ready
	// (default 1.5 s, jittered per pod); LBDelay the time until
	// svc/frontend has its load balancer (default 3 s).
	PodStartDelay time.Duration
	LBDelay       time.Duration
	AppNamespace  string // default workshop
	Seed          uint64 // the sample app's mix of answers
	// PodIdentityRole finds the role EKS Pod Identity gives a service
	// account (from the sandbox's EKS), or "".
	PodIdentityRole func(namespace, serviceAccount string) string
	Log             *slog.Logger
}

// The annotations and paths of EKS's pod identity webhook.
const (
	roleARNAnnotation  = "eks.amazonaws.com/role-arn"
	audienceAnnotation = "eks.amazonaws.com/audience"
	irsaTokenDir       = "/var/run/secrets/eks.amazonaws.com/serviceaccount"
	irsaTokenFile      = irsaTokenDir + "/token"
	podIdentityURI     = "http://169.254.170.23/v1/credentials"
	podIdentityToken   = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
	revisionLabel      = "controller-revision-hash"
	templateHashLabel  = "pod-template-hash"
)

// Cluster is a simulated EKS cluster: a client-go fake clientset behaving
// like an apiserver where it matters, a DaemonSet and a Deployment
// controller, a kubelet for every node, EKS's pod identity webhook, a load
// balancer for the app, the sample app and the X-Ray daemon's processes.
type Cluster struct {
	o   ClusterOptions
	cs  *kube.Fake
	inf *clusterInformers
	log *slog.Logger

	// controllers is the DaemonSet and Deployment controllers' queue
	// ("DaemonSet/ns/name", "Deployment/ns/name"); kubelet the nodes'
	// queue of pods to act on ("ns/name").
	controllers workqueue.TypedRateLimitingInterface[string]
	kubelet     workqueue.TypedRateLimitingInterface[string]

	rngMu sync.Mutex
	rng   *mrand.Rand // pod names, start jitter, addresses

	cancel context.CancelFunc
	wg     sync.WaitGroup

	nodes  []simNode
	app    *sampleApp
	daemon *daemon

	mu sync.Mutex
	// expected are pods created but not yet seen in the informer's cache
	// (the controllers' "expectations"), by name.
	expected map[string]expectation
	runs     map[string]*podRun // the kubelets' state, by ns/name
	ips      map[string]bool    // pod IPs in use
	events   map[string]*corev1.Event

	// seq counts deletions; tombs are the latest (see list and delete).
	seq    atomic.Int64
	tombMu sync.Mutex
	tombs  []tombstone
}

type simNode struct{ name, ip, zone string }

type expectation struct {
	owner, hash, node string
	at                time.Time
}

// podRun is what a node's kubelet knows of a pod it runs.
type podRun struct {
	restarts   int
	started    bool // its containers run
	terminated bool // stopped for deletion
	notBefore  time.Time
	ip         string
}

// NewCluster makes the cluster with its nodes and the sample app's objects.
func NewCluster(o ClusterOptions) *Cluster {
	if o.Nodes <= 0 {
		o.Nodes = 3
	}
	if o.Region == "" {
		o.Region = "us-west-2"
	}
	if o.Cluster == "" {
		o.Cluster = "eksworkshop-eksctl"
	}
	if o.PodStartDelay <= 0 {
		o.PodStartDelay = 1500 * time.Millisecond
	}
	if o.LBDelay <= 0 {
		o.LBDelay = 3 * time.Second
	}
	if o.AppNamespace == "" {
		o.AppNamespace = "workshop"
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c := &Cluster{o: o, log: o.Log, rng: mrand.New(mrand.NewPCG(o.Seed, 7)),
		expected: map[string]expectation{}, runs: map[string]*podRun{}, ips: map[string]bool{},
		events: map[string]*corev1.Event{}}
	c.controllers = workqueue.NewTypedRateLimitingQueue(workqueue.NewTypedItemExponentialFailureRateLimiter[string](50*time.Millisecond, 2*time.Second))
	c.kubelet = workqueue.NewTypedRateLimitingQueue(workqueue.NewTypedItemExponentialFailureRateLimiter[string](50*time.Millisecond, 2*time.Second))

	created := metav1.NewTime(time.Now().Add(-47 * time.Hour))
	var objs []runtime.Object
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease", o.AppNamespace} {
		objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, UID: uuid.NewUUID(), CreationTimestamp: created,
			Labels: map[string]string{"kubernetes.io/metadata.name": ns}}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}})
		objs = append(objs, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns, UID: uuid.NewUUID(), CreationTimestamp: created}})
	}
	zones := []string{"a", "b", "c"}
	for i := range o.Nodes {
		ip := fmt.Sprintf("192.168.%d.%d", 10+(i*37)%240, 20+(i*53)%230)
		n := simNode{name: fmt.Sprintf("ip-%s.%s.compute.internal", strings.ReplaceAll(ip, ".", "-"), o.Region), ip: ip, zone: o.Region + zones[i%3]}
		c.nodes = append(c.nodes, n)
		c.ips[ip] = true
		objs = append(objs, &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: n.name, UID: uuid.NewUUID(), CreationTimestamp: created, Labels: map[string]string{
				"kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
				"topology.kubernetes.io/region": o.Region, "topology.kubernetes.io/zone": n.zone,
				"node.kubernetes.io/instance-type": "m5.large", "eks.amazonaws.com/nodegroup": "nodegroup",
			}},
			Spec: corev1.NodeSpec{ProviderID: fmt.Sprintf("aws:///%s/i-0%016x", n.zone, 0xa11ce+i)},
			Status: corev1.NodeStatus{
				Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status"}},
				Addresses:  []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}, {Type: corev1.NodeHostName, Address: n.name}},
				NodeInfo:   corev1.NodeSystemInfo{KubeletVersion: "v1.34.4-eks-1234567", OSImage: "Amazon Linux 2023", ContainerRuntimeVersion: "containerd://1.7.27"},
			},
		})
	}
	objs = append(objs, c.appObjects()...)
	c.cs = kube.NewFake(objs...)
	c.apiserver()
	// kubectl logs: the daemon's log, its earlier runs included, to the
	// lines asked for.
	c.cs.LogFunc = func(ns, pod string, o *corev1.PodLogOptions) ([]byte, error) {
		lines := c.PodLog(ns, pod)
		if o != nil && o.TailLines != nil && int(*o.TailLines) < len(lines) {
			lines = lines[len(lines)-int(*o.TailLines):]
		}
		return []byte(strings.Join(lines, "\n")), nil
	}
	c.cs.Version = &version.Info{
		Major: "1", Minor: "34", GitVersion: "v1.34.4-eks-sandbox", Platform: "linux/amd64",
	}
	return c
}

// Clientset is the cluster's Kubernetes API.
func (c *Cluster) Clientset() kube.Interface { return c.cs }

// Nodes are the nodes' names.
func (c *Cluster) Nodes() []string {
	var out []string
	for _, n := range c.nodes {
		out = append(out, n.name)
	}
	return out
}

// ---- The apiserver: what the fake clientset needs to behave like one.

// apiserver installs the reactors that make the fake clientset answer as
// an apiserver does where the wizard can tell: names from generateName,
// uids, creation times and generations; status written only through the
// status subresource; the admission webhook of EKS; server-side dry runs;
// apply without a field manager refused; API versions Kubernetes 1.34 no
// longer serves; and watches that miss nothing and filter by label.
func (c *Cluster) apiserver() {
	tracker := c.cs.Tracker()
	store := k8stesting.ObjectReaction(tracker)
	// Reactors run newest first.
	c.cs.PrependReactor("*", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		switch a := action.(type) {
		case k8stesting.CreateActionImpl:
			if a.GetSubresource() != "" {
				return false, nil, nil
			}
			return c.create(a)
		case k8stesting.UpdateActionImpl:
			return c.update(a)
		case k8stesting.PatchActionImpl:
			return c.patch(a, store)
		case k8stesting.DeleteActionImpl:
			if a.GetResource().Resource == "pods" && a.GetSubresource() == "" {
				if handled, obj, err := c.deletePod(a); handled {
					return handled, obj, err
				}
			}
			return c.delete(a, store)
		case k8stesting.ListActionImpl:
			return c.list(a, store)
		}
		return false, nil, nil
	})
	c.cs.PrependReactor("*", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		if gv := action.GetResource().GroupVersion(); removedAPIs[gv] {
			return true, nil, &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: http.StatusNotFound,
				Reason: metav1.StatusReasonNotFound, Message: "the server could not find the requested resource",
				Details: &metav1.StatusDetails{Group: gv.Group, Kind: action.GetResource().Resource}}}
		}
		return false, nil, nil
	})
	c.cs.PrependWatchReactor("*", c.watch)
}

// The tracker has no resourceVersions, so an informer could miss an object
// deleted between its list and its watch, and keep it for good. As the
// apiserver does, lists carry a version (a count of the cluster's
// deletions, c.seq) and a watch from that version first replays the
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
func (c *Cluster) list(a k8stesting.ListActionImpl, store k8stesting.ReactionFunc) (bool, runtime.Object, error) {
	seq := c.seq.Load()
	handled, obj, err := store(a)
	if err == nil && obj != nil {
		if l, lerr := meta.ListAccessor(obj); lerr == nil {
			l.SetResourceVersion(strconv.FormatInt(seq, 10))
		}
	}
	return handled, obj, err
}

// delete removes an object and keeps its tombstone.
func (c *Cluster) delete(a k8stesting.DeleteActionImpl, store k8stesting.ReactionFunc) (bool, runtime.Object, error) {
	if a.GetSubresource() != "" {
		return false, nil, nil
	}
	if len(a.DeleteOptions.DryRun) > 0 { // checked, not done
		_, err := c.cs.Tracker().Get(a.GetResource(), a.GetNamespace(), a.GetName())
		return true, nil, err
	}
	old, getErr := c.cs.Tracker().Get(a.GetResource(), a.GetNamespace(), a.GetName())
	handled, obj, err := store(a)
	if err == nil && getErr == nil {
		c.tombMu.Lock()
		c.tombs = append(c.tombs, tombstone{seq: c.seq.Add(1), gvr: a.GetResource(), obj: old})
		if len(c.tombs) > keepTombstones {
			c.tombs = slices.Clone(c.tombs[len(c.tombs)-keepTombstones/2:])
		}
		c.tombMu.Unlock()
	}
	return handled, obj, err
}

// deletedSince are the objects of a resource (in a namespace, "" for all)
// deleted after version rv.
func (c *Cluster) deletedSince(gvr schema.GroupVersionResource, ns, rv string) []runtime.Object {
	since, err := strconv.ParseInt(rv, 10, 64)
	if err != nil {
		return nil
	}
	c.tombMu.Lock()
	defer c.tombMu.Unlock()
	var out []runtime.Object
	for _, t := range c.tombs {
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
func (c *Cluster) create(a k8stesting.CreateActionImpl) (bool, runtime.Object, error) {
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
		if err := c.admitPod(p); err != nil {
			return true, nil, err
		}
	}
	if len(a.CreateOptions.DryRun) > 0 {
		if _, err := c.cs.Tracker().Get(a.GetResource(), m.GetNamespace(), m.GetName()); err == nil {
			return true, nil, apierrors.NewAlreadyExists(a.GetResource().GroupResource(), m.GetName())
		}
		return true, obj, nil
	}
	if err := c.cs.Tracker().Create(a.GetResource(), obj, m.GetNamespace(), a.CreateOptions); err != nil {
		return true, nil, err
	}
	out, err := c.cs.Tracker().Get(a.GetResource(), m.GetNamespace(), m.GetName())
	return true, out, err
}

// update keeps what the apiserver keeps: uid, creation time, generation
// (bumped when the spec changes); and it writes either the status (the
// status subresource) or the rest, never both.
func (c *Cluster) update(a k8stesting.UpdateActionImpl) (bool, runtime.Object, error) {
	gvr, ns := a.GetResource(), a.GetNamespace()
	obj := a.GetObject().DeepCopyObject()
	m, err := meta.Accessor(obj)
	if err != nil {
		return false, nil, nil
	}
	old, err := c.cs.Tracker().Get(gvr, ns, m.GetName())
	if err != nil {
		return true, nil, err
	}
	om, _ := meta.Accessor(old)
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
		if !copyField(fresh, obj, "Status") {
			return false, nil, nil
		}
		obj = fresh
	case "":
		// Everything but the status; the generation counts spec changes.
		copyField(obj, old, "Status")
		if hasGeneration(gvr) && !equalField(obj, old, "Spec") {
			m.SetGeneration(om.GetGeneration() + 1)
		}
	default:
		return false, nil, nil
	}
	if len(a.UpdateOptions.DryRun) > 0 {
		return true, obj, nil
	}
	if err := c.cs.Tracker().Update(gvr, obj, ns, a.UpdateOptions); err != nil {
		return true, nil, err
	}
	out, err := c.cs.Tracker().Get(gvr, ns, m.GetName())
	return true, out, err
}

// copyField sets dst's exported field name to src's, for two objects of one
// type; false when there is no such field.
func copyField(dst, src runtime.Object, name string) bool {
	d, s := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	if d.Type() != s.Type() {
		return false
	}
	f := d.FieldByName(name)
	if !f.IsValid() {
		return false
	}
	f.Set(s.FieldByName(name))
	return true
}

func equalField(a, b runtime.Object, name string) bool {
	fa, fb := reflect.ValueOf(a).Elem().FieldByName(name), reflect.ValueOf(b).Elem().FieldByName(name)
	if !fa.IsValid() || !fb.IsValid() {
		return true
	}
	ja, _ := json.Marshal(fa.Interface())
	jb, _ := json.Marshal(fb.Interface())
	return string(ja) == string(jb)
}

// patch answers a server-side dry run without storing it, refuses an apply
// without a field manager as the apiserver does, and after a patch that
// created an object or changed a workload's spec, sets uid, creation time
// and generation.
func (c *Cluster) patch(a k8stesting.PatchActionImpl, store k8stesting.ReactionFunc) (bool, runtime.Object, error) {
	gvr, ns, name := a.GetResource(), a.GetNamespace(), a.GetName()
	if a.GetPatchType() == types.ApplyPatchType && a.PatchOptions.FieldManager == "" {
		return true, nil, apierrors.NewInvalid(schema.GroupKind{Group: "meta.k8s.io", Kind: "PatchOptions"}, "",
			field.ErrorList{field.Required(field.NewPath("fieldManager"), "is required for apply patch")})
	}
	if a.GetPatchType() == types.ApplyPatchType && len(a.PatchOptions.DryRun) > 0 {
		return c.dryRunApply(a)
	}
	if len(a.PatchOptions.DryRun) > 0 {
		// A dry-run patch of another kind: the object as it is.
		obj, err := c.cs.Tracker().Get(gvr, ns, name)
		return true, obj, err
	}
	old, getErr := c.cs.Tracker().Get(gvr, ns, name)
	if a.GetSubresource() == "status" && getErr == nil {
		// The status subresource: only the status may change.
		_, obj, err := store(a)
		if err != nil || obj == nil {
			return true, obj, err
		}
		fresh := old.DeepCopyObject()
		if copyField(fresh, obj, "Status") {
			if err := c.cs.Tracker().Update(gvr, fresh, ns, metav1.UpdateOptions{FieldManager: a.PatchOptions.FieldManager}); err != nil {
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
		if !equalField(obj, old, "Status") {
			copyField(obj, old, "Status")
			fix = true
		}
		if hasGeneration(gvr) {
			gen := om.GetGeneration()
			if !equalField(obj, old, "Spec") {
				gen++
			}
			if m.GetGeneration() != gen {
				m.SetGeneration(gen)
				fix = true
			}
		}
	}
	if fix {
		if err := c.cs.Tracker().Update(gvr, obj, ns); err != nil {
			return true, nil, err
		}
	}
	return true, obj, nil
}

// dryRunApply answers a server-side apply with dryRun=All as the apiserver
// does: the object as it would be, stored nowhere. (The fake tracker alone
// would store it.) It applies to a scratch tracker holding a copy.
func (c *Cluster) dryRunApply(pa k8stesting.PatchActionImpl) (bool, runtime.Object, error) {
	gvr, ns := pa.GetResource(), pa.GetNamespace()
	scratch := kube.NewFake()
	if cur, err := c.cs.Tracker().Get(gvr, ns, pa.GetName()); err == nil {
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
func (c *Cluster) deletePod(a k8stesting.DeleteActionImpl) (bool, runtime.Object, error) {
	obj, err := c.cs.Tracker().Get(a.GetResource(), a.GetNamespace(), a.GetName())
	if err != nil {
		return true, nil, err
	}
	p := obj.(*corev1.Pod)
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
	if err := c.cs.Tracker().Update(a.GetResource(), p, p.Namespace); err != nil {
		return true, nil, err
	}
	c.kubelet.Add(p.Namespace + "/" + p.Name)
	return true, nil, nil
}

// watch starts a watch that misses nothing: the fake tracker's watches
// ignore resourceVersion, so an informer would lose what changed between
// its list and its watch. This one first replays the objects as they are
// (an informer takes them as updates of what it listed), then passes on
// every event, with the watch's label selector applied as the apiserver
// does. It buffers without bound, so a slow reader never overflows the
// tracker's fixed-size channels.
func (c *Cluster) watch(action k8stesting.Action) (bool, watch.Interface, error) {
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
		gone = c.deletedSince(gvr, ns, wa.ListOptions.ResourceVersion)
	}
	src, err := c.cs.Tracker().Watch(gvr, ns)
	if err != nil {
		return true, nil, err
	}
	var snapshot []runtime.Object
	if gvk, ok := kindOf(gvr); ok {
		if list, err := c.cs.Tracker().List(gvr, gvk, ns); err == nil {
			snapshot, _ = meta.ExtractList(list)
		}
	}
	return true, newReplayWatch(src, gone, snapshot, sel), nil
}

var kinds sync.Map // GroupVersionResource → GroupVersionKind

// kindOf finds the kind of a resource in client-go's scheme.
func kindOf(gvr schema.GroupVersionResource) (schema.GroupVersionKind, bool) {
	if k, ok := kinds.Load(gvr); ok {
		return k.(schema.GroupVersionKind), true
	}
	for gvk := range kube.Scheme.AllKnownTypes() {
		if gvk.GroupVersion() != gvr.GroupVersion() || strings.HasSuffix(gvk.Kind, "List") {
			continue
		}
		if plural, _ := meta.UnsafeGuessKindToResource(gvk); plural == gvr {
			kinds.Store(gvr, gvk)
			return gvk, true
		}
	}
	return schema.GroupVersionKind{}, false
}

type replayWatch struct {
	src  watch.Interface
	out  chan watch.Event
	stop chan struct{}
	once sync.Once
}

func newReplayWatch(src watch.Interface, gone, snapshot []runtime.Object, sel labels.Selector) *replayWatch {
	w := &replayWatch{src: src, out: make(chan watch.Event), stop: make(chan struct{})}
	shown := map[string]bool{} // objects the reader was told exist
	keyOf := func(o runtime.Object) (string, labels.Set) {
		m, err := meta.Accessor(o)
		if err != nil {
			return "", nil
		}
		return m.GetNamespace() + "/" + m.GetName(), m.GetLabels()
	}
	filter := func(ev watch.Event) []watch.Event {
		key, lbls := keyOf(ev.Object)
		if key == "" {
			return []watch.Event{ev}
		}
		switch ev.Type {
		case watch.Added, watch.Modified:
			if sel.Matches(lbls) {
				if !shown[key] {
					shown[key] = true
					ev.Type = watch.Added
				}
				return []watch.Event{ev}
			}
			if shown[key] { // no longer selected: gone for this watch
				delete(shown, key)
				return []watch.Event{{Type: watch.Deleted, Object: ev.Object}}
			}
			return nil
		case watch.Deleted:
			if shown[key] {
				delete(shown, key)
				return []watch.Event{ev}
			}
			return nil
		}
		return []watch.Event{ev}
	}
	// The deletions since the reader's list first: a reader that never had
	// the object ignores them.
	var queue []watch.Event
	for _, o := range gone {
		if _, lbls := keyOf(o); sel.Matches(lbls) {
			queue = append(queue, watch.Event{Type: watch.Deleted, Object: o})
		}
	}
	for _, o := range snapshot {
		queue = append(queue, filter(watch.Event{Type: watch.Added, Object: o})...)
	}
	go func() {
		defer close(w.out)
		in := src.ResultChan()
		for in != nil || len(queue) > 0 {
			var out chan watch.Event
			var next watch.Event
			if len(queue) > 0 {
				out, next = w.out, queue[0]
			}
			select {
			case ev, ok := <-in:
				if !ok {
					in = nil
					continue
				}
				queue = append(queue, filter(ev)...)
			case out <- next:
				queue = queue[1:]
			case <-w.stop:
				return
			}
		}
	}()
	return w
}

func (w *replayWatch) Stop() {
	w.once.Do(func() {
		close(w.stop)
		w.src.Stop()
	})
}

func (w *replayWatch) ResultChan() <-chan watch.Event { return w.out }

// admitPod is EKS's pod identity webhook: a pod whose service account has
// an IAM role annotation gets the role's environment and a projected token
// (IRSA); one whose service account has an EKS Pod Identity association
// gets the agent's credentials address. Only at creation: pods that
// started before the annotation keep running without it.
func (c *Cluster) admitPod(p *corev1.Pod) error {
	sa := p.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
		p.Spec.ServiceAccountName = sa
	}
	obj, err := c.cs.Tracker().Get(corev1.SchemeGroupVersion.WithResource("serviceaccounts"), p.Namespace, sa)
	if err != nil {
		// As the ServiceAccount admission plugin: no pod without its account.
		name := p.GenerateName
		if name == "" {
			name = p.Name
		}
		return apierrors.NewForbidden(corev1.Resource("pods"), name,
			fmt.Errorf("error looking up service account %s/%s: serviceaccount %q not found", p.Namespace, sa, sa))
	}
	acct := obj.(*corev1.ServiceAccount)
	var env []corev1.EnvVar
	var mount *corev1.VolumeMount
	if role := acct.Annotations[roleARNAnnotation]; role != "" {
		aud := acct.Annotations[audienceAnnotation]
		if aud == "" {
			aud = "sts.amazonaws.com"
		}
		env = []corev1.EnvVar{
			{Name: "AWS_STS_REGIONAL_ENDPOINTS", Value: "regional"},
			{Name: "AWS_DEFAULT_REGION", Value: c.o.Region},
			{Name: "AWS_REGION", Value: c.o.Region},
			{Name: "AWS_ROLE_ARN", Value: role},
			{Name: "AWS_WEB_IDENTITY_TOKEN_FILE", Value: irsaTokenFile},
		}
		mount = &corev1.VolumeMount{Name: "aws-iam-token", MountPath: irsaTokenDir, ReadOnly: true}
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "aws-iam-token", VolumeSource: corev1.VolumeSource{
			Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{
				Audience: aud, ExpirationSeconds: ptr(int64(86400)), Path: "token"}}}}}})
	} else if c.o.PodIdentityRole != nil && c.o.PodIdentityRole(p.Namespace, sa) != "" {
		env = []corev1.EnvVar{
			{Name: "AWS_STS_REGIONAL_ENDPOINTS", Value: "regional"},
			{Name: "AWS_DEFAULT_REGION", Value: c.o.Region},
			{Name: "AWS_REGION", Value: c.o.Region},
			{Name: "AWS_CONTAINER_CREDENTIALS_FULL_URI", Value: podIdentityURI},
			{Name: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", Value: podIdentityToken},
		}
		mount = &corev1.VolumeMount{Name: "eks-pod-identity-token", MountPath: path.Dir(podIdentityToken), ReadOnly: true}
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "eks-pod-identity-token", VolumeSource: corev1.VolumeSource{
			Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{
				Audience: "pods.eks.amazonaws.com", ExpirationSeconds: ptr(int64(86400)), Path: path.Base(podIdentityToken)}}}}}})
	}
	if mount == nil {
		return nil
	}
	for i := range p.Spec.Containers {
		ct := &p.Spec.Containers[i]
		for _, e := range env {
			if !slices.ContainsFunc(ct.Env, func(x corev1.EnvVar) bool { return x.Name == e.Name }) {
				ct.Env = append(ct.Env, e)
			}
		}
		ct.VolumeMounts = append(ct.VolumeMounts, *mount)
	}
	return nil
}

// ---- Start and stop.

// Start runs the controllers, the kubelets, the app and the daemon until
// Stop or until ctx ends; it returns once they are ready.
func (c *Cluster) Start(ctx context.Context) error {
	ctx, c.cancel = context.WithCancel(ctx)
	c.inf = newClusterInformers(c.cs)
	dsInf, deployInf, podInf, saInf, cmInf := c.inf.dsInf, c.inf.deployInf, c.inf.podInf, c.inf.saInf, c.inf.cmInf
	workload := func(kind string) func(any) {
		return func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				c.controllers.Add(kind + "/" + tomb.Key)
				return
			}
			if m, err := meta.Accessor(obj); err == nil {
				c.controllers.Add(kind + "/" + m.GetNamespace() + "/" + m.GetName())
			}
		}
	}
	for kind, inf := range map[string]cache.SharedIndexInformer{"DaemonSet": dsInf, "Deployment": deployInf} {
		h := workload(kind)
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: h, UpdateFunc: func(_, n any) { h(n) }, DeleteFunc: h}); err != nil {
			return err
		}
	}
	podChanged := func(obj any) {
		p, ok := obj.(*corev1.Pod)
		if tomb, isTomb := obj.(cache.DeletedFinalStateUnknown); isTomb {
			p, ok = tomb.Obj.(*corev1.Pod)
		}
		if !ok {
			return
		}
		if owner := c.ownerKey(p); owner != "" {
			c.controllers.Add(owner)
		}
		c.kubelet.Add(p.Namespace + "/" + p.Name)
	}
	if _, err := podInf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: podChanged, UpdateFunc: func(_, n any) { podChanged(n) }, DeleteFunc: podChanged}); err != nil {
		return err
	}
	// A ServiceAccount that appears lets waiting workloads create pods; a
	// ConfigMap that appears lets pods waiting for its volume start.
	nsChanged := func(obj any) {
		m, err := meta.Accessor(obj)
		if err != nil {
			return
		}
		if _, ok := obj.(*corev1.ServiceAccount); ok {
			c.enqueueWorkloads(m.GetNamespace())
			return
		}
		pods, _ := c.inf.pods(m.GetNamespace()).List(labels.Everything())
		for _, p := range pods {
			if p.Status.Phase == corev1.PodPending {
				c.kubelet.Add(p.Namespace + "/" + p.Name)
			}
		}
	}
	for _, inf := range []cache.SharedIndexInformer{saInf, cmInf} {
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: nsChanged, UpdateFunc: func(_, n any) { nsChanged(n) }}); err != nil {
			return err
		}
	}
	c.inf.Start(ctx.Done())
	if !c.inf.WaitForCacheSync(ctx.Done()) {
		return fmt.Errorf("the caches did not sync: %w", context.Cause(ctx))
	}
	var err error
	if c.daemon, err = startDaemon(ctx, c); err != nil {
		return err
	}
	if c.app, err = startApp(ctx, c); err != nil {
		return err
	}
	c.wg.Add(3)
	go func() {
		defer c.wg.Done()
		for c.processController(ctx) {
		}
	}()
	go func() {
		defer c.wg.Done()
		for c.processKubelet(ctx) {
		}
	}()
	go func() {
		defer c.wg.Done()
		c.provisionLB(ctx)
	}()
	go func() {
		<-ctx.Done()
		c.controllers.ShutDown()
		c.kubelet.ShutDown()
		c.app.stop()
		c.daemon.stop()
	}()
	return nil
}

// Stop ends the controllers, the app and the daemon.
func (c *Cluster) Stop() {
	if c.cancel != nil {
		c.cancel()
	}
	c.controllers.ShutDown()
	c.kubelet.ShutDown()
	if c.app != nil {
		c.app.stop()
	}
	if c.daemon != nil {
		c.daemon.stop()
	}
	c.wg.Wait()
	if c.inf != nil {
		c.inf.Shutdown()
	}
}

func (c *Cluster) enqueueWorkloads(ns string) {
	dss, _ := c.inf.daemonSets(ns).List(labels.Everything())
	for _, d := range dss {
		c.controllers.Add("DaemonSet/" + d.Namespace + "/" + d.Name)
	}
	deps, _ := c.inf.deployments(ns).List(labels.Everything())
	for _, d := range deps {
		c.controllers.Add("Deployment/" + d.Namespace + "/" + d.Name)
	}
}

func (c *Cluster) processController(ctx context.Context) bool {
	key, quit := c.controllers.Get()
	if quit {
		return false
	}
	defer c.controllers.Done(key)
	kind, rest, _ := strings.Cut(key, "/")
	ns, name, _ := strings.Cut(rest, "/")
	if err := c.syncWorkload(ctx, kind, ns, name); err != nil && ctx.Err() == nil {
		c.log.Debug("sandbox controller", "key", key, "err", err)
		c.controllers.AddRateLimited(key)
		return true
	}
	c.controllers.Forget(key)
	return true
}

func (c *Cluster) jitter(d time.Duration) time.Duration {
	c.rngMu.Lock()
	defer c.rngMu.Unlock()
	return d/2 + time.Duration(c.rng.Int64N(int64(d)))
}

// ---- The DaemonSet and Deployment controllers.

// workload is what the two controllers share of a DaemonSet or Deployment.
type workload struct {
	kind, ns, name string
	uid            types.UID
	generation     int64
	template       corev1.PodTemplateSpec
	hash           string
	nodes          []string // DaemonSet: a pod on each
	replicas       int      // Deployment
}

// templateHash names a pod template revision, as the controllers' hash
// labels do.
func templateHash(t corev1.PodTemplateSpec) string {
	b, _ := json.Marshal(t)
	h := fnv.New32a()
	_, _ = h.Write(b)
	return utilrand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// ownerKey is the queue key of the workload a pod belongs to, or "".
func (c *Cluster) ownerKey(p *corev1.Pod) string {
	ref := metav1.GetControllerOf(p)
	if ref == nil {
		return ""
	}
	switch ref.Kind {
	case "DaemonSet":
		return "DaemonSet/" + p.Namespace + "/" + ref.Name
	case "ReplicaSet":
		if h := p.Labels[templateHashLabel]; h != "" {
			return "Deployment/" + p.Namespace + "/" + strings.TrimSuffix(ref.Name, "-"+h)
		}
	}
	return ""
}

// owned are a workload's pods, terminating ones included.
func (c *Cluster) owned(kind, ns, name string) []*corev1.Pod {
	pods, _ := c.inf.pods(ns).List(labels.Everything())
	var out []*corev1.Pod
	for _, p := range pods {
		if c.ownerKey(p) == kind+"/"+ns+"/"+name {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreationTimestamp.Equal(&out[j].CreationTimestamp) {
			return out[i].CreationTimestamp.Before(&out[j].CreationTimestamp)
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func (c *Cluster) syncWorkload(ctx context.Context, kind, ns, name string) error {
	var w workload
	var err error
	switch kind {
	case "DaemonSet":
		var ds *appsv1.DaemonSet
		if ds, err = c.inf.daemonSets(ns).Get(name); err == nil {
			w = workload{kind: kind, ns: ns, name: name, uid: ds.UID, generation: ds.Generation, template: ds.Spec.Template}
			for _, n := range c.nodes {
				if labels.SelectorFromSet(ds.Spec.Template.Spec.NodeSelector).Matches(c.nodeLabels(n.name)) {
					w.nodes = append(w.nodes, n.name)
				}
			}
		}
	case "Deployment":
		var d *appsv1.Deployment
		if d, err = c.inf.deployments(ns).Get(name); err == nil {
			w = workload{kind: kind, ns: ns, name: name, uid: d.UID, generation: d.Generation, template: d.Spec.Template, replicas: 1}
			if d.Spec.Replicas != nil {
				w.replicas = int(*d.Spec.Replicas)
			}
		}
	default:
		return nil
	}
	owned := c.owned(kind, ns, name)
	if apierrors.IsNotFound(err) {
		// Deleted: the garbage collector takes its pods.
		for _, p := range owned {
			if p.DeletionTimestamp == nil {
				_ = c.cs.CoreV1().Pods(ns).Delete(ctx, p.Name, metav1.DeleteOptions{})
			}
		}
		return nil
	}
	if err != nil {
		return err
	}
	if w.uid == "" {
		return nil // just applied: its uid follows in a moment
	}
	w.hash = templateHash(w.template)
	var live []*corev1.Pod
	for _, p := range owned {
		if p.DeletionTimestamp == nil {
			live = append(live, p)
		}
	}
	var createErr error
	if kind == "DaemonSet" {
		createErr = c.syncDaemonSetPods(ctx, w, live)
	} else {
		createErr = c.syncDeploymentPods(ctx, w, live)
	}
	if err := c.writeStatus(ctx, w, c.owned(kind, ns, name)); err != nil {
		return err
	}
	return createErr
}

func (c *Cluster) nodeLabels(name string) labels.Set {
	n, err := c.cs.Tracker().Get(corev1.SchemeGroupVersion.WithResource("nodes"), "", name)
	if err != nil {
		return nil
	}
	return n.(*corev1.Node).Labels
}

// seen drops the expectations the cache has caught up with and counts those
// still waiting, for one owner, revision and (DaemonSet) node.
func (c *Cluster) pending(owner, hash, node string, live []*corev1.Pod) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for name, e := range c.expected {
		if e.owner != owner {
			continue
		}
		if slices.ContainsFunc(live, func(p *corev1.Pod) bool { return p.Name == name }) || time.Since(e.at) > 5*time.Second {
			delete(c.expected, name)
			continue
		}
		if e.hash == hash && (node == "" || e.node == node) {
			n++
		}
	}
	return n
}

// syncDaemonSetPods keeps one pod of the current template on every node: a
// rolling update replaces a node's old pod once its new one is Ready.
func (c *Cluster) syncDaemonSetPods(ctx context.Context, w workload, live []*corev1.Pod) error {
	owner := w.kind + "/" + w.ns + "/" + w.name
	byNode := map[string]*corev1.Pod{}
	for _, p := range live {
		switch {
		case !slices.Contains(w.nodes, p.Spec.NodeName):
			_ = c.cs.CoreV1().Pods(w.ns).Delete(ctx, p.Name, metav1.DeleteOptions{})
		case p.Labels[revisionLabel] != w.hash:
			if cur := podOn(live, p.Spec.NodeName, w.hash); cur != nil && podReady(cur) || !podReady(p) {
				_ = c.cs.CoreV1().Pods(w.ns).Delete(ctx, p.Name, metav1.DeleteOptions{})
			}
		case byNode[p.Spec.NodeName] != nil:
			// Two pods of one revision on a node: keep the older.
			_ = c.cs.CoreV1().Pods(w.ns).Delete(ctx, p.Name, metav1.DeleteOptions{})
		default:
			byNode[p.Spec.NodeName] = p
		}
	}
	for _, node := range w.nodes {
		if byNode[node] != nil {
			continue
		}
		if c.pending(owner, w.hash, node, live) > 0 {
			// A pod made for this node has not shown up yet: look again
			// soon, for the expectation may lapse with nothing else
			// changing.
			c.controllers.AddAfter(owner, time.Second)
			continue
		}
		if err := c.createPod(ctx, w, node); err != nil {
			return err
		}
	}
	return nil
}

// syncDeploymentPods keeps the replicas of the current template; old pods
// go once enough new ones are Ready (maxSurge 25 %, maxUnavailable 0).
func (c *Cluster) syncDeploymentPods(ctx context.Context, w workload, live []*corev1.Pod) error {
	owner := w.kind + "/" + w.ns + "/" + w.name
	var current, old []*corev1.Pod
	ready := 0
	for _, p := range live {
		if p.Labels[templateHashLabel] == w.hash {
			current = append(current, p)
			if podReady(p) {
				ready++
			}
		} else {
			old = append(old, p)
		}
	}
	for i := len(current) - 1; i >= w.replicas; i-- { // scale down, newest first
		_ = c.cs.CoreV1().Pods(w.ns).Delete(ctx, current[i].Name, metav1.DeleteOptions{})
	}
	if ready >= w.replicas {
		for _, p := range old {
			_ = c.cs.CoreV1().Pods(w.ns).Delete(ctx, p.Name, metav1.DeleteOptions{})
		}
	}
	waiting := c.pending(owner, w.hash, "", live)
	if waiting > 0 {
		c.controllers.AddAfter(owner, time.Second) // as for a DaemonSet's pods
	}
	for n := len(current) + waiting; n < w.replicas; n++ {
		// Spread over the nodes, fewest of this workload's pods first.
		load := map[string]int{}
		for _, p := range live {
			load[p.Spec.NodeName]++
		}
		node := c.nodes[0].name
		for _, nd := range c.nodes {
			if load[nd.name] < load[node] {
				node = nd.name
			}
		}
		if err := c.createPod(ctx, w, node); err != nil {
			return err
		}
	}
	return nil
}

func podOn(pods []*corev1.Pod, node, hash string) *corev1.Pod {
	for _, p := range pods {
		if p.Spec.NodeName == node && p.Labels[revisionLabel] == hash {
			return p
		}
	}
	return nil
}

// createPod makes a workload's pod on a node, through the API, so the
// webhook and the admission of its service account apply as they would.
func (c *Cluster) createPod(ctx context.Context, w workload, node string) error {
	t := w.template.DeepCopy()
	lbls := map[string]string{}
	for k, v := range t.Labels {
		lbls[k] = v
	}
	ref := metav1.OwnerReference{APIVersion: "apps/v1", Kind: w.kind, Name: w.name, UID: w.uid, Controller: ptr(true), BlockOwnerDeletion: ptr(true)}
	prefix := w.name + "-"
	if w.kind == "DaemonSet" {
		lbls[revisionLabel] = w.hash
		lbls["pod-template-generation"] = fmt.Sprint(w.generation)
	} else {
		lbls[templateHashLabel] = w.hash
		ref.Kind, ref.Name = "ReplicaSet", w.name+"-"+w.hash
		prefix = ref.Name + "-"
	}
	spec := t.Spec
	spec.NodeName = node
	if spec.TerminationGracePeriodSeconds == nil {
		spec.TerminationGracePeriodSeconds = ptr(int64(30))
	}
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = corev1.RestartPolicyAlways
	}
	if spec.DNSPolicy == "" {
		spec.DNSPolicy = corev1.DNSClusterFirst
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{GenerateName: prefix, Name: prefix + c.suffix(), Namespace: w.ns, Labels: lbls, Annotations: t.Annotations,
			OwnerReferences: []metav1.OwnerReference{ref}},
		Spec: spec,
		Status: corev1.PodStatus{Phase: corev1.PodPending, QOSClass: corev1.PodQOSBurstable, Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()},
		}},
	}
	created, err := c.cs.CoreV1().Pods(w.ns).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		c.event(w.kind, w.ns, w.name, corev1.EventTypeWarning, "FailedCreate", fmt.Sprintf("Error creating: %v", err))
		return err
	}
	c.mu.Lock()
	c.expected[created.Name] = expectation{owner: w.kind + "/" + w.ns + "/" + w.name, hash: w.hash, node: node, at: time.Now()}
	c.mu.Unlock()
	c.event(w.kind, w.ns, w.name, corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: "+created.Name)
	return nil
}

// suffix is the random part of a pod's name, as the apiserver makes it.
func (c *Cluster) suffix() string {
	const chars = "bcdfghjklmnpqrstvwxz2456789"
	c.rngMu.Lock()
	defer c.rngMu.Unlock()
	b := make([]byte, 5)
	for i := range b {
		b[i] = chars[c.rng.IntN(len(chars))]
	}
	return string(b)
}

// writeStatus keeps a workload's status current, through its status
// subresource.
func (c *Cluster) writeStatus(ctx context.Context, w workload, pods []*corev1.Pod) error {
	opts := metav1.UpdateOptions{FieldManager: "kube-controller-manager"}
	var err error
	switch w.kind {
	case "DaemonSet":
		ds, err := c.inf.daemonSets(w.ns).Get(w.name)
		if err != nil {
			return nil
		}
		ready, current, updated := 0, 0, 0
		for _, p := range pods {
			if p.DeletionTimestamp != nil {
				continue
			}
			current++
			if p.Labels[revisionLabel] == w.hash {
				updated++
			}
			if podReady(p) {
				ready++
			}
		}
		st := appsv1.DaemonSetStatus{
			DesiredNumberScheduled: int32(len(w.nodes)), CurrentNumberScheduled: int32(min(current, len(w.nodes))),
			NumberReady: int32(ready), NumberAvailable: int32(ready), UpdatedNumberScheduled: int32(min(updated, len(w.nodes))),
			NumberUnavailable: int32(max(len(w.nodes)-ready, 0)), ObservedGeneration: w.generation,
		}
		if reflect.DeepEqual(ds.Status, st) {
			return nil
		}
		ds = ds.DeepCopy()
		ds.Status = st
		_, err = c.cs.AppsV1().DaemonSets(w.ns).UpdateStatus(ctx, ds, opts)
	case "Deployment":
		d, err := c.inf.deployments(w.ns).Get(w.name)
		if err != nil {
			return nil
		}
		total, updated, ready := 0, 0, 0
		for _, p := range pods {
			if p.DeletionTimestamp != nil {
				continue
			}
			total++
			if p.Labels[templateHashLabel] == w.hash {
				updated++
			}
			if podReady(p) {
				ready++
			}
		}
		st := appsv1.DeploymentStatus{ObservedGeneration: w.generation, Replicas: int32(total), UpdatedReplicas: int32(updated),
			ReadyReplicas: int32(ready), AvailableReplicas: int32(ready), UnavailableReplicas: int32(max(w.replicas-ready, 0))}
		avail := corev1.ConditionFalse
		if ready >= w.replicas {
			avail = corev1.ConditionTrue
		}
		st.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: avail, Reason: "MinimumReplicasAvailable"}}
		if len(d.Status.Conditions) == 1 && d.Status.Conditions[0].Status == avail {
			st.Conditions[0] = d.Status.Conditions[0]
		} else {
			st.Conditions[0].LastTransitionTime, st.Conditions[0].LastUpdateTime = metav1.Now(), metav1.Now()
		}
		if reflect.DeepEqual(d.Status, st) {
			return nil
		}
		d = d.DeepCopy()
		d.Status = st
		_, err = c.cs.AppsV1().Deployments(w.ns).UpdateStatus(ctx, d, opts)
	}
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// event records an Event about an object, counting repeats as the event
// recorder does.
func (c *Cluster) event(kind, ns, name, typ, reason, msg string) {
	c.mu.Lock()
	key := kind + "/" + ns + "/" + name + "/" + reason + "/" + msg
	e := c.events[key]
	now := metav1.Now()
	if e == nil {
		e = &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", name, time.Now().UnixNano()), Namespace: ns},
			InvolvedObject: corev1.ObjectReference{Kind: kind, Namespace: ns, Name: name},
			Reason:         reason, Message: msg, Type: typ, Count: 1, FirstTimestamp: now, LastTimestamp: now,
			Source: corev1.EventSource{Component: map[string]string{"DaemonSet": "daemonset-controller", "Deployment": "deployment-controller", "Pod": "kubelet"}[kind]},
		}
		c.events[key] = e
		c.mu.Unlock()
		_ = c.cs.Tracker().Add(e.DeepCopy())
		return
	}
	e.Count++
	e.LastTimestamp = now
	cp := e.DeepCopy()
	c.mu.Unlock()
	_ = c.cs.Tracker().Update(corev1.SchemeGroupVersion.WithResource("events"), cp, ns)
}

// ---- The kubelets.

func (c *Cluster) processKubelet(ctx context.Context) bool {
	key, quit := c.kubelet.Get()
	if quit {
		return false
	}
	defer c.kubelet.Done(key)
	ns, name, _ := strings.Cut(key, "/")
	if err := c.syncPod(ctx, ns, name); err != nil && ctx.Err() == nil {
		c.log.Debug("sandbox kubelet", "pod", key, "err", err)
		c.kubelet.AddRateLimited(key)
		return true
	}
	c.kubelet.Forget(key)
	return true
}

// syncPod moves a pod through its life as its node's kubelet would:
// Pending (ContainerCreating, waiting for its volumes) → Running and Ready
// after the start delay, or CrashLoopBackOff, restarted with back-off;
// Terminating → gone.
func (c *Cluster) syncPod(ctx context.Context, ns, name string) error {
	key := ns + "/" + name
	p, err := c.inf.pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		c.mu.Lock()
		if run := c.runs[key]; run != nil {
			delete(c.ips, run.ip)
			delete(c.runs, key)
		}
		c.mu.Unlock()
		c.daemon.gone(ns, name)
		return nil
	}
	if err != nil {
		return err
	}
	if p.Spec.NodeName == "" {
		return c.schedule(p)
	}
	c.mu.Lock()
	run := c.runs[key]
	if run == nil {
		run = &podRun{}
		if !p.Spec.HostNetwork {
			run.ip = p.Status.PodIP
		}
		c.runs[key] = run
	}
	c.mu.Unlock()
	now := time.Now()
	later := func(d time.Duration) error {
		run.notBefore = now.Add(d)
		c.kubelet.AddAfter(key, d)
		return nil
	}

	if p.DeletionTimestamp != nil {
		if !run.terminated {
			run.terminated, run.started = true, false
			c.daemon.exit(ns, name)
			return later(c.jitter(c.o.PodStartDelay / 3))
		}
		if now.Before(run.notBefore) {
			return nil
		}
		err := c.cs.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	if now.Before(run.notBefore) || run.started {
		return nil
	}
	if p.Status.Phase == corev1.PodRunning && podReady(p) {
		// Running since before the sandbox began: the sample app's pods.
		run.started = true
		return nil
	}
	if p.Status.StartTime == nil {
		// Just scheduled: the kubelet takes it up and pulls its images.
		t := metav1.NewTime(now)
		p = p.DeepCopy()
		p.Status.StartTime = &t
		p.Status.HostIP = c.nodeIP(p.Spec.NodeName)
		p.Status.HostIPs = []corev1.HostIP{{IP: p.Status.HostIP}}
		p.Status.Conditions = []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: t},
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: t},
			{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", LastTransitionTime: t},
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", LastTransitionTime: t},
		}
		p.Status.ContainerStatuses = containerStatuses(p.Spec, nil)
		if err := c.writePodStatus(ctx, p); err != nil {
			return err
		}
		return later(c.jitter(c.o.PodStartDelay))
	}
	// Time to start the containers: first their volumes.
	for _, v := range p.Spec.Volumes {
		if v.ConfigMap == nil || v.ConfigMap.Optional != nil && *v.ConfigMap.Optional {
			continue
		}
		if _, err := c.inf.configMaps(ns).Get(v.ConfigMap.Name); err != nil {
			c.event("Pod", ns, name, corev1.EventTypeWarning, "FailedMount",
				fmt.Sprintf("MountVolume.SetUp failed for volume %q : configmap %q not found", v.Name, v.ConfigMap.Name))
			return later(2 * c.o.PodStartDelay)
		}
	}
	p = p.DeepCopy()
	if p.Status.PodIP == "" {
		p.Status.PodIP = c.podIP(p)
		p.Status.PodIPs = []corev1.PodIP{{IP: p.Status.PodIP}}
		if !p.Spec.HostNetwork {
			run.ip = p.Status.PodIP
		}
	}
	crashed := map[string]*corev1.ContainerStateTerminated{}
	for _, ct := range p.Spec.Containers {
		if reason := crashReason(ct); reason != "" {
			crashed[ct.Name] = &corev1.ContainerStateTerminated{ExitCode: 128, Reason: "StartError", Message: reason}
			continue
		}
		if isXRayDaemon(ct) {
			if lines := c.daemon.run(p, ct); lines != nil {
				t := &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error"}
				if ct.TerminationMessagePolicy == corev1.TerminationMessageFallbackToLogsOnError {
					t.Message = strings.Join(lines, "\n")
				}
				crashed[ct.Name] = t
			}
		}
	}
	t := metav1.NewTime(now)
	p.Status.Phase = corev1.PodRunning
	p.Status.ContainerStatuses = containerStatuses(p.Spec, func(name string) (bool, *corev1.ContainerStateTerminated) {
		if term := crashed[name]; term != nil {
			term.StartedAt, term.FinishedAt = t, t
			return false, term
		}
		return true, nil
	})
	for i := range p.Status.ContainerStatuses {
		p.Status.ContainerStatuses[i].RestartCount = int32(run.restarts)
	}
	ready, reason := corev1.ConditionTrue, ""
	if len(crashed) > 0 {
		ready, reason = corev1.ConditionFalse, "ContainersNotReady"
	}
	for i, cond := range p.Status.Conditions {
		if (cond.Type == corev1.PodReady || cond.Type == corev1.ContainersReady) && cond.Status != ready {
			p.Status.Conditions[i].Status, p.Status.Conditions[i].Reason, p.Status.Conditions[i].LastTransitionTime = ready, reason, t
		}
	}
	if err := c.writePodStatus(ctx, p); err != nil {
		return err
	}
	if len(crashed) == 0 {
		run.started = true
		return nil
	}
	// CrashLoopBackOff: the kubelet starts it again after 10 s, 20 s, 40 s
	// … up to 5 min, scaled to the sandbox's pace.
	backoff := min(10*time.Second<<min(run.restarts, 5), 5*time.Minute) * c.o.PodStartDelay / (1500 * time.Millisecond)
	run.restarts++
	return later(backoff)
}

// schedule is the scheduler: a pod without a node goes to the node with
// the fewest pods.
func (c *Cluster) schedule(p *corev1.Pod) error {
	if p.DeletionTimestamp != nil {
		return nil
	}
	pods, _ := c.inf.pods("").List(labels.Everything())
	load := map[string]int{}
	for _, q := range pods {
		load[q.Spec.NodeName]++
	}
	node := c.nodes[0].name
	for _, n := range c.nodes {
		if load[n.name] < load[node] {
			node = n.name
		}
	}
	p = p.DeepCopy()
	p.Spec.NodeName = node
	p.Status.Phase = corev1.PodPending
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
	// The binding subresource: spec.nodeName and the condition at once.
	err := c.cs.Tracker().Update(corev1.SchemeGroupVersion.WithResource("pods"), p, p.Namespace, metav1.UpdateOptions{FieldManager: "kube-scheduler"})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// writePodStatus writes a pod's status through its status subresource.
func (c *Cluster) writePodStatus(ctx context.Context, p *corev1.Pod) error {
	_, err := c.cs.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{FieldManager: "kubelet"})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// containerStatuses: waiting in ContainerCreating when state is nil; else
// running and ready, or crashed and waiting in CrashLoopBackOff.
func containerStatuses(spec corev1.PodSpec, state func(name string) (bool, *corev1.ContainerStateTerminated)) []corev1.ContainerStatus {
	var out []corev1.ContainerStatus
	for _, ct := range spec.Containers {
		s := corev1.ContainerStatus{Name: ct.Name, Image: ct.Image, Started: ptr(false)}
		if state == nil {
			s.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
			out = append(out, s)
			continue
		}
		s.ImageID = imageRef(ct.Image) + "@sha256:" + strings.Repeat(fmt.Sprintf("%x", len(ct.Image)%16), 64)
		s.ContainerID = "containerd://" + hexOf(ct.Name+ct.Image, 64)
		ok, term := state(ct.Name)
		if ok {
			s.Ready, s.Started = true, ptr(true)
			s.State.Running = &corev1.ContainerStateRunning{StartedAt: metav1.Now()}
		} else {
			s.State.Waiting = &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off restarting failed container " + ct.Name}
			s.LastTerminationState.Terminated = term
		}
		out = append(out, s)
	}
	return out
}

func imageRef(image string) string {
	if !strings.Contains(strings.Split(image, "/")[0], ".") {
		image = "docker.io/" + image
	}
	return strings.Split(image, ":")[0]
}

// hexOf is a stable hex string of n digits made from s.
func hexOf(s string, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		h := fnv.New64a()
		_, _ = h.Write([]byte(fmt.Sprint(s, i)))
		fmt.Fprintf(&b, "%016x", h.Sum64())
	}
	return b.String()[:n]
}

// crashReason is why a container of the X-Ray daemon cannot start: the
// ECR Public image is built FROM scratch and has only /xray, the Docker Hub
// image has /usr/bin/xray; the wrong pair is the lab's best-known trap.
func crashReason(ct corev1.Container) string {
	if len(ct.Command) == 0 {
		return ""
	}
	cmd := ct.Command[0]
	switch {
	case strings.HasPrefix(ct.Image, "public.ecr.aws/xray/aws-xray-daemon") && cmd != "/xray",
		strings.HasPrefix(ct.Image, "amazon/aws-xray-daemon") && cmd != "/usr/bin/xray" && cmd != "xray":
		return fmt.Sprintf(`failed to create containerd task: failed to start shim: exec: %q: stat %s: no such file or directory: unknown`, cmd, cmd)
	}
	return ""
}

// isXRayDaemon: a container running the X-Ray daemon.
func isXRayDaemon(ct corev1.Container) bool {
	return strings.Contains(ct.Image, "aws-xray-daemon") || len(ct.Command) > 0 && path.Base(ct.Command[0]) == "xray"
}

func (c *Cluster) nodeIP(node string) string {
	for _, n := range c.nodes {
		if n.name == node {
			return n.ip
		}
	}
	return ""
}

// podIP gives a pod an address in its node's subnet (the VPC CNI's way),
// or the node's own with hostNetwork.
func (c *Cluster) podIP(p *corev1.Pod) string {
	host := c.nodeIP(p.Spec.NodeName)
	if p.Spec.HostNetwork {
		return host
	}
	parts := strings.Split(host, ".")
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		c.rngMu.Lock()
		ip := fmt.Sprintf("%s.%s.%s.%d", parts[0], parts[1], parts[2], 2+c.rng.IntN(252))
		c.rngMu.Unlock()
		if !c.ips[ip] {
			c.ips[ip] = true
			return ip
		}
	}
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podEnv is the value of a container environment variable of the pod,
// with $(VAR) references and the downward API's pod and host IPs resolved.
func podEnv(p *corev1.Pod, name string) string {
	for _, ct := range p.Spec.Containers {
		vals := map[string]string{}
		found := false
		for _, e := range ct.Env {
			v := e.Value
			if e.ValueFrom != nil && e.ValueFrom.FieldRef != nil {
				switch e.ValueFrom.FieldRef.FieldPath {
				case "status.hostIP":
					v = p.Status.HostIP
				case "status.podIP":
					v = p.Status.PodIP
				case "metadata.name":
					v = p.Name
				case "metadata.namespace":
					v = p.Namespace
				case "spec.nodeName":
					v = p.Spec.NodeName
				}
			}
			for k, kv := range vals {
				v = strings.ReplaceAll(v, "$("+k+")", kv)
			}
			vals[e.Name] = v
			found = found || e.Name == name
		}
		if found {
			return vals[name]
		}
	}
	return ""
}

func ptr[T any](v T) *T { return &v }

// ---- The load balancer.

// provisionLB gives svc/frontend its load balancer after a delay, as the
// AWS Load Balancer Controller would. The load balancer listens where the
// sandbox's app does, on loopback: its hostname is localhost, and the
// Service's port is the app's (targetPort stays 9000).
func (c *Cluster) provisionLB(ctx context.Context) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(c.o.LBDelay):
	}
	ns := c.o.AppNamespace
	patch := fmt.Sprintf(`{"spec":{"ports":[{"name":"http","port":%d,"targetPort":9000,"protocol":"TCP"}]}}`, c.app.port)
	if _, err := c.cs.CoreV1().Services(ns).Patch(ctx, "frontend", types.MergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: "aws-load-balancer-controller"}); err != nil {
		c.log.Debug("sandbox lb", "err", err)
		return
	}
	svc, err := c.cs.CoreV1().Services(ns).Get(ctx, "frontend", metav1.GetOptions{})
	if err != nil {
		return
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{Hostname: "localhost"}}
	if _, err := c.cs.CoreV1().Services(ns).UpdateStatus(ctx, svc, metav1.UpdateOptions{FieldManager: "aws-load-balancer-controller"}); err != nil {
		c.log.Debug("sandbox lb", "err", err)
	}
}

// AppURL is the app's address once its load balancer is up.
func (c *Cluster) AppURL() string {
	if c.app == nil {
		return ""
	}
	return fmt.Sprintf("http://localhost:%d/", c.app.port)
}

// ---- The sample app's objects.

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

// appObjects are the sample app's Deployments, Services and running pods.
func (c *Cluster) appObjects() []runtime.Object {
	ns := c.o.AppNamespace
	var out []runtime.Object
	since := metav1.NewTime(time.Now().Add(-2 * time.Hour))
	for i, a := range appServices {
		lbls := map[string]string{"app": a.deploy}
		env := []corev1.EnvVar{{Name: "AWS_XRAY_DAEMON_ADDRESS", Value: "xray-service.default:2000"}}
		tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbls}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: a.deploy, Image: fmt.Sprintf("public.ecr.aws/u2g6w7p2/eks-workshop-demo/%s:1.0", a.deploy), Env: env,
			Ports: []corev1.ContainerPort{{ContainerPort: a.target, Protocol: corev1.ProtocolTCP}},
		}}}}
		uid := uuid.NewUUID()
		hash := templateHash(tmpl)
		out = append(out, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: a.deploy, Namespace: ns, Labels: lbls, UID: uid, Generation: 1, CreationTimestamp: since},
			Spec:       appsv1.DeploymentSpec{Replicas: ptr(int32(1)), Selector: &metav1.LabelSelector{MatchLabels: lbls}, Template: tmpl},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1, UpdatedReplicas: 1,
				Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable",
					LastTransitionTime: since, LastUpdateTime: since}}},
		})
		node := c.nodes[i%len(c.nodes)]
		spec := tmpl.Spec
		spec.NodeName = node.name
		spec.ServiceAccountName = "default"
		spec.RestartPolicy = corev1.RestartPolicyAlways
		podLabels := map[string]string{"app": a.deploy, templateHashLabel: hash}
		ip := fmt.Sprintf("%s.%d", node.ip[:strings.LastIndex(node.ip, ".")], 100+i)
		c.ips[ip] = true
		out = append(out, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%s-%s", a.deploy, hash, c.suffix()), Namespace: ns, Labels: podLabels,
				UID: uuid.NewUUID(), CreationTimestamp: since,
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: a.deploy + "-" + hash, Controller: ptr(true), BlockOwnerDeletion: ptr(true)}}},
			Spec: spec,
			Status: corev1.PodStatus{Phase: corev1.PodRunning, HostIP: node.ip, PodIP: ip, StartTime: &since,
				Conditions: []corev1.PodCondition{
					{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: since},
					{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: since},
					{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: since},
					{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: since},
				},
				ContainerStatuses: containerStatuses(spec, func(string) (bool, *corev1.ContainerStateTerminated) { return true, nil })},
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

// clusterInformers are the controllers' and kubelets' view of the cluster.
type clusterInformers struct {
	kube.Informers
	dsInf, deployInf, podInf, saInf, cmInf, svcInf cache.SharedIndexInformer
}

func newClusterInformers(kc kube.Interface) *clusterInformers {
	i := &clusterInformers{}
	i.dsInf = i.Add(kube.NewInformer(kc.AppsV1().DaemonSets(metav1.NamespaceAll), &appsv1.DaemonSet{}, kube.InformerOptions{}))
	i.deployInf = i.Add(kube.NewInformer(kc.AppsV1().Deployments(metav1.NamespaceAll), &appsv1.Deployment{}, kube.InformerOptions{}))
	i.podInf = i.Add(kube.NewInformer(kc.CoreV1().Pods(metav1.NamespaceAll), &corev1.Pod{}, kube.InformerOptions{}))
	i.saInf = i.Add(kube.NewInformer(kc.CoreV1().ServiceAccounts(metav1.NamespaceAll), &corev1.ServiceAccount{}, kube.InformerOptions{}))
	i.cmInf = i.Add(kube.NewInformer(kc.CoreV1().ConfigMaps(metav1.NamespaceAll), &corev1.ConfigMap{}, kube.InformerOptions{}))
	i.svcInf = i.Add(kube.NewInformer(kc.CoreV1().Services(metav1.NamespaceAll), &corev1.Service{}, kube.InformerOptions{}))
	return i
}

// pods are the pods in a namespace ("" for all), and so on.
func (i *clusterInformers) pods(ns string) listers.ResourceIndexer[*corev1.Pod] {
	return kube.Lister[*corev1.Pod](i.podInf, corev1.Resource("pods"), ns)
}

func (i *clusterInformers) daemonSets(ns string) listers.ResourceIndexer[*appsv1.DaemonSet] {
	return kube.Lister[*appsv1.DaemonSet](i.dsInf, appsv1.Resource("daemonsets"), ns)
}

func (i *clusterInformers) deployments(ns string) listers.ResourceIndexer[*appsv1.Deployment] {
	return kube.Lister[*appsv1.Deployment](i.deployInf, appsv1.Resource("deployments"), ns)
}

func (i *clusterInformers) configMaps(ns string) listers.ResourceIndexer[*corev1.ConfigMap] {
	return kube.Lister[*corev1.ConfigMap](i.cmInf, corev1.Resource("configmaps"), ns)
}

func (i *clusterInformers) services(ns string) listers.ResourceIndexer[*corev1.Service] {
	return kube.Lister[*corev1.Service](i.svcInf, corev1.Resource("services"), ns)
}
