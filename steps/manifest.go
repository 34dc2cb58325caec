package steps

import (
	"bytes"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/kube"
)

// DaemonObjects are the daemon's objects, ready for server-side apply: the
// manifest's fields as written, as kubectl apply --server-side sends them.
type DaemonObjects struct {
	ConfigMap *kube.Object
	Service   *kube.Object
	DaemonSet *kube.Object
}

// LoadDaemonManifest reads the shipped manifest and puts the daemon in
// namespace ns, with the region written into its config.
func LoadDaemonManifest(ns, region string) (*DaemonObjects, error) {
	return LoadManifest(CollectorDaemon, ns, region)
}

// loadManifest reads a ConfigMap, a Service and a DaemonSet from one
// multi-document YAML and puts them in namespace ns.
func loadManifest(manifest []byte, ns string) (*DaemonObjects, error) {
	var out DaemonObjects
	for _, doc := range bytes.Split(manifest, []byte("\n---\n")) {
		obj := &kube.Object{}
		if err := yaml.Unmarshal(doc, &obj.Map); err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		if obj.Map == nil || obj.Kind() == "" {
			continue
		}
		obj.SetNamespace(ns)
		switch obj.Kind() {
		case "ConfigMap":
			out.ConfigMap = obj
		case "Service":
			out.Service = obj
		case "DaemonSet":
			out.DaemonSet = obj
		default:
			return nil, fmt.Errorf("manifest: unexpected kind %q", obj.Kind())
		}
	}
	if out.ConfigMap == nil || out.Service == nil || out.DaemonSet == nil {
		return nil, fmt.Errorf("manifest: needs a ConfigMap, a Service and a DaemonSet")
	}
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
	for i, obj := range []*kube.Object{o.ConfigMap, o.Service, o.DaemonSet} {
		y, err := yaml.Marshal(obj.Map)
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
