//go:build tools

// Package tools pins nfpm, the .deb and .rpm packager, for make dist-pkg.
package tools

import _ "github.com/goreleaser/nfpm/v2/cmd/nfpm"
