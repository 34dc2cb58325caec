package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// The OpenTelemetry Collector in the sandbox: a pod running the contrib
// image (or ADOT's) reads its config from the ConfigMap mounted where
// --config points, as the real one does, and then receives X-Ray segments
// on its awsxray receiver's UDP endpoint and uploads them with its awsxray
// exporter, as the simulated daemon does. Its log is in the Collector's
// format.

// otelDefaultConfig is the config file the contrib image runs without
// --config; it has no awsxray receiver.
const otelDefaultConfig = "/etc/otelcol-contrib/config.yaml"

// isOtelCollector: a container running the OpenTelemetry Collector.
func isOtelCollector(ct corev1.Container) bool {
	return strings.Contains(ct.Image, "opentelemetry-collector") || strings.Contains(ct.Image, "aws-otel-collector")
}

// otelConfig is the part of the Collector's config the sandbox acts on.
type otelConfig struct {
	Receivers struct {
		AWSXRay *struct {
			Endpoint    string `json:"endpoint"`
			ProxyServer *struct {
				Endpoint string `json:"endpoint"`
			} `json:"proxy_server"`
		} `json:"awsxray"`
	} `json:"receivers"`
	Exporters struct {
		AWSXRay *struct {
			Region string `json:"region"`
		} `json:"awsxray"`
	} `json:"exporters"`
	Service struct {
		Pipelines map[string]struct {
			Receivers []string `json:"receivers"`
			Exporters []string `json:"exporters"`
		} `json:"pipelines"`
	} `json:"service"`
}

// otelLogf writes a line of a Collector pod's log, as its zap console
// encoder does: time, level, caller, message.
func (d *daemon) otelLogf(pod, level, caller, format string, args ...any) {
	line := fmt.Sprintf("%s\t%s\t%s\t%s", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), level, caller, fmt.Sprintf(format, args...))
	d.logs[pod] = append(d.logs[pod], line)
	if n := len(d.logs[pod]); n > 500 {
		d.logs[pod] = d.logs[pod][n-500:]
	}
	d.log = append(d.log, line)
	if n := len(d.log); n > 2000 {
		d.log = d.log[n-2000:]
	}
}

// runCollector starts the Collector in a pod's container. It returns the
// log lines of a Collector that exits at once (the pod then crash-loops),
// or nil once it runs.
func (d *daemon) runCollector(p *corev1.Pod, ct corev1.Container) []string {
	key := p.Namespace + "/" + p.Name
	d.mu.Lock()
	defer d.mu.Unlock()
	start := len(d.logs[key])
	fail := func(format string, args ...any) []string {
		line := "Error: " + fmt.Sprintf(format, args...)
		d.logs[key] = append(d.logs[key], line)
		d.log = append(d.log, line)
		return slices.Clone(d.logs[key][start:])
	}
	file := otelDefaultConfig
	var args []string
	if len(ct.Command) > 0 {
		args = slices.Clone(ct.Command[1:])
	}
	args = append(args, ct.Args...)
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			file = v
		} else if a == "--config" && i+1 < len(args) {
			file = args[i+1]
		}
	}
	var cfg otelConfig
	if file != otelDefaultConfig {
		raw, err := d.c.mountedFile(p, ct, file)
		if err != nil {
			return fail("failed to get config: cannot resolve the configuration: cannot retrieve the configuration: unable to read the file %s: open %s: no such file or directory", file, file)
		}
		if err := sigsyaml.Unmarshal(raw, &cfg); err != nil {
			return fail("failed to get config: cannot unmarshal the configuration: %v", err)
		}
	}
	xray := cfg.Receivers.AWSXRay
	inPipeline := false
	for _, pl := range cfg.Service.Pipelines {
		inPipeline = inPipeline || slices.Contains(pl.Receivers, "awsxray") && slices.Contains(pl.Exporters, "awsxray")
	}
	if xray == nil || !inPipeline || cfg.Exporters.AWSXRay == nil {
		// It runs, but nothing of it takes X-Ray segments to X-Ray.
		d.otelLogf(key, "info", "service@v0.141.0/service.go:224", "Starting otelcol-contrib...")
		d.otelLogf(key, "info", "service@v0.141.0/service.go:247", "Everything is ready. Begin running and processing data.")
		return nil
	}
	// The exporter finds its region in its config, else AWS_REGION, else
	// the instance metadata, which a pod reaches only with hostNetwork (the
	// nodes' IMDS hop limit is 1): building the pipeline then fails, before
	// the Collector starts, as v0.141.0 logs it.
	region := cfg.Exporters.AWSXRay.Region
	if region == "" {
		region = podEnv(p, "AWS_REGION")
	}
	if region == "" && p.Spec.HostNetwork {
		region = d.c.o.Region
	}
	if region == "" {
		msg := `failed to build pipelines: failed to create "awsxray" exporter for data type "traces": operation error ec2imds: GetRegion, request canceled, context deadline exceeded`
		d.otelLogf(key, "error", "service@v0.141.0/service.go:150", "error found during service initialization\t{\"error\": %s}", jsonString(msg))
		return fail("%s", msg)
	}
	d.otelLogf(key, "info", "service@v0.141.0/service.go:224", "Starting otelcol-contrib...")
	udp := xray.Endpoint
	if udp == "" {
		udp = "localhost:2000"
	}
	tcp := "localhost:2000"
	if xray.ProxyServer != nil && xray.ProxyServer.Endpoint != "" {
		tcp = xray.ProxyServer.Endpoint
	}
	d.otelLogf(key, "info", "udppoller/poller.go:95", "Listening on endpoint for X-Ray segments\t{\"udp\": %q}", udp)
	d.otelLogf(key, "info", "awsxrayreceiver@v0.141.0/receiver.go:90", "X-Ray TCP proxy server started\t{\"tcp\": %q}", tcp)
	d.otelLogf(key, "info", "service@v0.141.0/service.go:247", "Everything is ready. Begin running and processing data.")
	d.procs[key] = &daemonProc{ns: p.Namespace, pod: p.Name, region: region, client: d.client(p, region, ""), otel: true}
	d.binds[key] = udp
	return nil
}

// otelExportFailed writes what the Collector logs when its awsxray exporter
// fails a batch (it has no retry or sending queue): the exporter helper's
// error with the SDK's own message (aws-sdk-go-v2's wording, as the
// exporter's client is), and the batch processor's warning.
func (d *daemon) otelExportFailed(pod string, err error, items int) {
	fields := `"otelcol.component.id": "awsxray", "otelcol.component.kind": "exporter", "otelcol.signal": "traces"`
	d.otelLogf(pod, "error", "internal/base_exporter.go:114", "Exporting failed. Rejecting data.\t{%s, \"error\": %s, \"rejected_items\": %d}",
		fields, jsonString(err.Error()), items)
	d.otelLogf(pod, "warn", "batchprocessor@v0.141.0/batch_processor.go:275",
		"Sender failed\t{\"otelcol.component.id\": \"batch\", \"otelcol.component.kind\": \"processor\", \"otelcol.pipeline.id\": \"traces\", \"otelcol.signal\": \"traces\", \"error\": %s}",
		jsonString(err.Error()))
}

// jsonString is s as a JSON string, as zap writes a field (no HTML
// escapes).
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
