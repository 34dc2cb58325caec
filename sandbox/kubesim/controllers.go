package kubesim

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	mrand "math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/xray-wizard/xray-wizard/kube"
)

// The labels the controllers give their pods.
const (
	revisionLabel     = "controller-revision-hash"
	templateHashLabel = "pod-template-hash"
)

// Controllers are the DaemonSet and Deployment controllers of the
// controller manager. They read the cluster through the shared informers
// and change it through the clientset.
type Controllers struct {
	cs     kube.Interface
	inf    *Informers
	log    *slog.Logger
	events *recorder
	// queue holds the workloads to sync: "DaemonSet/ns/name",
	// "Deployment/ns/name".
	queue workqueue.TypedRateLimitingInterface[string]

	mu  sync.Mutex
	rng *mrand.Rand // pod names
	// expected are pods created but not yet seen in the informer's cache
	// (the controllers' "expectations"), by name.
	expected map[string]expectation
}

type expectation struct {
	owner, hash, node string
	at                time.Time
}

// NewControllers makes the controllers; Start's informers feed them.
func NewControllers(cs kube.Interface, inf *Informers, seed uint64, log *slog.Logger) *Controllers {
	return &Controllers{cs: cs, inf: inf, log: log, events: newRecorder(cs),
		queue: workqueue.NewTypedRateLimitingQueue(workqueue.NewTypedItemExponentialFailureRateLimiter[string](50*time.Millisecond, 2*time.Second)),
		rng:   mrand.New(mrand.NewPCG(seed, 8)), expected: map[string]expectation{}}
}

// register has the informers wake the controllers: a workload that changes,
// a pod of one, a ServiceAccount that appears (waiting workloads can now
// create their pods).
func (c *Controllers) register() error {
	workload := func(kind string) func(any) {
		return func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				c.queue.Add(kind + "/" + tomb.Key)
				return
			}
			if m, err := meta.Accessor(obj); err == nil {
				c.queue.Add(kind + "/" + m.GetNamespace() + "/" + m.GetName())
			}
		}
	}
	if err := handle(c.inf.ds, workload("DaemonSet"), true); err != nil {
		return err
	}
	if err := handle(c.inf.deploy, workload("Deployment"), true); err != nil {
		return err
	}
	if err := handle(c.inf.pod, func(obj any) {
		if p, ok := obj.(*corev1.Pod); ok {
			if owner := ownerKey(p); owner != "" {
				c.queue.Add(owner)
			}
		}
	}, true); err != nil {
		return err
	}
	return handle(c.inf.sa, func(obj any) {
		if m, err := meta.Accessor(obj); err == nil {
			c.enqueueWorkloads(m.GetNamespace())
		}
	}, false)
}

// Run syncs workloads until ctx ends.
func (c *Controllers) Run(ctx context.Context) {
	for c.processNext(ctx) {
	}
}

func (c *Controllers) shutDown() { c.queue.ShutDown() }

func (c *Controllers) enqueueWorkloads(ns string) {
	dss, _ := c.inf.DaemonSets(ns).List(labels.Everything())
	for _, d := range dss {
		c.queue.Add("DaemonSet/" + d.Namespace + "/" + d.Name)
	}
	deps, _ := c.inf.Deployments(ns).List(labels.Everything())
	for _, d := range deps {
		c.queue.Add("Deployment/" + d.Namespace + "/" + d.Name)
	}
}

func (c *Controllers) processNext(ctx context.Context) bool {
	key, quit := c.queue.Get()
	if quit {
		return false
	}
	defer c.queue.Done(key)
	kind, rest, _ := strings.Cut(key, "/")
	ns, name, _ := strings.Cut(rest, "/")
	if err := c.syncWorkload(ctx, kind, ns, name); err != nil && ctx.Err() == nil {
		c.log.Debug("sandbox controller", "key", key, "err", err)
		c.queue.AddRateLimited(key)
		return true
	}
	c.queue.Forget(key)
	return true
}

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

// TemplateHash names a pod template revision, as the controllers' hash
// labels do.
func TemplateHash(t corev1.PodTemplateSpec) string {
	b, _ := json.Marshal(t)
	h := fnv.New32a()
	_, _ = h.Write(b)
	return utilrand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// ownerKey is the queue key of the workload a pod belongs to, or "".
func ownerKey(p *corev1.Pod) string {
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
func (c *Controllers) owned(kind, ns, name string) []*corev1.Pod {
	pods, _ := c.inf.Pods(ns).List(labels.Everything())
	var out []*corev1.Pod
	for _, p := range pods {
		if ownerKey(p) == kind+"/"+ns+"/"+name {
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

func (c *Controllers) syncWorkload(ctx context.Context, kind, ns, name string) error {
	var w workload
	var err error
	switch kind {
	case "DaemonSet":
		var ds *appsv1.DaemonSet
		if ds, err = c.inf.DaemonSets(ns).Get(name); err == nil {
			w = workload{kind: kind, ns: ns, name: name, uid: ds.UID, generation: ds.Generation, template: ds.Spec.Template}
			// The nodes its pods may run on, with the tolerations the
			// controller gives them.
			spec := ds.Spec.Template.Spec.DeepCopy()
			withDaemonTolerations(spec)
			for _, n := range fitting(spec, c.inf.Nodes()) {
				w.nodes = append(w.nodes, n.Name)
			}
		}
	case "Deployment":
		var d *appsv1.Deployment
		if d, err = c.inf.Deployments(ns).Get(name); err == nil {
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
	w.hash = TemplateHash(w.template)
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

// seen drops the expectations the cache has caught up with and counts those
// still waiting, for one owner, revision and (DaemonSet) node.
func (c *Controllers) pending(owner, hash, node string, live []*corev1.Pod) int {
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
func (c *Controllers) syncDaemonSetPods(ctx context.Context, w workload, live []*corev1.Pod) error {
	owner := w.kind + "/" + w.ns + "/" + w.name
	byNode := map[string]*corev1.Pod{}
	for _, p := range live {
		switch {
		case !slices.Contains(w.nodes, p.Spec.NodeName):
			_ = c.cs.CoreV1().Pods(w.ns).Delete(ctx, p.Name, metav1.DeleteOptions{})
		case p.Labels[revisionLabel] != w.hash:
			if cur := podOn(live, p.Spec.NodeName, w.hash); cur != nil && kube.PodReady(cur) || !kube.PodReady(p) {
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
			c.queue.AddAfter(owner, time.Second)
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
func (c *Controllers) syncDeploymentPods(ctx context.Context, w workload, live []*corev1.Pod) error {
	owner := w.kind + "/" + w.ns + "/" + w.name
	var current, old []*corev1.Pod
	ready := 0
	for _, p := range live {
		if p.Labels[templateHashLabel] == w.hash {
			current = append(current, p)
			if kube.PodReady(p) {
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
		c.queue.AddAfter(owner, time.Second) // as for a DaemonSet's pods
	}
	for n := len(current) + waiting; n < w.replicas; n++ {
		// Spread over the nodes, fewest of this workload's pods first.
		load := map[string]int{}
		for _, p := range live {
			load[p.Spec.NodeName]++
		}
		nodes := fitting(&w.template.Spec, c.inf.Nodes())
		if len(nodes) == 0 {
			return fmt.Errorf("no nodes for %s", owner)
		}
		node := nodes[0].Name
		for _, nd := range nodes {
			if load[nd.Name] < load[node] {
				node = nd.Name
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
func (c *Controllers) createPod(ctx context.Context, w workload, node string) error {
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
	if w.kind == "DaemonSet" {
		withDaemonTolerations(&spec)
	}
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
		c.events.record(w.kind, w.ns, w.name, w.uid, corev1.EventTypeWarning, "FailedCreate", fmt.Sprintf("Error creating: %v", err))
		return err
	}
	c.mu.Lock()
	c.expected[created.Name] = expectation{owner: w.kind + "/" + w.ns + "/" + w.name, hash: w.hash, node: node, at: time.Now()}
	c.mu.Unlock()
	c.events.record(w.kind, w.ns, w.name, w.uid, corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: "+created.Name)
	return nil
}

// suffix is the random part of a pod's name.
func (c *Controllers) suffix() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return NameSuffix(c.rng)
}

// NameSuffix is a random part of a name, as the apiserver makes it from
// generateName.
func NameSuffix(rng *mrand.Rand) string {
	const chars = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, 5)
	for i := range b {
		b[i] = chars[rng.IntN(len(chars))]
	}
	return string(b)
}

// writeStatus keeps a workload's status current, through its status
// subresource.
func (c *Controllers) writeStatus(ctx context.Context, w workload, pods []*corev1.Pod) error {
	opts := metav1.UpdateOptions{FieldManager: "kube-controller-manager"}
	var err error
	switch w.kind {
	case "DaemonSet":
		ds, err := c.inf.DaemonSets(w.ns).Get(w.name)
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
			if kube.PodReady(p) {
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
		d, err := c.inf.Deployments(w.ns).Get(w.name)
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
			if kube.PodReady(p) {
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
