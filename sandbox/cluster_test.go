package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
	appslisters "k8s.io/client-go/listers/apps/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"

	"github.com/xray-wizard/xray-wizard/kube"
)

// fieldManager is the manager name the tests apply with, as the wizard does.
const fieldManager = "xray-wizard"

// startCluster starts a simulated cluster paced for tests.
func startCluster(t *testing.T, o ClusterOptions) *Cluster {
	t.Helper()
	if o.PodStartDelay == 0 {
		o.PodStartDelay = 200 * time.Millisecond
	}
	if o.LBDelay == 0 {
		o.LBDelay = 300 * time.Millisecond
	}
	c := NewCluster(o)
	// The cluster runs until Stop: its context must outlive this call.
	if err := c.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}

// observer watches the cluster the way the wizard does: shared informers on
// pods, DaemonSets and Services, and a wake-up on every change.
type observer struct {
	pods  corelisters.PodLister
	ds    appslisters.DaemonSetLister
	deps  appslisters.DeploymentLister
	svcs  corelisters.ServiceLister
	poke  chan struct{}
	mu    sync.Mutex
	added []string             // pods in the order they were created
	seen  map[string][]string  // pod → the phases it was seen in
	ready map[string]time.Time // pod → when it was first seen Ready
	ended map[string]bool      // pods seen Terminating
}

func observe(t *testing.T, cs kube.Interface) *observer {
	t.Helper()
	var f kube.Informers
	podInf := f.Add(kube.NewInformer(cs.CoreV1().Pods(metav1.NamespaceAll), &corev1.Pod{}, kube.InformerOptions{}))
	dsInf := f.Add(kube.NewInformer(cs.AppsV1().DaemonSets(metav1.NamespaceAll), &appsv1.DaemonSet{}, kube.InformerOptions{}))
	svcInf := f.Add(kube.NewInformer(cs.CoreV1().Services(metav1.NamespaceAll), &corev1.Service{}, kube.InformerOptions{}))
	depInf := f.Add(kube.NewInformer(cs.AppsV1().Deployments(metav1.NamespaceAll), &appsv1.Deployment{}, kube.InformerOptions{}))
	o := &observer{poke: make(chan struct{}, 1), seen: map[string][]string{}, ready: map[string]time.Time{}, ended: map[string]bool{}}
	wake := func() {
		select {
		case o.poke <- struct{}{}:
		default:
		}
	}
	record := func(obj any, isAdd bool) {
		if p, ok := obj.(*corev1.Pod); ok {
			o.mu.Lock()
			key := p.Namespace + "/" + p.Name
			if isAdd {
				o.added = append(o.added, key)
			}
			if ph := string(p.Status.Phase); len(o.seen[key]) == 0 || o.seen[key][len(o.seen[key])-1] != ph {
				o.seen[key] = append(o.seen[key], ph)
			}
			if kube.PodReady(p) && o.ready[key].IsZero() {
				o.ready[key] = time.Now()
			}
			if p.DeletionTimestamp != nil {
				o.ended[key] = true
			}
			o.mu.Unlock()
		}
		wake()
	}
	h := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { record(obj, true) },
		UpdateFunc: func(_, obj any) { record(obj, false) },
		DeleteFunc: func(any) { wake() },
	}
	o.pods = corelisters.NewPodLister(podInf.GetIndexer())
	o.ds = appslisters.NewDaemonSetLister(dsInf.GetIndexer())
	o.svcs = corelisters.NewServiceLister(svcInf.GetIndexer())
	o.deps = appslisters.NewDeploymentLister(depInf.GetIndexer())
	for _, inf := range []cache.SharedIndexInformer{podInf, dsInf, svcInf, depInf} {
		if _, err := inf.AddEventHandler(h); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	f.Start(stop)
	t.Cleanup(func() {
		close(stop)
		f.Shutdown()
	})
	if !f.WaitForCacheSync(stop) {
		t.Fatal("the informers' caches did not sync")
	}
	return o
}

// waitFor returns once cond holds, re-checking it on every change the
// informers see.
func (o *observer) waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-o.poke:
		case <-deadline.C:
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

// daemonPods are the DaemonSet's pods, by name.
func (o *observer) daemonPods(ns, ds string) []*corev1.Pod {
	all, _ := o.pods.Pods(ns).List(labels.Everything())
	var out []*corev1.Pod
	for _, p := range all {
		if ref := metav1.GetControllerOf(p); ref != nil && ref.Kind == "DaemonSet" && ref.Name == ds {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// allReady: one Ready pod per node, every one passing the check.
func allReady(pods []*corev1.Pod, nodes int, check func(*corev1.Pod) bool) bool {
	if len(pods) != nodes {
		return false
	}
	for _, p := range pods {
		if !kube.PodReady(p) || check != nil && !check(p) {
			return false
		}
	}
	return true
}

func names(pods []*corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Name)
	}
	return out
}

// daemonSetApply is the lab's DaemonSet as an apply configuration.
func daemonSetApply(ns, image string) *appsv1ac.DaemonSetApplyConfiguration {
	lbls := map[string]string{"app": "xray-daemon"}
	return appsv1ac.DaemonSet("xray-daemon", ns).WithLabels(lbls).WithSpec(appsv1ac.DaemonSetSpec().
		WithSelector(metav1ac.LabelSelector().WithMatchLabels(lbls)).
		WithUpdateStrategy(appsv1ac.DaemonSetUpdateStrategy().WithType(appsv1.RollingUpdateDaemonSetStrategyType)).
		WithTemplate(corev1ac.PodTemplateSpec().WithLabels(lbls).WithSpec(corev1ac.PodSpec().
			WithServiceAccountName("xray-daemon").
			WithContainers(corev1ac.Container().WithName("xray-daemon").WithImage(image).
				WithCommand("/xray", "-c", "/aws/xray/config.yaml").
				WithPorts(corev1ac.ContainerPort().WithName("xray-ingest").WithContainerPort(2000).WithProtocol(corev1.ProtocolUDP)).
				WithVolumeMounts(corev1ac.VolumeMount().WithName("config-volume").WithMountPath("/aws/xray").WithReadOnly(true))).
			WithVolumes(corev1ac.Volume().WithName("config-volume").WithConfigMap(corev1ac.ConfigMapVolumeSource().WithName("xray-config"))))))
}

const daemonImage = "public.ecr.aws/xray/aws-xray-daemon:3.6.6"

// applyDaemonConfig applies the daemon's ConfigMap: its config file with
// the sockets on every address and the given region ("" for none).
func applyDaemonConfig(t *testing.T, cs kube.Interface, region string) {
	t.Helper()
	config := "Socket:\n  UDPAddress: \"0.0.0.0:2000\"\n  TCPAddress: \"0.0.0.0:2000\"\nVersion: 2\n"
	if region != "" {
		config += fmt.Sprintf("Region: %q\n", region)
	}
	if _, err := cs.CoreV1().ConfigMaps("default").Apply(context.Background(), ac(corev1ac.ConfigMap("xray-config", "default").
		WithData(map[string]string{"config.yaml": config})), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
}

// restart does what `kubectl rollout restart` does: a new annotation on
// the pod template.
func restart(t *testing.T, cs kube.Interface, kind, ns, name string) {
	t.Helper()
	patch := []byte(fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":%q}}}}}`, time.Now().Format(time.RFC3339Nano)))
	var err error
	if kind == "DaemonSet" {
		_, err = cs.AppsV1().DaemonSets(ns).Patch(context.Background(), name, types.StrategicMergePatchType, patch, metav1.PatchOptions{FieldManager: "kubectl-rollout"})
	} else {
		_, err = cs.AppsV1().Deployments(ns).Patch(context.Background(), name, types.StrategicMergePatchType, patch, metav1.PatchOptions{FieldManager: "kubectl-rollout"})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestClusterSeedsTheWorkshopCluster(t *testing.T) {
	t.Parallel()
	c := NewCluster(ClusterOptions{})
	cs, ctx := c.Clientset(), context.Background()

	nss, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var nsNames []string
	for _, ns := range nss.Items {
		nsNames = append(nsNames, ns.Name)
	}
	for _, want := range []string{"default", "kube-system", "workshop"} {
		if !slices.Contains(nsNames, want) {
			t.Errorf("namespace %s missing from %v", want, nsNames)
		}
	}

	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil || len(nodes.Items) != 3 {
		t.Fatalf("nodes: %d %v", len(nodes.Items), err)
	}
	nodeName := regexp.MustCompile(`^ip-192-168-\d{1,3}-\d{1,3}\.us-west-2\.compute\.internal$`)
	zones, archs := map[string]bool{}, map[string]int{}
	for _, n := range nodes.Items {
		if !nodeName.MatchString(n.Name) {
			t.Errorf("node name %q", n.Name)
		}
		// One Graviton node among the managed node group's.
		arch := n.Labels["kubernetes.io/arch"]
		archs[arch]++
		instance := map[string]string{"amd64": "m5.large", "arm64": "m6g.large"}[arch]
		if n.Labels["kubernetes.io/hostname"] != n.Name || n.Labels["node.kubernetes.io/instance-type"] != instance || n.Labels["kubernetes.io/os"] != "linux" ||
			n.Status.NodeInfo.Architecture != arch || !strings.HasPrefix(n.Labels["topology.kubernetes.io/zone"], "us-west-2") {
			t.Errorf("node %s labels %v", n.Name, n.Labels)
		}
		zones[n.Labels["topology.kubernetes.io/zone"]] = true
		ready := false
		for _, cond := range n.Status.Conditions {
			ready = ready || cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue
		}
		if !ready {
			t.Errorf("node %s is not Ready", n.Name)
		}
	}
	if len(zones) != 3 || archs["amd64"] != 2 || archs["arm64"] != 1 {
		t.Errorf("nodes spread over %d zones (want 3), architectures %v (want 2 amd64, 1 arm64)", len(zones), archs)
	}
	if got := c.Nodes(); len(got) != 3 {
		t.Errorf("Nodes() = %v", got)
	}

	ports := map[string]int32{"frontend": 80, "prodcatalog": 5000, "proddetail": 3000}
	for name, port := range ports {
		d, err := cs.AppsV1().Deployments("workshop").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("deployment %s: %v", name, err)
		}
		env := d.Spec.Template.Spec.Containers[0].Env
		if !slices.Contains(env, corev1.EnvVar{Name: "AWS_XRAY_DAEMON_ADDRESS", Value: "xray-service.default:2000"}) {
			t.Errorf("deployment %s env %v", name, env)
		}
		pods, err := cs.CoreV1().Pods("workshop").List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
		if err != nil || len(pods.Items) != 1 {
			t.Fatalf("pods of %s: %v %v", name, pods, err)
		}
		if p := &pods.Items[0]; p.Status.Phase != corev1.PodRunning || !kube.PodReady(p) || podEnv(p, "AWS_XRAY_DAEMON_ADDRESS") == "" {
			t.Errorf("pod %s: %s ready=%v", p.Name, p.Status.Phase, kube.PodReady(p))
		}
		svc, err := cs.CoreV1().Services("workshop").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("service %s: %v", name, err)
		}
		if svc.Spec.Ports[0].Port != port {
			t.Errorf("service %s port %d, want %d", name, svc.Spec.Ports[0].Port, port)
		}
		if name == "frontend" && (svc.Spec.Type != corev1.ServiceTypeLoadBalancer || svc.Spec.Ports[0].TargetPort.IntValue() != 9000) {
			t.Errorf("frontend: %s → %v", svc.Spec.Type, svc.Spec.Ports[0].TargetPort)
		}
	}
}

// TestClusterServerSideApply pins what the fake clientset under the sandbox
// does with server-side apply, for every kind the wizard and the lab's
// manifest apply: typed apply configurations and raw apply patches both
// create, then update, record managed fields, refuse a second manager's
// change with a conflict (unless forced) and reject unknown fields. A dry
// run stores nothing.
func TestClusterServerSideApply(t *testing.T) {
	t.Parallel()
	c := NewCluster(ClusterOptions{})
	cs, ctx := c.Clientset(), context.Background()
	opts := metav1.ApplyOptions{FieldManager: fieldManager}

	// Typed apply configurations.
	sa, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default").
		WithAnnotations(map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/xray"})), opts)
	if err != nil || sa.Annotations["eks.amazonaws.com/role-arn"] == "" {
		t.Fatalf("ServiceAccount: %v %v", sa, err)
	}
	cm, err := cs.CoreV1().ConfigMaps("default").Apply(ctx, ac(corev1ac.ConfigMap("xray-config", "default").
		WithData(map[string]string{"config.yaml": "Region: \"us-west-2\"\n"})), opts)
	if err != nil || cm.Data["config.yaml"] == "" {
		t.Fatalf("ConfigMap: %v %v", cm, err)
	}
	svc, err := cs.CoreV1().Services("default").Apply(ctx, ac(corev1ac.Service("xray-service", "default").WithSpec(corev1ac.ServiceSpec().
		WithSelector(map[string]string{"app": "xray-daemon"}).
		WithPorts(corev1ac.ServicePort().WithName("xray-ingest").WithPort(2000).WithProtocol(corev1.ProtocolUDP),
			corev1ac.ServicePort().WithName("xray-tcp").WithPort(2000).WithProtocol(corev1.ProtocolTCP)))), opts)
	if err != nil || len(svc.Spec.Ports) != 2 {
		t.Fatalf("Service: %v %v", svc, err)
	}
	ds, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), opts)
	if err != nil || ds.Spec.Template.Spec.Containers[0].Image != daemonImage {
		t.Fatalf("DaemonSet: %v %v", ds, err)
	}
	crb, err := cs.RbacV1().ClusterRoleBindings().Apply(ctx, ac(rbacv1ac.ClusterRoleBinding("xray-daemon").
		WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup("rbac.authorization.k8s.io").WithKind("ClusterRole").WithName("view")).
		WithSubjects(rbacv1ac.Subject().WithKind("ServiceAccount").WithName("xray-daemon").WithNamespace("default"))), opts)
	if err != nil || crb.RoleRef.Name != "view" {
		t.Fatalf("ClusterRoleBinding: %v %v", crb, err)
	}
	for what, mf := range map[string][]metav1.ManagedFieldsEntry{"sa": sa.ManagedFields, "cm": cm.ManagedFields, "svc": svc.ManagedFields, "ds": ds.ManagedFields, "crb": crb.ManagedFields} {
		if len(mf) != 1 || mf[0].Manager != fieldManager || mf[0].Operation != metav1.ManagedFieldsOperationApply {
			t.Errorf("%s managed fields: %+v", what, mf)
		}
	}

	// Raw apply patches (what `kubectl apply --server-side` sends), on
	// objects that exist and on new ones.
	raw := map[string]struct {
		patch func(name string, body []byte) error
		body  string
	}{
		"ServiceAccount": {func(n string, b []byte) error {
			_, err := cs.CoreV1().ServiceAccounts("default").Patch(ctx, n, types.ApplyPatchType, b, metav1.PatchOptions{FieldManager: fieldManager})
			return err
		}, `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"%s","namespace":"default","labels":{"app.kubernetes.io/managed-by":"eksctl"}}}`},
		"ConfigMap": {func(n string, b []byte) error {
			_, err := cs.CoreV1().ConfigMaps("default").Patch(ctx, n, types.ApplyPatchType, b, metav1.PatchOptions{FieldManager: fieldManager})
			return err
		}, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","namespace":"default"},"data":{"config.yaml":"Region: \"us-east-1\"\n"}}`},
		"Service": {func(n string, b []byte) error {
			_, err := cs.CoreV1().Services("default").Patch(ctx, n, types.ApplyPatchType, b, metav1.PatchOptions{FieldManager: fieldManager})
			return err
		}, `{"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"default"},"spec":{"clusterIP":"None","selector":{"app":"xray-daemon"},"ports":[{"port":2000,"protocol":"UDP"}]}}`},
		"DaemonSet": {func(n string, b []byte) error {
			_, err := cs.AppsV1().DaemonSets("default").Patch(ctx, n, types.ApplyPatchType, b, metav1.PatchOptions{FieldManager: fieldManager})
			return err
		}, `{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"%s","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"xray-daemon"}},` +
			`"template":{"metadata":{"labels":{"app":"xray-daemon"}},"spec":{"containers":[{"name":"xray-daemon","image":"amazon/aws-xray-daemon"}]}}}}`},
		"ClusterRoleBinding": {func(n string, b []byte) error {
			_, err := cs.RbacV1().ClusterRoleBindings().Patch(ctx, n, types.ApplyPatchType, b, metav1.PatchOptions{FieldManager: fieldManager})
			return err
		}, `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"%s"},` +
			`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"ServiceAccount","name":"xray-daemon","namespace":"default"}]}`},
	}
	existing := map[string]string{"ServiceAccount": "xray-daemon", "ConfigMap": "xray-config", "Service": "xray-service", "DaemonSet": "xray-daemon", "ClusterRoleBinding": "xray-daemon"}
	for kind, r := range raw {
		for _, name := range []string{existing[kind], "raw-" + strings.ToLower(kind)} {
			if err := r.patch(name, fmt.Appendf(nil, r.body, name)); err != nil {
				t.Errorf("apply patch %s/%s: %v", kind, name, err)
			}
		}
	}
	if got, _ := cs.CoreV1().ConfigMaps("default").Get(ctx, "xray-config", metav1.GetOptions{}); !strings.Contains(got.Data["config.yaml"], "us-east-1") {
		t.Errorf("raw apply did not update the ConfigMap: %v", got.Data)
	}
	// As on a real apiserver, an apply is the manager's whole intent: what
	// it applied before and leaves out now is removed.
	if got, _ := cs.CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{}); got.Annotations["eks.amazonaws.com/role-arn"] != "" ||
		got.Labels["app.kubernetes.io/managed-by"] != "eksctl" {
		t.Errorf("a second apply by the same manager: annotations %v labels %v", got.Annotations, got.Labels)
	}

	// Another manager changing an owned field conflicts; with force it
	// takes the field over.
	other := daemonSetApply("default", "amazon/aws-xray-daemon:3.3.7")
	_, err = cs.AppsV1().DaemonSets("default").Apply(ctx, ac(other), metav1.ApplyOptions{FieldManager: "kubectl"})
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), "image") {
		t.Fatalf("a second manager's change: %v, want a conflict on the image", err)
	}
	forced, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(other), metav1.ApplyOptions{FieldManager: "kubectl", Force: true})
	if err != nil || forced.Spec.Template.Spec.Containers[0].Image != "amazon/aws-xray-daemon:3.3.7" {
		t.Fatalf("forced apply: %v", err)
	}

	// The schema is enforced.
	_, err = cs.CoreV1().ConfigMaps("default").Patch(ctx, "xray-config", types.ApplyPatchType,
		[]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"xray-config"},"dta":{}}`), metav1.PatchOptions{FieldManager: fieldManager})
	if err == nil || !strings.Contains(err.Error(), "dta") {
		t.Errorf("an unknown field: %v", err)
	}

	// A server-side dry run answers with the object as it would be and
	// stores nothing.
	dry, err := cs.CoreV1().ConfigMaps("default").Apply(ctx, ac(corev1ac.ConfigMap("dry-run", "default").WithData(map[string]string{"a": "b"})),
		metav1.ApplyOptions{FieldManager: fieldManager, DryRun: []string{metav1.DryRunAll}})
	if err != nil || dry.Data["a"] != "b" {
		t.Fatalf("dry run: %v %v", dry, err)
	}
	if _, err := cs.CoreV1().ConfigMaps("default").Get(ctx, "dry-run", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("a dry run stored its object: %v", err)
	}
}

func TestClusterDaemonSetPods(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{})
	cs, ctx := c.Clientset(), context.Background()
	o := observe(t, cs)
	if _, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default")), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	applyDaemonConfig(t, cs, "us-west-2")
	applied := time.Now()
	ds, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager})
	if err != nil {
		t.Fatal(err)
	}
	// Ready in the cache, and seen Ready by the event handler (which runs
	// after the cache is updated).
	o.waitFor(t, "one Ready pod per node", 5*time.Second, func() bool {
		return allReady(o.daemonPods("default", "xray-daemon"), 3, func(p *corev1.Pod) bool {
			o.mu.Lock()
			defer o.mu.Unlock()
			return !o.ready["default/"+p.Name].IsZero()
		})
	})
	first := o.daemonPods("default", "xray-daemon")

	podName := regexp.MustCompile(`^xray-daemon-[a-z0-9]{5}$`)
	var onNodes []string
	for _, p := range first {
		if !podName.MatchString(p.Name) {
			t.Errorf("pod name %q", p.Name)
		}
		if p.Labels["app"] != "xray-daemon" || p.Spec.ServiceAccountName != "xray-daemon" || p.Spec.Containers[0].Image != daemonImage ||
			p.Spec.Containers[0].Command[0] != "/xray" || len(p.Spec.Volumes) != 1 {
			t.Errorf("pod %s does not follow the template: %v %+v", p.Name, p.Labels, p.Spec)
		}
		ref := metav1.GetControllerOf(p)
		if ref == nil || ref.APIVersion != "apps/v1" || ref.Kind != "DaemonSet" || ref.Name != "xray-daemon" || ref.UID != ds.UID {
			t.Errorf("pod %s owner %+v", p.Name, ref)
		}
		onNodes = append(onNodes, p.Spec.NodeName)
		if p.Status.Phase != corev1.PodRunning || len(p.Status.ContainerStatuses) != 1 {
			t.Fatalf("pod %s: %s %+v", p.Name, p.Status.Phase, p.Status.ContainerStatuses)
		}
		st := p.Status.ContainerStatuses[0]
		if !st.Ready || st.RestartCount != 0 || st.Started == nil || !*st.Started || st.State.Running == nil {
			t.Errorf("pod %s container status %+v", p.Name, st)
		}
		conds := map[corev1.PodConditionType]corev1.ConditionStatus{}
		for _, cond := range p.Status.Conditions {
			conds[cond.Type] = cond.Status
		}
		if conds[corev1.PodReady] != corev1.ConditionTrue || conds[corev1.ContainersReady] != corev1.ConditionTrue {
			t.Errorf("pod %s conditions %v", p.Name, conds)
		}
		if podEnv(p, "AWS_ROLE_ARN") != "" {
			t.Errorf("pod %s got a role though its service account has none", p.Name)
		}
	}
	sort.Strings(onNodes)
	nodes := slices.Clone(c.Nodes())
	sort.Strings(nodes)
	if !slices.Equal(onNodes, nodes) {
		t.Errorf("pods on %v, nodes %v", onNodes, nodes)
	}
	// Pods came up as pods do: Pending first, Ready after about the start
	// delay (jittered between half and one and a half of it).
	o.mu.Lock()
	for _, p := range first {
		key := "default/" + p.Name
		if phases := o.seen[key]; len(phases) < 2 || phases[0] != "Pending" || phases[len(phases)-1] != "Running" {
			t.Errorf("pod %s went through %v, want Pending … Running", p.Name, phases)
		}
		if took := o.ready[key].Sub(applied); took < 100*time.Millisecond || took > 2*time.Second {
			t.Errorf("pod %s Ready after %v", p.Name, took)
		}
	}
	o.mu.Unlock()

	// The DaemonSet's status follows its pods.
	o.waitFor(t, "DaemonSet status", 2*time.Second, func() bool {
		ds, err := o.ds.DaemonSets("default").Get("xray-daemon")
		st := appsv1.DaemonSetStatus{}
		if err == nil {
			st = ds.Status
		}
		return err == nil && st.DesiredNumberScheduled == 3 && st.CurrentNumberScheduled == 3 && st.NumberReady == 3 &&
			st.NumberAvailable == 3 && st.UpdatedNumberScheduled == 3 && st.NumberUnavailable == 0 && st.ObservedGeneration == 1 && ds.Generation == 1
	})

	// Applying the same DaemonSet again changes nothing: the same pods stay.
	o.mu.Lock()
	createdBefore := len(o.added)
	o.mu.Unlock()
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond) // three start delays: time enough for any replacement to show
	if again := o.daemonPods("default", "xray-daemon"); !slices.Equal(names(again), names(first)) {
		t.Errorf("an unchanged apply replaced the pods: %v → %v", names(first), names(again))
	}
	o.mu.Lock()
	if len(o.added) != createdBefore {
		t.Errorf("an unchanged apply created pods: %v", o.added[createdBefore:])
	}
	o.mu.Unlock()

	// A new template (a new image) rolls new pods out and removes the old.
	newImage := "public.ecr.aws/xray/aws-xray-daemon:3.6.5"
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", newImage)), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	o.waitFor(t, "pods of the new template", 5*time.Second, func() bool {
		return allReady(o.daemonPods("default", "xray-daemon"), 3, func(p *corev1.Pod) bool { return p.Spec.Containers[0].Image == newImage })
	})
	second := o.daemonPods("default", "xray-daemon")
	// A new template is a new generation, which the controller observes.
	o.waitFor(t, "generation 2 observed", 2*time.Second, func() bool {
		ds, err := o.ds.DaemonSets("default").Get("xray-daemon")
		return err == nil && ds.Generation == 2 && ds.Status.ObservedGeneration == 2 && ds.Status.UpdatedNumberScheduled == 3
	})
	for _, n := range names(second) {
		if slices.Contains(names(first), n) {
			t.Errorf("pod %s survived the template change", n)
		}
	}

	// `kubectl rollout restart` (a template annotation) replaces them too.
	restart := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":%q}}}}}`, time.Now().Format(time.RFC3339))
	if _, err := cs.AppsV1().DaemonSets("default").Patch(ctx, "xray-daemon", types.StrategicMergePatchType, []byte(restart), metav1.PatchOptions{FieldManager: "kubectl-rollout"}); err != nil {
		t.Fatal(err)
	}
	o.waitFor(t, "restarted pods", 5*time.Second, func() bool {
		return allReady(o.daemonPods("default", "xray-daemon"), 3, func(p *corev1.Pod) bool {
			return p.Annotations["kubectl.kubernetes.io/restartedAt"] != "" && !slices.Contains(names(second), p.Name)
		})
	})
	if got, _ := o.ds.DaemonSets("default").Get("xray-daemon"); got == nil || got.Spec.Template.Spec.Containers[0].Image != newImage || got.Generation != 3 {
		t.Errorf("after the restart: %+v", got)
	}

	// Deleting the DaemonSet deletes its pods.
	if err := cs.AppsV1().DaemonSets("default").Delete(ctx, "xray-daemon", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	last := o.daemonPods("default", "xray-daemon")
	o.waitFor(t, "the pods to go, each Terminating first", 5*time.Second, func() bool {
		o.mu.Lock()
		defer o.mu.Unlock()
		for _, p := range last {
			if !o.ended["default/"+p.Name] {
				return false
			}
		}
		return len(o.daemonPods("default", "xray-daemon")) == 0
	})
}

// TestClusterPodIdentityWebhook: EKS's webhook gives a pod its service
// account's IAM role when the pod is created, never later.
func TestClusterPodIdentityWebhook(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{Region: "eu-west-1"})
	cs, ctx := c.Clientset(), context.Background()
	o := observe(t, cs)
	applyDaemonConfig(t, cs, "eu-west-1")
	// No service account yet: as the real controller, no pods (the
	// admission of each pod fails), until there is one.
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if pods := o.daemonPods("default", "xray-daemon"); len(pods) != 0 {
		t.Fatalf("pods without their service account: %v", names(pods))
	}
	if _, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default")), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	o.waitFor(t, "pods once the service account exists", 5*time.Second, func() bool { return allReady(o.daemonPods("default", "xray-daemon"), 3, nil) })
	before := o.daemonPods("default", "xray-daemon")

	role := "arn:aws:iam::123456789012:role/eksctl-eksworkshop-eksctl-addon-iamserviceaccount-Role1"
	if _, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default").
		WithAnnotations(map[string]string{"eks.amazonaws.com/role-arn": role})), metav1.ApplyOptions{FieldManager: "eksctl"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	for _, p := range o.daemonPods("default", "xray-daemon") {
		if !slices.Contains(names(before), p.Name) || podEnv(p, "AWS_ROLE_ARN") != "" {
			t.Errorf("pod %s changed with the annotation (role %q); pods keep what they started with", p.Name, podEnv(p, "AWS_ROLE_ARN"))
		}
	}

	restart := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":%q}}}}}`, time.Now().Format(time.RFC3339))
	if _, err := cs.AppsV1().DaemonSets("default").Patch(ctx, "xray-daemon", types.StrategicMergePatchType, []byte(restart), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	o.waitFor(t, "restarted pods with the role", 5*time.Second, func() bool {
		return allReady(o.daemonPods("default", "xray-daemon"), 3, func(p *corev1.Pod) bool { return podEnv(p, "AWS_ROLE_ARN") != "" })
	})
	want := map[string]string{
		"AWS_ROLE_ARN":                role,
		"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
		"AWS_STS_REGIONAL_ENDPOINTS":  "regional",
		"AWS_REGION":                  "eu-west-1",
		"AWS_DEFAULT_REGION":          "eu-west-1",
	}
	for _, p := range o.daemonPods("default", "xray-daemon") {
		for k, v := range want {
			if got := podEnv(p, k); got != v {
				t.Errorf("pod %s %s=%q, want %q", p.Name, k, got, v)
			}
		}
	}
	// The DaemonSet itself is left as it was applied.
	if ds, _ := o.ds.DaemonSets("default").Get("xray-daemon"); ds == nil || len(ds.Spec.Template.Spec.Containers[0].Env) != 0 {
		t.Errorf("the webhook changed the DaemonSet's template: %+v", ds)
	}
}

// frontendURL is the address the wizard builds from svc/frontend: the first
// ingress's hostname (else its IP) and the Service's port, left out when 80.
func frontendURL(svc *corev1.Service) string {
	ing := svc.Status.LoadBalancer.Ingress
	if len(ing) == 0 {
		return ""
	}
	host := ing[0].Hostname
	if host == "" {
		host = ing[0].IP
	}
	if p := svc.Spec.Ports[0].Port; p != 80 {
		host = fmt.Sprintf("%s:%d", host, p)
	}
	return "http://" + host + "/"
}

func TestClusterLoadBalancer(t *testing.T) {
	t.Parallel()
	lbDelay := 500 * time.Millisecond
	started := time.Now()
	c := startCluster(t, ClusterOptions{LBDelay: lbDelay})
	o := observe(t, c.Clientset())
	svc, err := o.svcs.Services("workshop").Get("frontend")
	if err != nil {
		t.Fatal(err)
	}
	if len(svc.Status.LoadBalancer.Ingress) != 0 && time.Since(started) < lbDelay {
		t.Fatalf("ingress before the load balancer's delay: %v", svc.Status.LoadBalancer.Ingress)
	}
	var url string
	o.waitFor(t, "the load balancer", 5*time.Second, func() bool {
		svc, err := o.svcs.Services("workshop").Get("frontend")
		if err == nil {
			url = frontendURL(svc)
		}
		return url != ""
	})
	if took := time.Since(started); took < lbDelay {
		t.Errorf("load balancer after %v, before its delay %v", took, lbDelay)
	}
	svc, _ = o.svcs.Services("workshop").Get("frontend")
	if h := svc.Status.LoadBalancer.Ingress[0].Hostname; h != "localhost" {
		t.Errorf("ingress hostname %q", h)
	}
	if svc.Spec.Ports[0].TargetPort.IntValue() != 9000 {
		t.Errorf("targetPort %v", svc.Spec.Ports[0].TargetPort)
	}
	if url != c.AppURL() {
		t.Errorf("URL from the Service %q, AppURL %q", url, c.AppURL())
	}
	// The sample app answers there. Some answers are the app's own errors
	// (its mix of 404, 429 and 500): every one is an HTML page, and the
	// home page comes within a few tries.
	for i := 0; ; i++ {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(body), "<html") && !strings.Contains(string(body), "<!doctype html>") {
			t.Fatalf("answer %d: %s %q", resp.StatusCode, ct, body)
		}
		if resp.StatusCode == http.StatusOK {
			break
		}
		if i == 20 {
			t.Fatalf("no 200 in %d requests", i+1)
		}
	}
}

// TestClusterBehavesLikeAnAPIServer pins what the sandbox adds to the fake
// clientset so the wizard sees an apiserver: names from generateName, uids,
// creation times and generations; status written only through its
// subresource; apply needs a field manager; API versions 1.34 no longer
// serves are not found; watches start with the objects as they are and
// honour their label selector.
func TestClusterBehavesLikeAnAPIServer(t *testing.T) {
	t.Parallel()
	c := NewCluster(ClusterOptions{})
	cs, ctx := c.Clientset(), context.Background()

	cm, err := cs.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{GenerateName: "probe-"}}, metav1.CreateOptions{})
	if err != nil || !regexp.MustCompile(`^probe-[a-z0-9]{5}$`).MatchString(cm.Name) || cm.UID == "" || cm.CreationTimestamp.IsZero() {
		t.Fatalf("create from generateName: %+v %v", cm.ObjectMeta, err)
	}

	ds, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager})
	if err != nil || ds.UID == "" || ds.CreationTimestamp.IsZero() || ds.Generation != 1 {
		t.Fatalf("apply-create: uid %q created %v generation %d: %v", ds.UID, ds.CreationTimestamp, ds.Generation, err)
	}
	uid := ds.UID
	if ds, _ = cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager}); ds.Generation != 1 || ds.UID != uid {
		t.Errorf("an unchanged apply: generation %d uid %q", ds.Generation, ds.UID)
	}
	if ds, _ = cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", "amazon/aws-xray-daemon:3.3.7")), metav1.ApplyOptions{FieldManager: fieldManager}); ds.Generation != 2 || ds.UID != uid {
		t.Errorf("a changed apply: generation %d uid %q", ds.Generation, ds.UID)
	}
	// An update of the object leaves its status; the status subresource
	// changes nothing else.
	ds.Status.NumberReady = 7
	ds.Spec.Template.Spec.Containers[0].Image = "stale"
	got, err := cs.AppsV1().DaemonSets("default").UpdateStatus(ctx, ds, metav1.UpdateOptions{})
	if err != nil || got.Status.NumberReady != 7 || got.Spec.Template.Spec.Containers[0].Image != "amazon/aws-xray-daemon:3.3.7" || got.Generation != 2 {
		t.Errorf("status update: ready %d image %s generation %d: %v", got.Status.NumberReady, got.Spec.Template.Spec.Containers[0].Image, got.Generation, err)
	}
	got.Status.NumberReady = 0
	got.Spec.Template.Spec.Containers[0].Image = "amazon/aws-xray-daemon:3.3.8"
	got, err = cs.AppsV1().DaemonSets("default").Update(ctx, got, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
	if err != nil || got.Status.NumberReady != 7 || got.Generation != 3 {
		t.Errorf("update: ready %d generation %d: %v", got.Status.NumberReady, got.Generation, err)
	}

	// Apply without a field manager, and a ClusterRoleBinding on
	// rbac.authorization.k8s.io/v1beta1 (the lab's manifest), are refused.
	_, err = cs.CoreV1().ConfigMaps("default").Patch(ctx, "x", types.ApplyPatchType, []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}`), metav1.PatchOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "fieldManager: Required value") {
		t.Errorf("apply without a field manager: %v", err)
	}
	_, err = c.cs.Invokes(k8stesting.NewRootPatchActionWithOptions(schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1beta1", Resource: "clusterrolebindings"},
		"xray-daemon", types.ApplyPatchType,
		[]byte(`{"apiVersion":"rbac.authorization.k8s.io/v1beta1","kind":"ClusterRoleBinding","metadata":{"name":"xray-daemon"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"}}`),
		metav1.PatchOptions{FieldManager: fieldManager}), nil)
	if !apierrors.IsNotFound(err) || !strings.Contains(err.Error(), "the server could not find the requested resource") {
		t.Errorf("rbac v1beta1: %v", err)
	}

	// A watch starts with what exists, sees only what its selector
	// matches, and sees an object leave the selection as a deletion.
	w, err := cs.CoreV1().Pods("workshop").Watch(ctx, metav1.ListOptions{LabelSelector: "app=frontend"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	next := func() (string, *corev1.Pod) {
		t.Helper()
		select {
		case ev := <-w.ResultChan():
			return string(ev.Type), ev.Object.(*corev1.Pod)
		case <-time.After(2 * time.Second):
			t.Fatal("no watch event")
		}
		return "", nil
	}
	typ, fe := next()
	if typ != "ADDED" || fe.Labels["app"] != "frontend" {
		t.Fatalf("first event %s %s", typ, fe.Name)
	}
	// Not selected: no event. Then the frontend pod's label changes.
	if _, err := cs.CoreV1().Pods("workshop").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "other", Labels: map[string]string{"app": "other"}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	fe.Labels["app"] = "frontend-old"
	if _, err := cs.CoreV1().Pods("workshop").Update(ctx, fe, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if typ, p := next(); typ != "DELETED" || p.Name != fe.Name {
		t.Errorf("the pod leaving the selection: %s %s", typ, p.Name)
	}
}
