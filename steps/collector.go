package steps

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/assets"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// The collectors the daemonset step can deploy behind the Service.
const (
	// CollectorDaemon is the X-Ray daemon, as the lab deploys it.
	CollectorDaemon = "daemon"
	// CollectorOtel is the OpenTelemetry Collector with the awsxray
	// receiver and exporter.
	CollectorOtel = "otel"
)

// Names of the OpenTelemetry Collector's objects (the Service is the
// daemon's, ServiceName, so that apps keep their address).
const (
	OtelDaemonSetName = "otel-collector"
	OtelConfigMapName = "otel-collector-config"
	OtelLabel         = "app=otel-collector"
)

// Collectors lists the --collector values.
var Collectors = []string{CollectorDaemon, CollectorOtel}

// CollectorNames are the names of one collector's objects.
type CollectorNames struct {
	Kind      string // CollectorDaemon or CollectorOtel
	DaemonSet string
	ConfigMap string
	App       string // the pods' app label
	manifest  []byte
}

// Label is the pods' label selector, app=<App>.
func (c CollectorNames) Label() string { return "app=" + c.App }

// CollectorOf names the objects of a collector; "" is the daemon.
func CollectorOf(kind string) CollectorNames {
	if kind == CollectorOtel {
		return CollectorNames{Kind: CollectorOtel, DaemonSet: OtelDaemonSetName, ConfigMap: OtelConfigMapName, App: "otel-collector",
			manifest: assets.CollectorManifest}
	}
	return CollectorNames{Kind: CollectorDaemon, DaemonSet: DaemonSetName, ConfigMap: ConfigMapName, App: "xray-daemon",
		manifest: assets.DaemonManifest}
}

// Other is the collector this one replaces.
func (c CollectorNames) Other() CollectorNames {
	if c.Kind == CollectorOtel {
		return CollectorOf(CollectorDaemon)
	}
	return CollectorOf(CollectorOtel)
}

// Collector names the objects of the collector the person chose.
func (e *Env) Collector() CollectorNames { return CollectorOf(e.Opts.Collector) }

// LoadManifest reads a collector's shipped manifest and puts it in
// namespace ns, with the region written into its config and the
// tolerations (--tolerate) added to its pods.
func LoadManifest(collector, ns, region string, tolerations ...corev1.Toleration) (*DaemonObjects, error) {
	c := CollectorOf(collector)
	out, err := loadManifest(c.manifest, ns)
	if err != nil {
		return nil, err
	}
	if err := out.withTolerations(tolerations); err != nil {
		return nil, err
	}
	key, write := "config.yaml", withRegion
	if c.Kind == CollectorOtel {
		key, write = "collector.yaml", otelWithRegion
	}
	cfg, err := write(out.ConfigMap.String("data", key), region)
	if err != nil {
		return nil, err
	}
	out.ConfigMap.SetString(cfg, "data", key)
	return out, nil
}

// otelWithRegion writes the region into every region: key of the
// Collector's config (the exporter's and the sampling proxy's), keeping the
// rest as written.
func otelWithRegion(config, region string) (string, error) {
	lines := strings.Split(config, "\n")
	n := 0
	for i, l := range lines {
		rest := strings.TrimLeft(l, " ")
		if strings.HasPrefix(rest, "region:") {
			lines[i] = l[:len(l)-len(rest)] + fmt.Sprintf("region: %q", region)
			n++
		}
	}
	if n == 0 {
		return "", fmt.Errorf("manifest: the Collector config has no region")
	}
	return strings.Join(lines, "\n"), nil
}

// otelInfo is the daemonset step's description when it deploys the
// OpenTelemetry Collector.
func otelInfo(env *Env) flow.StepInfo {
	return flow.StepInfo{
		ID:         flow.IDDaemonSet,
		Title:      env.T(i18n.OtelTitle),
		Why:        env.T(i18n.OtelWhy),
		Commands:   []string{"kubectl apply -f ./manifests/xray-k8s-daemonset.yaml"},
		Equivalent: []string{"kubectl apply --server-side --field-manager=" + FieldManager + " -f " + manifestFile(env.Collector())},
		Manifest:   daemonManifest(env),
	}
}

// manifestFile is what `xray-wizard manifest` calls the collector's YAML.
func manifestFile(c CollectorNames) string {
	if c.Kind == CollectorOtel {
		return "otel-collector.yaml"
	}
	return "xray-daemon.yaml"
}

// collectorName is a collector's name in the person's language.
func collectorName(env *Env, c CollectorNames) string {
	if c.Kind == CollectorOtel {
		return env.T(i18n.CollectorNameOtel)
	}
	return env.T(i18n.CollectorNameDaemon)
}

// readOther finds the other collector's DaemonSet and ConfigMap, when the
// wizard made them: switching removes them, so that nothing of the old one
// is left. Objects another tool made stay (doctor says when two collectors
// claim port 2000).
func readOther(ctx context.Context, env *Env) ([]objectDrift, error) {
	ns, o := env.Opts.Namespace, env.Collector().Other()
	var out []objectDrift
	ds, err := env.Kube.AppsV1().DaemonSets(ns).Get(ctx, o.DaemonSet, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return nil, env.KubeError("get", "daemonset "+ns+"/"+o.DaemonSet, err)
	case madeByWizard(ds):
		out = append(out, objectDrift{kind: "DaemonSet", name: ns + "/" + o.DaemonSet, remove: true})
	}
	cm, err := env.Kube.CoreV1().ConfigMaps(ns).Get(ctx, o.ConfigMap, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return nil, env.KubeError("get", "configmap "+ns+"/"+o.ConfigMap, err)
	case madeByWizard(cm):
		out = append(out, objectDrift{kind: "ConfigMap", name: ns + "/" + o.ConfigMap, remove: true})
	}
	return out, nil
}

// removeOther deletes the replaced collector's objects: the DaemonSet
// first (its pods go with it, in the background), then its config. The
// Service stays, with the new selector: apps keep its address.
func removeOther(ctx context.Context, env *Env, r flow.Reporter, drift []objectDrift) error {
	ns, o := env.Opts.Namespace, env.Collector().Other()
	bg := metav1.DeletePropagationBackground
	del := metav1.DeleteOptions{PropagationPolicy: &bg}
	removed := false
	for _, d := range drift {
		if !d.remove {
			continue
		}
		progress(env, r, flow.IDDaemonSet, env.T(i18n.MsgRemoving, d.kind, d.name, collectorName(env, o)))
		var err error
		switch d.kind {
		case "DaemonSet":
			err = env.Kube.AppsV1().DaemonSets(ns).Delete(ctx, o.DaemonSet, del)
		case "ConfigMap":
			err = env.Kube.CoreV1().ConfigMaps(ns).Delete(ctx, o.ConfigMap, del)
		}
		if err != nil && !apierrors.IsNotFound(err) {
			return env.KubeError("delete", strings.ToLower(d.kind)+" "+d.name, err)
		}
		removed = true
	}
	if removed {
		progress(env, r, flow.IDDaemonSet, env.T(i18n.MsgServiceKept, ns+"/"+ServiceName))
	}
	return nil
}
