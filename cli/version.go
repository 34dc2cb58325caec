package cli

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/report"
)

// Version is the version the binary reports. A build may set it
// (-ldflags "-X github.com/xray-wizard/xray-wizard/cli.Version=v1.2.3", as
// make does); otherwise it comes from the build information Go records
// (see versionFrom): the module version of a go install, the VCS revision
// of a go build in a clone.
var Version string

func init() {
	info, _ := debug.ReadBuildInfo()
	build = buildFrom(info, Version)
	Version = build.Version
}

// build is what this binary knows of how it was built.
var build BuildInfo

// BuildInfo is what version prints: the version, the commit it was built
// from, whether the tree had changes not committed, the Go release and the
// platform.
type BuildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Time      string `json:"commitTime,omitempty"`
	Modified  bool   `json:"modified"`
	GoVersion string `json:"goVersion"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
}

// pseudoVersion is the end of a Go pseudo-version (v0.0.0-20260101120000-
// abcdef123456): the commit's time and its first 12 hex digits.
var pseudoVersion = regexp.MustCompile(`(?:^|[.-])\d{14}-([0-9a-f]{12})(?:\+|$)`)

// buildFrom reads info (nil when the binary has none) and override (the
// version a build set with -X, or ""). The version is, in order: the
// override; the main module's version when Go recorded one (a go install
// of a release or a pseudo-version, or since Go 1.24 a go build in a
// clone, "+dirty" when the tree had changes); the VCS revision's first 12
// digits ("-modified" when the tree had changes); else "dev".
func buildFrom(info *debug.BuildInfo, override string) BuildInfo {
	b := BuildInfo{Version: override, GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if info == nil {
		if b.Version == "" {
			b.Version = "dev"
		}
		return b
	}
	if info.GoVersion != "" {
		b.GoVersion = info.GoVersion
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		case "GOOS":
			b.OS = s.Value
		case "GOARCH":
			b.Arch = s.Value
		}
	}
	mod := info.Main.Version
	if mod == "(devel)" {
		mod = ""
	}
	if strings.HasSuffix(mod, "+dirty") {
		b.Modified = true
	}
	if b.Commit == "" {
		// A go install of a commit: the pseudo-version names it.
		if m := pseudoVersion.FindStringSubmatch(mod); m != nil {
			b.Commit = m[1]
		}
	}
	switch {
	case b.Version != "":
	case mod != "":
		b.Version = mod
	case b.Commit != "":
		b.Version = b.Commit[:min(12, len(b.Commit))]
		if b.Modified {
			b.Version += "-modified"
		}
	default:
		b.Version = "dev"
	}
	return b
}

// String is version's line of text.
func (b BuildInfo) String() string {
	var parts []string
	if b.Commit != "" {
		c := "commit " + b.Commit[:min(12, len(b.Commit))]
		if b.Modified {
			c += ", modified"
		}
		parts = append(parts, c)
	}
	parts = append(parts, b.GoVersion, b.OS+"/"+b.Arch)
	return fmt.Sprintf("xray-wizard %s (%s)", b.Version, strings.Join(parts, "; "))
}

// VersionOptions are version's flags.
type VersionOptions struct {
	Output string
}

func (o *VersionOptions) validate(f *Factory) error { return checkOutput(f.lang(), o.Output) }

// NewCmdVersion prints the version: a line of text, or with --output json
// the version, commit, Go release and platform.
func NewCmdVersion(f *Factory, runF func(context.Context, *VersionOptions) error) *cobra.Command {
	o := &VersionOptions{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit it was built from, the Go release and the platform",
		Example: `  xray-wizard version
  xray-wizard version -o json`,
		Args: cobra.NoArgs,
		RunE: runE(f, o, runF, runVersion),
	}
	// Its own --output, so version's help shows no flags of the wizard's.
	cmd.Flags().StringVarP(&o.Output, "output", "o", "text", "text or json")
	return usesShared(cmd, "lang")
}

func runVersion(_ context.Context, f *Factory, o *VersionOptions) error {
	if o.Output == "json" {
		return report.WriteJSON(f.IOStreams.Out, build)
	}
	_, err := fmt.Fprintln(f.IOStreams.Out, build.String())
	return err
}
