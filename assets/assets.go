// Package assets holds the files the wizard ships: the X-Ray daemon's
// manifest and the least-privilege IAM policy for the person running it.
package assets

import _ "embed"

// DaemonManifest is the X-Ray daemon's ConfigMap, Service and DaemonSet.
//
//go:embed xray-daemon.yaml
var DaemonManifest []byte

// CollectorManifest is the OpenTelemetry Collector's ConfigMap, Service and
// DaemonSet, in place of the daemon's (--collector otel).
//
//go:embed otel-collector.yaml
var CollectorManifest []byte
