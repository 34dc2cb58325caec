package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The checks that read the collector's config and log, when it is the
// wizard's OpenTelemetry Collector: the awsxray exporter's region and the
// receiver's sampling proxy in its ConfigMap, and what the Collector logs.
// The Collector (v0.141.0, its zap console format: time, level, caller,
// message, then the fields as JSON) logs an export only when it fails —
// "Exporting failed. Rejecting data." with the SDK's error — and a region
// it cannot find as the pipeline fails to build ("ec2imds: GetRegion").

// otelConfig is the part of the Collector's config the checks read.
type otelConfig struct {
	Receivers struct {
		AWSXRay *struct {
			Endpoint    string `json:"endpoint"`
			ProxyServer *struct {
				Endpoint string `json:"endpoint"`
				Region   string `json:"region"`
			} `json:"proxy_server"`
		} `json:"awsxray"`
	} `json:"receivers"`
	Exporters struct {
		AWSXRay *struct {
			Region string `json:"region"`
		} `json:"awsxray"`
	} `json:"exporters"`
}

// otelConfig is the Collector's config from its ConfigMap: the first file
// with an awsxray receiver or exporter; false when there is none.
func (d *dx) otelConfig() (otelConfig, bool) {
	if d.cm == nil {
		return otelConfig{}, false
	}
	for _, k := range slices.Sorted(maps.Keys(d.cm.Data)) {
		var cfg otelConfig
		if yaml.Unmarshal([]byte(d.cm.Data[k]), &cfg) == nil && (cfg.Receivers.AWSXRay != nil || cfg.Exporters.AWSXRay != nil) {
			return cfg, true
		}
	}
	return otelConfig{}, false
}

// otelRegion is the region the awsxray exporter's config names, "" if none.
func (d *dx) otelRegion() string {
	cfg, _ := d.otelConfig()
	if cfg.Exporters.AWSXRay == nil {
		return ""
	}
	return cfg.Exporters.AWSXRay.Region
}

// otelRegionCheck is the region check for the Collector: the exporter's
// region in the config, the log of a Collector that could not find one,
// the region looked at.
func (d *dx) otelRegionCheck(ctx context.Context) flow.Finding {
	cmName := d.names().ConfigMap
	if what, err := d.unread("configmap/"+cmName, d.readPods()); err != nil {
		return d.cannotRead(what, d.ns, err)
	}
	region := d.otelRegion()
	ev := []string{d.t(i18n.DxNotFound, "configmap/"+cmName)}
	if d.cm != nil {
		ev = []string{fmt.Sprintf("configmap/%s exporters.awsxray.region: %q", cmName, region)}
	}
	for pod, log := range d.podLogs() {
		if l := ReadCollectorLog(log).NoRegion; l != "" {
			ev = append(ev, pod+": "+firstLine(l))
			return bad(flow.CheckFail, d.t(i18n.DxOtelNoRegion), d.t(i18n.DxOtelNoRegionFix, d.env.Region()), d.daemonFix(ctx), ev...)
		}
	}
	switch {
	case d.cm == nil:
		return bad(flow.CheckFail, d.t(i18n.DxOtelNoConfigMap, d.ns, cmName), d.t(i18n.DxOtelNoConfigMapFix), d.daemonFix(ctx), ev...)
	case region == "":
		return bad(flow.CheckWarn, d.t(i18n.DxOtelRegionFromEnv), d.t(i18n.DxOtelNoRegionFix, d.env.Region()), d.daemonFix(ctx), ev...)
	case region != d.env.Region():
		return bad(flow.CheckWarn, d.t(i18n.DxOtelOtherRegion, region, d.env.Region()), d.t(i18n.DxOtelOtherRegionFix, region), "", ev...)
	}
	return ok(d.t(i18n.DxOtelRegionOK, region), ev...)
}

// otelTCPAddress is where the awsxray receiver's sampling proxy listens,
// as the config says, and where it says so; its default, localhost:2000,
// when the receiver names none. "" when there is no receiver to read.
func (d *dx) otelTCPAddress() (addr, where string) {
	cfg, found := d.otelConfig()
	if !found || cfg.Receivers.AWSXRay == nil {
		return "", ""
	}
	where = "configmap/" + d.names().ConfigMap + " receivers.awsxray.proxy_server.endpoint"
	if p := cfg.Receivers.AWSXRay.ProxyServer; p != nil && p.Endpoint != "" {
		return p.Endpoint, where
	}
	return "localhost:2000", where + " (" + d.t(i18n.DxOtelTCPDefault) + ")"
}

// CollectorLog is what the doctor reads in an OpenTelemetry Collector
// pod's log (the current run's and the one before, as kubectl logs and
// kubectl logs --previous show them).
type CollectorLog struct {
	// Started: the current run said it was ready.
	Started bool
	// Ready is that line's message.
	Ready string
	// ExportErrors are the errors of the current run's failed exports, in
	// order, as the SDK wrote them.
	ExportErrors []string
	// NoRegion is the last line saying the awsxray exporter found no
	// region, "" when none does.
	NoRegion string
}

// ReadCollectorLog reads a Collector pod's log.
func ReadCollectorLog(log string) CollectorLog {
	var out CollectorLog
	run, started := otelCurrentRun(log)
	out.Started = started
	if z, ok := parseZap(lineWith(run, "Everything is ready")); ok && started {
		out.Ready = z.msg
	}
	out.ExportErrors = otelExportErrors(run)
	// v0.141.0 asks the instance metadata when neither the config nor the
	// environment names a region, and the pipeline fails to build; when the
	// metadata answers without one, it says so. A run that started since
	// found its region.
	for _, s := range []string{"ec2imds: GetRegion", "cannot fetch region variable"} {
		if l := lineWith(run, s); l != "" {
			out.NoRegion = l
			break
		}
	}
	return out
}

// zapLine is one line of the Collector's log.
type zapLine struct {
	level, msg string
	fields     map[string]any
}

// parseZap reads a line in the Collector's console format; false when it
// is not one (a stack trace's line, or "Error: …" on exit).
func parseZap(line string) (zapLine, bool) {
	parts := strings.Split(strings.TrimRight(line, "\r"), "\t")
	if len(parts) < 4 {
		return zapLine{}, false
	}
	z := zapLine{level: parts[1], msg: parts[3]}
	if len(parts) > 4 {
		_ = json.Unmarshal([]byte(parts[len(parts)-1]), &z.fields)
	}
	return z, true
}

// otelCurrentRun is the part of a Collector pod's log since it last said
// it was ready, and whether it did: an earlier run's failures, before a
// restart, are not this run's.
func otelCurrentRun(log string) (string, bool) {
	i := strings.LastIndex(log, "Everything is ready. Begin running and processing data.")
	if i < 0 {
		return log, false
	}
	return log[strings.LastIndex(log[:i], "\n")+1:], true
}

// otelExportErrors are the errors of the exports that failed, in order
// ("Exporting failed. Rejecting data.", "… Dropping data." with a sending
// queue, "… Will retry …" with retries).
func otelExportErrors(log string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		z, ok := parseZap(l)
		if !ok || !strings.HasPrefix(z.msg, "Exporting failed.") {
			continue
		}
		if e, _ := z.fields["error"].(string); e != "" {
			out = append(out, e)
		} else {
			out = append(out, z.msg)
		}
	}
	return out
}

// otelLog is the log check for the Collector: what its exports' failures
// say, in each pod's current run. It logs nothing of the exports that
// succeed: no failure since it started is as far as its log goes (the
// traces check counts what arrived).
func (d *dx) otelLog() flow.Finding {
	var identity, creds, denied, other, started []string
	for pod, log := range d.podLogs() {
		cl := ReadCollectorLog(log)
		if !cl.Started {
			continue
		}
		started = append(started, pod+": "+cl.Ready)
		errs := cl.ExportErrors
		if len(errs) == 0 {
			continue
		}
		e := errs[len(errs)-1]
		line := pod + ": " + firstLine(e)
		switch {
		case strings.Contains(e, "AssumeRoleWithWebIdentity") || strings.Contains(e, "InvalidIdentityToken"):
			identity = append(identity, line)
		case strings.Contains(e, "failed to refresh cached credentials") || strings.Contains(e, "get credentials"):
			creds = append(creds, line)
		case strings.Contains(e, "AccessDenied"):
			denied = append(denied, line)
		default:
			other = append(other, line)
		}
	}
	roleFix := d.wizardAsking(flow.IDOIDC + "," + flow.IDIAMSA + "," + flow.IDPods)
	if d.env.Opts.Identity == steps.IdentityPodIdentity {
		roleFix = d.wizard(flow.IDIAMSA+","+flow.IDPods, false)
	}
	switch {
	case len(identity) > 0:
		return bad(flow.CheckFail, d.t(i18n.DxOtelWebIdentity), d.t(i18n.DxOtelExportFix), roleFix, identity...)
	case len(creds) > 0:
		return bad(flow.CheckFail, d.t(i18n.DxOtelNoCredentials), d.t(i18n.DxOtelExportFix), roleFix, creds...)
	case len(denied) > 0:
		return bad(flow.CheckFail, d.t(i18n.DxOtelAccessDenied), d.t(i18n.DxOtelExportFix), d.command("doctor", "--output", "json"), denied...)
	case len(other) > 0:
		return bad(flow.CheckFail, d.t(i18n.DxOtelExportFails), d.t(i18n.DxOtelExportFix),
			fmt.Sprintf("kubectl logs -n %s -l %s", d.ns, d.names().Label()), other...)
	case len(started) == 0:
		return flow.Finding{Status: flow.CheckSkip, Summary: d.t(i18n.DxOtelNotStarted)}
	}
	return ok(d.t(i18n.DxOtelExportOK), started...)
}

// otelSentElsewhere is the traces check's finding when X-Ray has no traces
// in the region looked at while the Collector exports to another, and
// whether it is so.
func (d *dx) otelSentElsewhere(ev []string) (flow.Finding, bool) {
	if !d.otel() || d.none {
		return flow.Finding{}, false
	}
	r := d.otelRegion()
	if r == "" || r == d.env.Region() {
		return flow.Finding{}, false
	}
	ev = append(ev, fmt.Sprintf("configmap/%s exporters.awsxray.region: %q", d.names().ConfigMap, r))
	return bad(flow.CheckFail, d.t(i18n.DxOtelSentButNone, r, d.env.Region()), d.t(i18n.DxOtelSentButNoneFix, r),
		d.command("traces", "--since", "1h", "--region", r), ev...), true
}
