package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/xray-wizard/xray-wizard/kube"
)

// WorldVersion is the version of the saved world's format. A file of
// another version is not read: the run starts a fresh world and says so.
const WorldVersion = 1

// World is the practice world as saved between runs: the simulated AWS
// account's state and the simulated cluster's objects. Pods are saved with
// the rest; on loading, the kubelets start their containers again (the
// X-Ray daemon's process included) and the load balancer is provisioned
// anew, as after the machines restarted.
type World struct {
	Version      int       `json:"version"`
	SavedAt      time.Time `json:"savedAt"`
	Region       string    `json:"region"`
	Cluster      string    `json:"cluster"`
	AppNamespace string    `json:"appNamespace"`
	Nodes        int       `json:"nodes"`
	AWS          AWSState  `json:"aws"`
	// Kubernetes are the cluster's objects as the API server holds them
	// (apiVersion, kind, metadata with managedFields, spec, status).
	Kubernetes []json.RawMessage `json:"kubernetes"`
	// PodLogs are the logs of the daemon's pods, by namespace/name, as
	// kubectl logs shows them.
	PodLogs map[string][]string `json:"podLogs,omitempty"`

	objects []runtime.Object // Kubernetes, decoded
}

// World is the sandbox's world now, for saving. It is best taken after
// Stop, when nothing moves any more.
func (s *Sandbox) World() (*World, error) {
	objs, err := s.Cluster.kc.Objects()
	if err != nil {
		return nil, fmt.Errorf("the cluster's objects: %w", err)
	}
	w := &World{Version: WorldVersion, SavedAt: time.Now().UTC(), Region: s.region, Cluster: s.name,
		AppNamespace: s.Cluster.o.AppNamespace, Nodes: len(s.Cluster.kc.Nodes()), AWS: s.AWS.State(), PodLogs: s.Cluster.PodLogs(), objects: objs}
	pods := map[string]bool{}
	for _, obj := range objs {
		if p, ok := obj.(*corev1.Pod); ok {
			pods[p.Namespace+"/"+p.Name] = true
		}
	}
	// Logs of pods no longer there went with them.
	maps.DeleteFunc(w.PodLogs, func(key string, _ []string) bool { return !pods[key] })
	for _, obj := range objs {
		raw, err := json.Marshal(obj)
		if err != nil {
			return nil, err
		}
		w.Kubernetes = append(w.Kubernetes, raw)
	}
	return w, nil
}

// Traces is how many segment documents the world's X-Ray holds.
func (w *World) Traces() int {
	n := 0
	for _, x := range w.AWS.XRay {
		n += len(x.Documents)
	}
	return n
}

// check reads what a file gave: its version, its names and every object.
func (w *World) check() error {
	if w.Version != WorldVersion {
		return fmt.Errorf("%w: version %d, this xray-wizard reads version %d", ErrWorldVersion, w.Version, WorldVersion)
	}
	if w.Region == "" || w.Cluster == "" || w.AppNamespace == "" || w.AWS.Region != w.Region || w.AWS.AccountID == "" {
		return fmt.Errorf("it names no region, cluster, app namespace or account")
	}
	dec := kube.Codecs.UniversalDeserializer()
	w.objects = w.objects[:0]
	for i, raw := range w.Kubernetes {
		obj, _, err := dec.Decode(raw, nil, nil)
		if err != nil {
			return fmt.Errorf("Kubernetes object %d: %w", i, err)
		}
		w.objects = append(w.objects, obj)
	}
	return nil
}

// restoredObjects are the world's objects to restore the cluster from:
// copies, with the load balancers' addresses taken back (the processes
// behind them listen anew) so the load balancer provisions them again.
func (w *World) restoredObjects() []runtime.Object {
	out := make([]runtime.Object, 0, len(w.objects))
	for _, obj := range w.objects {
		obj = obj.DeepCopyObject()
		if svc, ok := obj.(*corev1.Service); ok && svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
			svc.Status.LoadBalancer = corev1.LoadBalancerStatus{}
		}
		out = append(out, obj)
	}
	return out
}
