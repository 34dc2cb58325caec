package sandbox

import (
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
	d.otelLogf(key, "info", "service@v0.141.0/service.go:224", "Starting otelcol-contrib...")
	if xray == nil || !inPipeline || cfg.Exporters.AWSXRay == nil {
		// It runs, but nothing of it takes X-Ray segments to X-Ray.
		d.otelLogf(key, "info", "service@v0.141.0/service.go:247", "Everything is ready. Begin running and processing data.")
		return nil
	}
	region := cfg.Exporters.AWSXRay.Region
	if region == "" {
		region = podEnv(p, "AWS_REGION")
	}
	if region == "" && p.Spec.HostNetwork {
		region = d.c.o.Region
	}
	if region == "" {
		return fail(`cannot start pipelines: failed to start "awsxray" exporter: NoAwsRegion: Cannot fetch region variable from config file, environment variables and ec2 metadata.`)
	}
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
