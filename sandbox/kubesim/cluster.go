// Package kubesim is the practice sandbox's simulated EKS cluster, made of
// the parts a real one has, each owning its state and talking to the others
// only through the API, as the real components do:
//
//   - APIServer: a client-go fake clientset behaving like an apiserver where
//     the wizard can tell (tombstones and watch replay, status subresources,
//     generations, dry runs, EKS's pod identity webhook);
//   - Controllers: the DaemonSet and Deployment controllers;
//   - Kubelet: every node's kubelet, and the scheduler, running containers
//     through a Runtime the caller provides;
//   - LoadBalancer: the AWS Load Balancer Controller for one Service.
//
// Cluster wires them together over one set of shared informers.
package kubesim

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/version"

	"github.com/xray-wizard/xray-wizard/kube"
)

// Options shape the simulated cluster. Zero values give the workshop's
// cluster.
type Options struct {
	Nodes  int    // default 3
	Region string // default us-west-2
	// Namespaces are made besides default, kube-system, kube-public and
	// kube-node-lease, each with its default ServiceAccount.
	Namespaces []string
	// PodStartDelay is the time from a pod's creation to Running and Ready
	// (default 1.5 s, jittered per pod).
	PodStartDelay time.Duration
	Seed          uint64 // pod names, start jitter, addresses
	// PodIdentityRole finds the role EKS Pod Identity gives a service
	// account, or "".
	PodIdentityRole func(namespace, serviceAccount string) string
	// Logs is a pod's log, for `kubectl logs`; nil: empty logs.
	Logs func(namespace, pod string) []string
	Log  *slog.Logger
	// ExtraNodes are nodes of other kinds, made after the managed node
	// group's: labelled and tainted as EKS makes a Fargate, Windows or
	// dedicated node (see FargateNode, WindowsNode).
	ExtraNodes []corev1.Node
	// Restore, when not nil, are the objects of a cluster saved before
	// (see Objects): they stand in place of the namespaces and their
	// default ServiceAccounts, which the saved cluster has or deleted.
	// The nodes are made as always; a saved node is ignored, and an event
	// past the API server's event TTL.
	Restore []runtime.Object
}

// Node is a simulated node: its name, internal IP and zone.
type Node struct{ Name, IP, Zone string }

// Cluster is the simulated cluster's parts, wired together.
type Cluster struct {
	o           Options
	nodes       []Node
	api         *APIServer
	inf         *Informers
	controllers *Controllers
	kubelet     *Kubelet

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New makes the cluster with its namespaces and nodes; Start runs it.
func New(o Options) *Cluster {
	if o.Nodes <= 0 {
		o.Nodes = 3
	}
	if o.Region == "" {
		o.Region = "us-west-2"
	}
	if o.PodStartDelay <= 0 {
		o.PodStartDelay = 1500 * time.Millisecond
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c := &Cluster{o: o}
	created := metav1.NewTime(time.Now().Add(-47 * time.Hour))
	var objs []runtime.Object
	namespaces := append([]string{"default", "kube-system", "kube-public", "kube-node-lease"}, o.Namespaces...)
	if o.Restore != nil {
		namespaces = nil
		objs = restorable(o.Restore)
		o.Seed ^= restoredSeed(objs)
	}
	for _, ns := range namespaces {
		objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, UID: uuid.NewUUID(), CreationTimestamp: created,
			Labels: map[string]string{"kubernetes.io/metadata.name": ns}}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}})
		objs = append(objs, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns, UID: uuid.NewUUID(), CreationTimestamp: created}})
	}
	zones := []string{"a", "b", "c"}
	for i := range o.Nodes {
		ip := fmt.Sprintf("192.168.%d.%d", 10+(i*37)%240, 20+(i*53)%230)
		n := Node{Name: fmt.Sprintf("ip-%s.%s.compute.internal", strings.ReplaceAll(ip, ".", "-"), o.Region), IP: ip, Zone: o.Region + zones[i%3]}
		c.nodes = append(c.nodes, n)
		// The third node is a Graviton one, as mixed node groups have:
		// the collectors' images are multi-arch.
		arch, instance := "amd64", "m5.large"
		if i == 2 {
			arch, instance = "arm64", "m6g.large"
		}
		objs = append(objs, &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: n.Name, UID: uuid.NewUUID(), CreationTimestamp: created, Labels: map[string]string{
				"kubernetes.io/hostname": n.Name, "kubernetes.io/os": "linux", "kubernetes.io/arch": arch,
				"topology.kubernetes.io/region": o.Region, "topology.kubernetes.io/zone": n.Zone,
				"node.kubernetes.io/instance-type": instance, "eks.amazonaws.com/nodegroup": "nodegroup",
				"eks.amazonaws.com/capacityType": "ON_DEMAND",
			}},
			Spec: corev1.NodeSpec{ProviderID: fmt.Sprintf("aws:///%s/i-0%016x", n.Zone, 0xa11ce+i)},
			Status: corev1.NodeStatus{
				Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status"}},
				Addresses:  []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}, {Type: corev1.NodeHostName, Address: n.Name}},
				NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.34.4-eks-1234567", OSImage: "Amazon Linux 2023", ContainerRuntimeVersion: "containerd://1.7.27",
					OperatingSystem: "linux", Architecture: arch},
			},
		})
	}
	for i := range o.ExtraNodes {
		n := o.ExtraNodes[i].DeepCopy()
		n.UID, n.CreationTimestamp = uuid.NewUUID(), created
		if n.Spec.ProviderID == "" { // after the node group's
			n.Spec.ProviderID = fmt.Sprintf("aws:///%sa/i-0%016x", o.Region, 0xe0000+i)
		}
		if len(n.Status.Addresses) == 0 { // a subnet of its own
			ip := fmt.Sprintf("192.168.%d.10", 250-i)
			n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}, {Type: corev1.NodeHostName, Address: n.Name}}
		}
		if len(n.Status.Conditions) == 0 {
			n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady"}}
		}
		objs = append(objs, n)
	}
	c.api = NewAPIServer(Admission{Region: o.Region, PodIdentityRole: o.PodIdentityRole}, objs...)
	cs := c.api.Clientset()
	// kubectl logs: the pod's log, to the lines asked for.
	cs.LogFunc = func(ns, pod string, lo *corev1.PodLogOptions) ([]byte, error) {
		var lines []string
		if o.Logs != nil {
			lines = o.Logs(ns, pod)
		}
		if lo != nil && lo.TailLines != nil && int(*lo.TailLines) < len(lines) {
			lines = lines[len(lines)-int(*lo.TailLines):]
		}
		return []byte(strings.Join(lines, "\n")), nil
	}
	cs.Version = &version.Info{
		Major: "1", Minor: "34", GitVersion: "v1.34.4-eks-sandbox", Platform: "linux/amd64",
	}
	c.inf = NewInformers(cs)
	c.controllers = NewControllers(cs, c.inf, o.Seed, o.Log)
	c.kubelet = NewKubelet(cs, c.inf, KubeletOptions{PodStartDelay: o.PodStartDelay, Seed: o.Seed, Log: o.Log})
	return c
}

// Add stores objects as they were before the cluster started (an etcd
// restore): as given, through no admission. Only before Start.
func (c *Cluster) Add(objs ...runtime.Object) error {
	for _, obj := range objs {
		if err := c.api.Clientset().Tracker().Add(obj); err != nil {
			return err
		}
	}
	return nil
}

// Clientset is the cluster's Kubernetes API.
func (c *Cluster) Clientset() *kube.Fake { return c.api.Clientset() }

// Informers are the shared informers the cluster's parts watch with, for
// other simulated processes to read the cluster as they do.
func (c *Cluster) Informers() *Informers { return c.inf }

// Nodes are the cluster's nodes.
func (c *Cluster) Nodes() []Node { return c.nodes }

// Start runs the controllers, the kubelets (with rt running the containers)
// and the load balancers until Stop or until ctx ends; it returns once the
// informers have synced.
func (c *Cluster) Start(ctx context.Context, rt Runtime, lbs ...LoadBalancer) error {
	ctx, c.cancel = context.WithCancel(ctx)
	if err := c.controllers.register(); err != nil {
		return err
	}
	if err := c.kubelet.register(rt); err != nil {
		return err
	}
	c.inf.Start(ctx.Done())
	if !c.inf.WaitForCacheSync(ctx.Done()) {
		return fmt.Errorf("the caches did not sync: %w", context.Cause(ctx))
	}
	c.kubelet.adopt()
	c.wg.Add(2 + len(lbs))
	go func() {
		defer c.wg.Done()
		c.controllers.Run(ctx)
	}()
	go func() {
		defer c.wg.Done()
		c.kubelet.Run(ctx)
	}()
	for _, lb := range lbs {
		go func() {
			defer c.wg.Done()
			lb.Run(ctx, c.api.Clientset(), c.o.Log)
		}()
	}
	go func() {
		<-ctx.Done()
		c.controllers.shutDown()
		c.kubelet.shutDown()
	}()
	return nil
}

// Stop ends the controllers, kubelets, load balancers and informers.
func (c *Cluster) Stop() {
	if c.cancel != nil {
		c.cancel()
	}
	c.controllers.shutDown()
	c.kubelet.shutDown()
	c.wg.Wait()
	c.inf.Shutdown()
}

func ptr[T any](v T) *T { return &v }
