package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	sigsyaml "sigs.k8s.io/yaml"
)

// ClusterOptions shape the simulated cluster.
type ClusterOptions struct {
	Nodes         int    // default 3
	Region        string // default us-west-2
	Issuer        string // the EKS cluster's OIDC issuer, for service account tokens
	AWSEndpoint   string // the sandbox AWS endpoints, for the simulated daemon
	Cluster       string // the EKS cluster's name
	PodStartDelay time.Duration
	LBDelay       time.Duration
	AppNamespace  string // default workshop
	Seed          uint64 // the app's mix of answers
	// PodIdentityRole finds the role EKS Pod Identity gives a service
	// account (from the sandbox's EKS), or "".
	PodIdentityRole func(namespace, serviceAccount string) string
	Log             *slog.Logger
}

// Cluster is a simulated EKS cluster: nodes, a DaemonSet controller, EKS's
// pod identity webhook, a load balancer for the app, the sample app and the
// X-Ray daemon's behaviour.
type Cluster struct {
	o   ClusterOptions
	cs  *fake.Clientset
	inf informers.SharedInformerFactory
	log *slog.Logger

	work   chan string
	rng    *mrand.Rand
	rngMu  sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup

	app    *sampleApp
	daemon *simDaemon
	nodes  []string
	// expected are pods created but not yet seen in the informer's cache
	// (the controller's "expectations"), by namespace/ds/node/revision.
	expected map[string]time.Time
}

// NewCluster makes the cluster with its nodes and the sample app's objects.
func NewCluster(o ClusterOptions) *Cluster {
	if o.Nodes <= 0 {
		o.Nodes = 3
	}
	if o.Region == "" {
		o.Region = "us-west-2"
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
	c := &Cluster{o: o, log: o.Log, work: make(chan string, 256), rng: mrand.New(mrand.NewPCG(o.Seed, 7)), expected: map[string]time.Time{}}
	var objs []runtime.Object
	for _, ns := range []string{"default", "kube-system", "kube-public", o.AppNamespace} {
		objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}})
		objs = append(objs, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns}})
	}
	zones := []string{"a", "b", "c"}
	for i := 0; i < o.Nodes; i++ {
		name := fmt.Sprintf("ip-192-168-%d-%d.%s.compute.internal", 10+i*31%90, 20+i*47%200, o.Region)
		c.nodes = append(c.nodes, name)
		objs = append(objs, &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(time.Now().Add(-47 * time.Hour)), Labels: map[string]string{
				"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "topology.kubernetes.io/zone": o.Region + zones[i%3],
				"node.kubernetes.io/instance-type": "m5.large", "eks.amazonaws.com/nodegroup": "nodegroup",
			}},
			Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
				NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.34.4-eks-1234567", OSImage: "Amazon Linux 2023"}},
		})
	}
	objs = append(objs, c.appObjects()...)
	c.cs = fake.NewClientset(objs...)
	c.cs.PrependReactor("patch", "*", c.dryRunApply)
	c.cs.Discovery().(*fakediscovery.FakeDiscovery).FakedServerVersion = &version.Info{
		Major: "1", Minor: "34", GitVersion: "v1.34.4-eks-sandbox", Platform: "linux/amd64",
	}
	return c
}

// dryRunApply answers a server-side apply with dryRun=All as the apiserver
// does: the object as it would be, stored nowhere. (The fake tracker alone
// would store it.) It applies to a scratch tracker holding a copy.
func (c *Cluster) dryRunApply(action k8stesting.Action) (bool, runtime.Object, error) {
	pa, ok := action.(k8stesting.PatchActionImpl)
	if !ok || pa.GetPatchType() != types.ApplyPatchType || len(pa.PatchOptions.DryRun) == 0 {
		return false, nil, nil
	}
	gvr, ns := pa.GetResource(), pa.GetNamespace()
	scratch := fake.NewClientset()
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

// Clientset is the cluster's Kubernetes API.
func (c *Cluster) Clientset() kubernetes.Interface { return c.cs }

// Nodes are the nodes' names.
func (c *Cluster) Nodes() []string { return c.nodes }

// Start runs the controllers, the app and the daemon until Stop.
func (c *Cluster) Start(ctx context.Context) error {
	ctx, c.cancel = context.WithCancel(ctx)
	c.inf = informers.NewSharedInformerFactory(c.cs, 0)
	dsInf := c.inf.Apps().V1().DaemonSets().Informer()
	podInf := c.inf.Core().V1().Pods().Informer()
	// Listers the app and the daemon read: Services, ServiceAccounts,
	// ConfigMaps, Deployments.
	c.inf.Core().V1().Services().Informer()
	c.inf.Core().V1().ServiceAccounts().Informer()
	c.inf.Core().V1().ConfigMaps().Informer()
	c.inf.Apps().V1().Deployments().Informer()
	enqueue := func(obj any) {
		if ds, ok := obj.(*appsv1.DaemonSet); ok {
			c.enqueue(ds.Namespace + "/" + ds.Name)
		}
		if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			c.enqueue(tomb.Key)
		}
	}
	if _, err := dsInf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: enqueue, UpdateFunc: func(_, n any) { enqueue(n) }, DeleteFunc: enqueue,
	}); err != nil {
		return err
	}
	podOwner := func(obj any) {
		if p, ok := obj.(*corev1.Pod); ok {
			for _, ref := range p.OwnerReferences {
				if ref.Kind == "DaemonSet" {
					c.enqueue(p.Namespace + "/" + ref.Name)
				}
			}
		}
	}
	if _, err := podInf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: podOwner, UpdateFunc: func(_, n any) { podOwner(n) }, DeleteFunc: podOwner,
	}); err != nil {
		return err
	}
	c.inf.Start(ctx.Done())
	for typ, ok := range c.inf.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("cache of %v did not sync", typ)
		}
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.run(ctx)
	}()
	var err error
	if c.daemon, err = startDaemon(ctx, c); err != nil {
		return err
	}
	if c.app, err = startApp(ctx, c); err != nil {
		return err
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.provisionLB(ctx)
	}()
	return nil
}

// Stop ends the controllers, the app and the daemon.
func (c *Cluster) Stop() {
	if c.cancel != nil {
		c.cancel()
	}
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

func (c *Cluster) enqueue(key string) {
	select {
	case c.work <- key:
	default: // the queue is full of work that will catch this change too
	}
}

func (c *Cluster) jitter(d time.Duration) time.Duration {
	c.rngMu.Lock()
	defer c.rngMu.Unlock()
	return d/2 + time.Duration(c.rng.Int64N(int64(d)))
}

// run is the DaemonSet controller's loop.
func (c *Cluster) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case key := <-c.work:
			ns, name, _ := strings.Cut(key, "/")
			if err := c.syncDaemonSet(ctx, ns, name); err != nil && ctx.Err() == nil {
				c.log.Debug("sandbox daemonset sync", "key", key, "err", err)
				time.AfterFunc(200*time.Millisecond, func() { c.enqueue(key) })
			}
		}
	}
}

// templateHash names a DaemonSet's pod template revision.
func templateHash(t corev1.PodTemplateSpec) string {
	b, _ := json.Marshal(t)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:10]
}

const revisionLabel = "controller-revision-hash"

// syncDaemonSet keeps one pod of the current template on every node.
func (c *Cluster) syncDaemonSet(ctx context.Context, ns, name string) error {
	ds, err := c.inf.Apps().V1().DaemonSets().Lister().DaemonSets(ns).Get(name)
	pods, _ := c.inf.Core().V1().Pods().Lister().Pods(ns).List(labels.Everything())
	var owned []*corev1.Pod
	for _, p := range pods {
		for _, ref := range p.OwnerReferences {
			if ref.Kind == "DaemonSet" && ref.Name == name {
				owned = append(owned, p)
			}
		}
	}
	if apierrors.IsNotFound(err) {
		for _, p := range owned {
			_ = c.cs.CoreV1().Pods(ns).Delete(ctx, p.Name, metav1.DeleteOptions{})
		}
		return nil
	}
	if err != nil {
		return err
	}
	hash := templateHash(ds.Spec.Template)
	byNode := map[string]*corev1.Pod{}
	for _, p := range owned {
		if p.Labels[revisionLabel] != hash {
			// A rolling update, one node at a time in the real controller;
			// here the old pod goes as soon as its node's new pod is Ready.
			if cur := c.podOnNode(owned, p.Spec.NodeName, hash); cur != nil && podReady(cur) {
				_ = c.cs.CoreV1().Pods(ns).Delete(ctx, p.Name, metav1.DeleteOptions{})
			}
			continue
		}
		if byNode[p.Spec.NodeName] != nil {
			// Two pods of one revision on a node: keep the older.
			_ = c.cs.CoreV1().Pods(ns).Delete(ctx, p.Name, metav1.DeleteOptions{})
			continue
		}
		byNode[p.Spec.NodeName] = p
	}
	for _, node := range c.nodes {
		key := ns + "/" + name + "/" + node + "/" + hash
		if p := byNode[node]; p != nil {
			delete(c.expected, key)
			continue
		}
		if at, waiting := c.expected[key]; waiting && time.Since(at) < 5*time.Second {
			continue // created; the cache has not caught up yet
		}
		if _, err := c.createPod(ctx, ds, node, hash); err != nil {
			return err
		}
		c.expected[key] = time.Now()
	}
	// Status, from what the pods are now.
	ready, current, updated := 0, 0, 0
	for _, p := range owned {
		if p.Labels[revisionLabel] == hash {
			updated++
		}
		current++
		if podReady(p) {
			ready++
		}
	}
	st := appsv1.DaemonSetStatus{
		DesiredNumberScheduled: int32(len(c.nodes)), CurrentNumberScheduled: int32(min(current, len(c.nodes))),
		NumberReady: int32(ready), NumberAvailable: int32(ready), UpdatedNumberScheduled: int32(updated),
		NumberUnavailable: int32(max(len(c.nodes)-ready, 0)), ObservedGeneration: ds.Generation,
	}
	if equality.Semantic.DeepEqual(ds.Status, st) {
		return nil
	}
	// A merge patch of the status alone: the fake tracker stores a whole
	// object on update, so an update from a stale copy would undo a spec
	// the wizard applied a moment before.
	// Every counter is written, zeros too (the typed status omits them).
	patch, err := json.Marshal(map[string]any{"status": map[string]any{
		"desiredNumberScheduled": st.DesiredNumberScheduled, "currentNumberScheduled": st.CurrentNumberScheduled,
		"numberReady": st.NumberReady, "numberAvailable": st.NumberAvailable, "updatedNumberScheduled": st.UpdatedNumberScheduled,
		"numberUnavailable": st.NumberUnavailable, "numberMisscheduled": 0, "observedGeneration": st.ObservedGeneration,
	}})
	if err != nil {
		return err
	}
	_, err = c.cs.AppsV1().DaemonSets(ns).Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{}, "status")
	return err
}

func (c *Cluster) podOnNode(pods []*corev1.Pod, node, hash string) *corev1.Pod {
	for _, p := range pods {
		if p.Spec.NodeName == node && p.Labels[revisionLabel] == hash {
			return p
		}
	}
	return nil
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func podEnv(p *corev1.Pod, name string) string {
	for _, c := range p.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == name {
				return e.Value
			}
		}
	}
	return ""
}

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

// createPod makes a DaemonSet's pod on a node, as the controller and the
// admission chain would: EKS's pod identity webhook adds the IAM role's
// environment when the pod's service account has the role annotation.
func (c *Cluster) createPod(ctx context.Context, ds *appsv1.DaemonSet, node, hash string) (string, error) {
	t := ds.Spec.Template.DeepCopy()
	lbls := map[string]string{}
	for k, v := range t.Labels {
		lbls[k] = v
	}
	lbls[revisionLabel] = hash
	sa := t.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	acct, err := c.inf.Core().V1().ServiceAccounts().Lister().ServiceAccounts(ds.Namespace).Get(sa)
	if err != nil {
		// The real controller fails to create pods whose service account
		// is missing: pods "…" is forbidden: error looking up service account.
		return "", fmt.Errorf("error looking up service account %s/%s: %w", ds.Namespace, sa, err)
	}
	spec := t.Spec
	spec.NodeName = node
	spec.ServiceAccountName = sa
	if role := acct.Annotations["eks.amazonaws.com/role-arn"]; role != "" {
		for i := range spec.Containers {
			spec.Containers[i].Env = append(spec.Containers[i].Env,
				corev1.EnvVar{Name: "AWS_STS_REGIONAL_ENDPOINTS", Value: "regional"},
				corev1.EnvVar{Name: "AWS_DEFAULT_REGION", Value: c.o.Region},
				corev1.EnvVar{Name: "AWS_REGION", Value: c.o.Region},
				corev1.EnvVar{Name: "AWS_ROLE_ARN", Value: role},
				corev1.EnvVar{Name: "AWS_WEB_IDENTITY_TOKEN_FILE", Value: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
			)
		}
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: ds.Name + "-" + c.suffix(), Namespace: ds.Namespace, Labels: lbls, Annotations: t.Annotations,
			CreationTimestamp: metav1.Now(),
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: ds.Name, UID: ds.UID,
				Controller: ptr(true), BlockOwnerDeletion: ptr(true)}},
		},
		Spec: spec,
		Status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()},
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady"},
		}, ContainerStatuses: containerStatuses(spec, false)},
	}
	created, err := c.cs.CoreV1().Pods(ds.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return "", err
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		select {
		case <-ctx.Done():
			return
		case <-time.After(c.jitter(c.o.PodStartDelay)):
		}
		c.markReady(ctx, created.Namespace, created.Name)
	}()
	return created.Name, nil
}

func containerStatuses(spec corev1.PodSpec, ready bool) []corev1.ContainerStatus {
	var out []corev1.ContainerStatus
	for _, ct := range spec.Containers {
		s := corev1.ContainerStatus{Name: ct.Name, Image: ct.Image, Ready: ready, Started: ptr(ready)}
		if ready {
			s.State.Running = &corev1.ContainerStateRunning{StartedAt: metav1.Now()}
			s.ImageID = ct.Image + "@sha256:" + strings.Repeat("0", 64)
			s.ContainerID = "containerd://" + strings.Repeat("a", 64)
		} else {
			s.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
		}
		out = append(out, s)
	}
	return out
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

func (c *Cluster) markReady(ctx context.Context, ns, name string) {
	p, err := c.cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return
	}
	now := metav1.Now()
	for _, ct := range p.Spec.Containers {
		if reason := crashReason(ct); reason != "" {
			p.Status.Phase = corev1.PodRunning
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: ct.Name, Image: ct.Image, RestartCount: 3,
				State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 40s restarting failed container=" + ct.Name + " pod=" + name}},
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 128, Reason: "StartError", Message: reason}}}}
			_, _ = c.cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{})
			return
		}
	}
	p.Status.Phase = corev1.PodRunning
	p.Status.HostIP = "192.168.0.10"
	p.Status.PodIP = fmt.Sprintf("192.168.%d.%d", 10+len(name)%50, 2+int(name[len(name)-1])%200)
	p.Status.StartTime = &now
	p.Status.Conditions = []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
	}
	p.Status.ContainerStatuses = containerStatuses(p.Spec, true)
	if _, err := c.cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		c.log.Debug("sandbox pod ready", "pod", name, "err", err)
	}
}

func ptr[T any](v T) *T { return &v }

// provisionLB gives svc/frontend its load balancer address after a delay,
// as the AWS Load Balancer Controller would.
func (c *Cluster) provisionLB(ctx context.Context) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(c.o.LBDelay):
	}
	svc, err := c.cs.CoreV1().Services(c.o.AppNamespace).Get(ctx, "frontend", metav1.GetOptions{})
	if err != nil {
		return
	}
	// The load balancer listens where the sandbox's app does, on loopback.
	svc.Spec.Ports[0].Port = int32(c.app.port)
	if svc, err = c.cs.CoreV1().Services(c.o.AppNamespace).Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
		c.log.Debug("sandbox lb", "err", err)
		return
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{Hostname: "localhost"}}
	if _, err := c.cs.CoreV1().Services(c.o.AppNamespace).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
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

// appObjects are the sample app's Deployments, Services and pods.
func (c *Cluster) appObjects() []runtime.Object {
	ns := c.o.AppNamespace
	var out []runtime.Object
	apps := []struct {
		name, svcName string
		port, target  int32
		lb            bool
	}{
		{"frontend", "frontend", 80, 9000, true},
		{"prodcatalog", "prodcatalog", 5000, 5000, false},
		{"proddetail", "proddetail", 3000, 3000, false},
	}
	for i, a := range apps {
		lbls := map[string]string{"app": a.name}
		env := []corev1.EnvVar{{Name: "AWS_XRAY_DAEMON_ADDRESS", Value: "xray-service.default:2000"}}
		tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbls}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: a.name, Image: fmt.Sprintf("public.ecr.aws/u2g6w7p2/eks-workshop-demo/%s:1.0", a.name), Env: env,
			Ports: []corev1.ContainerPort{{ContainerPort: a.target}},
		}}}}
		out = append(out, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: a.name, Namespace: ns, Labels: lbls},
			Spec:       appsv1.DeploymentSpec{Replicas: ptr(int32(1)), Selector: &metav1.LabelSelector{MatchLabels: lbls}, Template: tmpl},
			Status:     appsv1.DeploymentStatus{Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1, UpdatedReplicas: 1},
		})
		spec := tmpl.Spec
		spec.NodeName = c.nodes[i%len(c.nodes)]
		ready := metav1.NewTime(time.Now().Add(-2 * time.Hour))
		out = append(out, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-6c8f9d7b5-%s", a.name, c.suffix()), Namespace: ns, Labels: lbls, CreationTimestamp: ready},
			Spec:       spec,
			Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
				ContainerStatuses: containerStatuses(spec, true)},
		})
		typ := corev1.ServiceTypeClusterIP
		if a.lb {
			typ = corev1.ServiceTypeLoadBalancer
		}
		out = append(out, &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: a.svcName, Namespace: ns, Labels: lbls},
			Spec: corev1.ServiceSpec{Type: typ, Selector: lbls, ClusterIP: fmt.Sprintf("10.100.%d.%d", 20+i, 40+i),
				Ports: []corev1.ServicePort{{Port: a.port, TargetPort: intstr.FromInt32(a.target), Protocol: corev1.ProtocolTCP}}},
		})
	}
	return out
}
