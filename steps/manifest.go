package steps

import (
	"bytes"
	"fmt"
	"strings"

	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/assets"
)

// DaemonObjects are the daemon's objects, ready for server-side apply.
type DaemonObjects struct {
	ConfigMap *corev1ac.ConfigMapApplyConfiguration
	Service   *corev1ac.ServiceApplyConfiguration
	DaemonSet *appsv1ac.DaemonSetApplyConfiguration
}

// LoadDaemonManifest reads the shipped manifest and puts the daemon in
// namespace ns, with the region written into its config.
func LoadDaemonManifest(ns, region string) (*DaemonObjects, error) {
	var out DaemonObjects
	for _, doc := range bytes.Split(assets.DaemonManifest, []byte("\n---\n")) {
		var head struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &head); err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		var err error
		switch head.Kind {
		case "ConfigMap":
			out.ConfigMap = &corev1ac.ConfigMapApplyConfiguration{}
			err = yaml.Unmarshal(doc, out.ConfigMap)
			out.ConfigMap.WithNamespace(ns)
		case "Service":
			out.Service = &corev1ac.ServiceApplyConfiguration{}
			err = yaml.Unmarshal(doc, out.Service)
			out.Service.WithNamespace(ns)
		case "DaemonSet":
			out.DaemonSet = &appsv1ac.DaemonSetApplyConfiguration{}
			err = yaml.Unmarshal(doc, out.DaemonSet)
			out.DaemonSet.WithNamespace(ns)
		case "":
			continue
		default:
			return nil, fmt.Errorf("manifest: unexpected kind %q", head.Kind)
		}
		if err != nil {
			return nil, fmt.Errorf("manifest %s: %w", head.Kind, err)
		}
	}
	if out.ConfigMap == nil || out.Service == nil || out.DaemonSet == nil {
		return nil, fmt.Errorf("manifest: needs a ConfigMap, a Service and a DaemonSet")
	}
	cfg, err := withRegion(out.ConfigMap.Data["config.yaml"], region)
	if err != nil {
		return nil, err
	}
	out.ConfigMap.Data["config.yaml"] = cfg
	return &out, nil
}

// withRegion sets the daemon config's Region, keeping the rest as written.
func withRegion(config, region string) (string, error) {
	lines := strings.Split(config, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Region:") {
			lines[i] = fmt.Sprintf("Region: %q", region)
			return strings.Join(lines, "\n"), nil
		}
	}
	return "", fmt.Errorf("manifest: the daemon config has no Region line")
}

// ManifestYAML renders the objects as one multi-document YAML, for --dry-run
// and for people who want to apply it themselves.
func (o *DaemonObjects) ManifestYAML() (string, error) {
	var b strings.Builder
	for i, obj := range []any{o.ConfigMap, o.Service, o.DaemonSet} {
		y, err := yaml.Marshal(obj)
		if err != nil {
			return "", err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.String(), nil
}
