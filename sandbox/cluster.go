package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/sandbox/kubesim"
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
	// SamplingRules are the sampling rules of X-Ray in the cluster's
	// region, which the sample app's SDK samples by; nil samples by the
	// SDK's local fallback (1 a second and 5 % of the rest).
	SamplingRules func() []SamplingRuleState
	// SamplingReport takes what the sample app's SDK decided under one of
	// those rules, as the SDK reports it to X-Ray (GetSamplingTargets'
	// statistics); nil: not reported.
	SamplingReport func(rule string, at time.Time, sampled bool)
	Log            *slog.Logger
	// Restore, when not nil, are the objects of a cluster saved before:
	// they stand in place of the sample app's objects and the namespaces.
	Restore []runtime.Object
	// PodLogs are the restored pods' logs, by namespace/name.
	PodLogs map[string][]string
}

// Cluster is a simulated EKS cluster (package kubesim: an API server, the
// DaemonSet and Deployment controllers, the kubelets and a scheduler, a
// load balancer) running the workshop's sample app and the X-Ray daemon's
// processes. The cluster knows nothing of them: the daemon runs as the
// kubelets' container runtime, and both read the cluster through its
// informers.
type Cluster struct {
	o   ClusterOptions
	kc  *kubesim.Cluster
	cs  *kube.Fake
	inf *kubesim.Informers
	log *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup // the daemon's goroutines

	app    *sampleApp
	daemon *daemon
}

// NewCluster makes the cluster with its nodes and the sample app's objects.
func NewCluster(o ClusterOptions) *Cluster {
	if o.Region == "" {
		o.Region = "us-west-2"
	}
	if o.Cluster == "" {
		o.Cluster = "eksworkshop-eksctl"
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
	c := &Cluster{o: o, log: o.Log}
	c.kc = kubesim.New(kubesim.Options{
		Nodes: o.Nodes, Region: o.Region, Namespaces: []string{o.AppNamespace},
		PodStartDelay: o.PodStartDelay, Seed: o.Seed, PodIdentityRole: o.PodIdentityRole,
		// kubectl logs: the daemon's log, its earlier runs included.
		Logs: c.PodLog, Log: o.Log, Restore: o.Restore,
	})
	if o.Restore == nil {
		if err := c.kc.Add(appObjects(o, c.kc.Nodes())...); err != nil {
			panic(err)
		}
	}
	c.cs, c.inf = c.kc.Clientset(), c.kc.Informers()
	return c
}

// Clientset is the cluster's Kubernetes API.
func (c *Cluster) Clientset() kube.Interface { return c.cs }

// Nodes are the nodes' names.
func (c *Cluster) Nodes() []string {
	var out []string
	for _, n := range c.kc.Nodes() {
		out = append(out, n.Name)
	}
	return out
}

// Start runs the cluster, the app and the daemon until Stop or until ctx
// ends; it returns once they are ready.
func (c *Cluster) Start(ctx context.Context) error {
	ctx, c.cancel = context.WithCancel(ctx)
	var err error
	if c.daemon, err = startDaemon(ctx, c); err != nil {
		return err
	}
	if c.app, err = startApp(ctx, c); err != nil {
		c.daemon.stop()
		return err
	}
	go func() {
		<-ctx.Done()
		c.app.stop()
		c.daemon.stop()
	}()
	lb := kubesim.LoadBalancer{Namespace: c.o.AppNamespace, Service: "frontend", Port: c.app.port, TargetPort: 9000, Delay: c.o.LBDelay}
	return c.kc.Start(ctx, containers{c.daemon}, lb)
}

// Stop ends the cluster, the app and the daemon.
func (c *Cluster) Stop() {
	if c.cancel != nil {
		c.cancel()
	}
	c.kc.Stop()
	if c.app != nil {
		c.app.stop()
	}
	if c.daemon != nil {
		c.daemon.stop()
	}
	c.wg.Wait()
}

// AppURL is the app's address once its load balancer is up.
func (c *Cluster) AppURL() string {
	if c.app == nil {
		return ""
	}
	return fmt.Sprintf("http://localhost:%d/", c.app.port)
}

// containers are the kubelets' container runtime: the images' own
// failures, and the X-Ray daemon's process in its containers.
type containers struct{ d *daemon }

func (r containers) Start(p *corev1.Pod, ct corev1.Container) *corev1.ContainerStateTerminated {
	if reason := crashReason(ct); reason != "" {
		return &corev1.ContainerStateTerminated{ExitCode: 128, Reason: "StartError", Message: reason}
	}
	var lines []string
	switch {
	case isOtelCollector(ct):
		lines = r.d.runCollector(p, ct)
	case isXRayDaemon(ct):
		lines = r.d.run(p, ct)
	default:
		return nil
	}
	if lines == nil {
		return nil
	}
	t := &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error"}
	if ct.TerminationMessagePolicy == corev1.TerminationMessageFallbackToLogsOnError {
		t.Message = strings.Join(lines, "\n")
	}
	return t
}

func (r containers) Stop(ns, pod string)   { r.d.exit(ns, pod) }
func (r containers) Remove(ns, pod string) { r.d.gone(ns, pod) }

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
