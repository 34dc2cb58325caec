package kubesim

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/util/workqueue"

	"github.com/xray-wizard/xray-wizard/kube"
)

// Runtime runs the containers of the kubelets' pods.
type Runtime interface {
	// Start starts a container of a pod: nil once it runs, or how it ended
	// when it exits at once (the pod then crash-loops).
	Start(p *corev1.Pod, ct corev1.Container) *corev1.ContainerStateTerminated
	// Stop stops a pod's containers, for its deletion.
	Stop(namespace, pod string)
	// Remove forgets a deleted pod.
	Remove(namespace, pod string)
}

// KubeletOptions pace the kubelets.
type KubeletOptions struct {
	// PodStartDelay is the time from a pod's scheduling to Running and
	// Ready, jittered per pod.
	PodStartDelay time.Duration
	Seed          uint64 // start jitter and pod addresses
	Log           *slog.Logger
}

// Kubelet is every node's kubelet, and the scheduler that gives pods their
// node. It reads pods, nodes and ConfigMaps through the shared informers
// and writes pods' status and bindings through the clientset; what it
// knows of the pods it runs is its own, under its lock.
type Kubelet struct {
	cs     *kube.Fake
	inf    *Informers
	o      KubeletOptions
	rt     Runtime
	events *recorder
	// queue holds the pods to act on ("ns/name").
	queue workqueue.TypedRateLimitingInterface[string]

	mu   sync.Mutex // held through a pod's sync
	rng  *mrand.Rand
	runs map[string]*podRun // by ns/name
	ips  map[string]bool    // pod IPs in use
}

// podRun is what a node's kubelet knows of a pod it runs.
type podRun struct {
	uid        types.UID // the pod's: a new pod of the same name is another run
	restarts   int
	started    bool // its containers run
	terminated bool // stopped for deletion
	notBefore  time.Time
	ip         string
}

// NewKubelet makes the kubelets and the scheduler.
func NewKubelet(cs *kube.Fake, inf *Informers, o KubeletOptions) *Kubelet {
	return &Kubelet{cs: cs, inf: inf, o: o, events: newRecorder(cs),
		queue: workqueue.NewTypedRateLimitingQueue(workqueue.NewTypedItemExponentialFailureRateLimiter[string](50*time.Millisecond, 2*time.Second)),
		rng:   mrand.New(mrand.NewPCG(o.Seed, 9)), runs: map[string]*podRun{}, ips: map[string]bool{}}
}

// register has the informers wake the kubelets: a pod that changes, and a
// ConfigMap that appears (pods waiting for its volume can start).
func (k *Kubelet) register(rt Runtime) error {
	k.rt = rt
	if err := handle(k.inf.pod, func(obj any) {
		if p, ok := obj.(*corev1.Pod); ok {
			k.queue.Add(p.Namespace + "/" + p.Name)
		}
	}, true); err != nil {
		return err
	}
	return handle(k.inf.cm, func(obj any) {
		cm, ok := obj.(*corev1.ConfigMap)
		if !ok {
			return
		}
		pods, _ := k.inf.Pods(cm.Namespace).List(labels.Everything())
		for _, p := range pods {
			if p.Status.Phase == corev1.PodPending {
				k.queue.Add(p.Namespace + "/" + p.Name)
			}
		}
	}, false)
}

// adopt takes note of the addresses in use when the kubelets start: the
// nodes' and those of the pods already running.
func (k *Kubelet) adopt() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, n := range k.inf.Nodes() {
		k.ips[nodeIP(n)] = true
	}
	pods, _ := k.inf.Pods("").List(labels.Everything())
	for _, p := range pods {
		if p.Status.PodIP != "" {
			k.ips[p.Status.PodIP] = true
		}
	}
}

// Run acts on pods until ctx ends.
func (k *Kubelet) Run(ctx context.Context) {
	for k.processNext(ctx) {
	}
}

func (k *Kubelet) shutDown() { k.queue.ShutDown() }

func (k *Kubelet) processNext(ctx context.Context) bool {
	key, quit := k.queue.Get()
	if quit {
		return false
	}
	defer k.queue.Done(key)
	ns, name, _ := strings.Cut(key, "/")
	if err := k.syncPod(ctx, ns, name); err != nil && ctx.Err() == nil {
		k.o.Log.Debug("sandbox kubelet", "pod", key, "err", err)
		k.queue.AddRateLimited(key)
		return true
	}
	k.queue.Forget(key)
	return true
}

// syncPod moves a pod through its life as its node's kubelet would:
// Pending (ContainerCreating, waiting for its volumes) → Running and Ready
// after the start delay, or CrashLoopBackOff, restarted with back-off;
// Terminating → gone.
func (k *Kubelet) syncPod(ctx context.Context, ns, name string) error {
	key := ns + "/" + name
	k.mu.Lock()
	defer k.mu.Unlock()
	p, err := k.inf.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		k.forget(ns, name)
		return nil
	}
	if err != nil {
		return err
	}
	if p.Spec.NodeName == "" {
		return k.schedule(p)
	}
	run := k.runs[key]
	if run != nil && run.uid != p.UID {
		// The pod it ran was deleted and another made under its name
		// before the kubelet looked (the queue holds a key once): that
		// one is gone, this one starts from the beginning.
		k.forget(ns, name)
		run = nil
	}
	if run == nil {
		run = &podRun{uid: p.UID}
		if !p.Spec.HostNetwork {
			run.ip = p.Status.PodIP
		}
		k.runs[key] = run
	}
	now := time.Now()
	later := func(d time.Duration) error {
		run.notBefore = now.Add(d)
		k.queue.AddAfter(key, d)
		return nil
	}

	if p.DeletionTimestamp != nil {
		if !run.terminated {
			run.terminated, run.started = true, false
			if k.rt != nil {
				k.rt.Stop(ns, name)
			}
			return later(k.jitter(k.o.PodStartDelay / 3))
		}
		if now.Before(run.notBefore) {
			k.queue.AddAfter(key, run.notBefore.Sub(now)) // as below
			return nil
		}
		// This pod, not another made since under its name.
		err := k.cs.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0)), Preconditions: metav1.NewUIDPreconditions(string(p.UID))})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	if now.Before(run.notBefore) {
		// Woken early (by a change of the pod, or by a wake-up asked for
		// earlier: the queue keeps only the soonest of a key's delays, so
		// the one later asked for may be gone): ask again for its time.
		k.queue.AddAfter(key, run.notBefore.Sub(now))
		return nil
	}
	if run.started {
		return nil
	}
	// Running since before the kubelet began (the sample app's pods, or
	// the pods of a cluster restored): its containers start again where
	// they were, and the pod's status stays as it was unless one fails.
	resumed := p.Status.Phase == corev1.PodRunning && kube.PodReady(p)
	if !resumed && p.Status.StartTime == nil {
		// Just scheduled: the kubelet takes it up and pulls its images.
		t := metav1.NewTime(now)
		p = p.DeepCopy()
		p.Status.StartTime = &t
		p.Status.HostIP = k.nodeIP(p.Spec.NodeName)
		p.Status.HostIPs = []corev1.HostIP{{IP: p.Status.HostIP}}
		p.Status.Conditions = []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: t},
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: t},
			{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", LastTransitionTime: t},
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", LastTransitionTime: t},
		}
		p.Status.ContainerStatuses = ContainerStatuses(p.Spec, nil)
		if err := k.writePodStatus(ctx, p); err != nil {
			return err
		}
		return later(k.jitter(k.o.PodStartDelay))
	}
	// Time to start the containers: first their volumes (a running
	// pod's are mounted).
	for _, v := range p.Spec.Volumes {
		if resumed {
			break
		}
		if v.ConfigMap == nil || v.ConfigMap.Optional != nil && *v.ConfigMap.Optional {
			continue
		}
		if _, err := k.inf.ConfigMaps(ns).Get(v.ConfigMap.Name); err != nil {
			k.events.record("Pod", ns, name, p.UID, corev1.EventTypeWarning, "FailedMount",
				fmt.Sprintf("MountVolume.SetUp failed for volume %q : configmap %q not found", v.Name, v.ConfigMap.Name))
			return later(2 * k.o.PodStartDelay)
		}
	}
	p = p.DeepCopy()
	if p.Status.PodIP == "" {
		p.Status.PodIP = k.podIP(p)
		p.Status.PodIPs = []corev1.PodIP{{IP: p.Status.PodIP}}
		if !p.Spec.HostNetwork {
			run.ip = p.Status.PodIP
		}
	}
	crashed := map[string]*corev1.ContainerStateTerminated{}
	for _, ct := range p.Spec.Containers {
		if k.rt == nil {
			continue
		}
		if term := k.rt.Start(p, ct); term != nil {
			crashed[ct.Name] = term
		}
	}
	if resumed && len(crashed) == 0 {
		run.started = true
		return nil
	}
	t := metav1.NewTime(now)
	p.Status.Phase = corev1.PodRunning
	p.Status.ContainerStatuses = ContainerStatuses(p.Spec, func(name string) (bool, *corev1.ContainerStateTerminated) {
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
	if err := k.writePodStatus(ctx, p); err != nil {
		return err
	}
	if len(crashed) == 0 {
		run.started = true
		return nil
	}
	// CrashLoopBackOff: the kubelet starts it again after 10 s, 20 s, 40 s
	// … up to 5 min, scaled to the sandbox's pace.
	backoff := min(10*time.Second<<min(run.restarts, 5), 5*time.Minute) * k.o.PodStartDelay / (1500 * time.Millisecond)
	run.restarts++
	return later(backoff)
}

// forget (k.mu held) drops what the kubelet knew of a pod that is gone:
// its address, and its containers.
func (k *Kubelet) forget(ns, name string) {
	key := ns + "/" + name
	if run := k.runs[key]; run != nil {
		delete(k.ips, run.ip)
		delete(k.runs, key)
	}
	if k.rt != nil {
		k.rt.Remove(ns, name)
	}
}

// schedule is the scheduler: a pod without a node goes to the node with
// the fewest pods.
func (k *Kubelet) schedule(p *corev1.Pod) error {
	if p.DeletionTimestamp != nil {
		return nil
	}
	pods, _ := k.inf.Pods("").List(labels.Everything())
	load := map[string]int{}
	for _, q := range pods {
		load[q.Spec.NodeName]++
	}
	nodes := fitting(&p.Spec, k.inf.Nodes())
	if len(nodes) == 0 {
		return fmt.Errorf("no node for pod %s/%s", p.Namespace, p.Name)
	}
	node := nodes[0].Name
	for _, n := range nodes {
		if load[n.Name] < load[node] {
			node = n.Name
		}
	}
	// The binding subresource: spec.nodeName and the condition at once.
	b := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace, UID: p.UID},
		Target: corev1.ObjectReference{Kind: "Node", Name: node}}
	_, err := k.cs.Invokes(k8stesting.NewCreateSubresourceActionWithOptions(corev1.SchemeGroupVersion.WithResource("pods"), p.Name, "binding", p.Namespace, b,
		metav1.CreateOptions{FieldManager: "kube-scheduler"}), nil)
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// writePodStatus writes a pod's status through its status subresource.
func (k *Kubelet) writePodStatus(ctx context.Context, p *corev1.Pod) error {
	_, err := k.cs.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{FieldManager: "kubelet"})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// ContainerStatuses are a pod's containers' statuses: waiting in ContainerCreating when state is nil; else
// running and ready, or crashed and waiting in CrashLoopBackOff.
func ContainerStatuses(spec corev1.PodSpec, state func(name string) (bool, *corev1.ContainerStateTerminated)) []corev1.ContainerStatus {
	var out []corev1.ContainerStatus
	for _, ct := range spec.Containers {
		s := corev1.ContainerStatus{Name: ct.Name, Image: ct.Image, Started: ptr(false)}
		if state == nil {
			s.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
			out = append(out, s)
			continue
		}
		s.ImageID = imageRef(ct.Image) + "@sha256:" + strings.Repeat(fmt.Sprintf("%x", len(ct.Image)%16), 64)
		s.ContainerID = "containerd://" + StableHex(ct.Name+ct.Image, 64)
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

// StableHex is a stable hex string of n digits made from s.
func StableHex(s string, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		h := fnv.New64a()
		_, _ = h.Write([]byte(fmt.Sprint(s, i)))
		fmt.Fprintf(&b, "%016x", h.Sum64())
	}
	return b.String()[:n]
}

func (k *Kubelet) nodeIP(node string) string {
	for _, n := range k.inf.Nodes() {
		if n.Name == node {
			return nodeIP(n)
		}
	}
	return ""
}

// podIP (k.mu held) gives a pod an address in its node's subnet (the VPC CNI's way),
// or the node's own with hostNetwork.
func (k *Kubelet) podIP(p *corev1.Pod) string {
	host := k.nodeIP(p.Spec.NodeName)
	if p.Spec.HostNetwork {
		return host
	}
	parts := strings.Split(host, ".")
	for {
		ip := fmt.Sprintf("%s.%s.%s.%d", parts[0], parts[1], parts[2], 2+k.rng.IntN(252))
		if !k.ips[ip] {
			k.ips[ip] = true
			return ip
		}
	}
}

// jitter is a random time around d (k.mu held).
func (k *Kubelet) jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(k.rng.Int64N(int64(d)))
}
