package cli

import (
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/iostreams"
)

func TestVersionFromBuildInfo(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2026-12-06T13:49:11Z"}, {Key: "vcs.modified", Value: modified},
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}}
	}
	const rev = "faa982dfe8d301328bf3ce64b7d09976d234ad7e"
	cases := []struct {
		name     string
		info     *debug.BuildInfo
		override string
		version  string
		commit   string
		modified bool
	}{
		{"no build info", nil, "", "dev", "", false},
		{"go install of a release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3", Sum: "h1:x"}}, "", "v1.2.3", "", false},
		{"go install of a commit", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261206134911-faa982dfe8d3", Sum: "h1:x"}}, "", "v0.0.0-20261206134911-faa982dfe8d3", "faa982dfe8d3", false},
		{"go build in a clone", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261206134911-faa982dfe8d3"}, Settings: vcs(rev, "false")}, "", "v0.0.0-20261206134911-faa982dfe8d3", rev, false},
		{"go build in a changed clone", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261206134911-faa982dfe8d3+dirty"}, Settings: vcs(rev, "true")}, "", "v0.0.0-20261206134911-faa982dfe8d3+dirty", rev, true},
		{"revision only", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "true")}, "", "faa982dfe8d3-modified", rev, true},
		{"no VCS", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "", "dev", "", false},
		{"make's -X wins", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false")}, "v9.9.9", "v9.9.9", rev, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := buildFrom(c.info, c.override)
			if b.Version != c.version || b.Commit != c.commit || b.Modified != c.modified {
				t.Errorf("got %+v, want version %q commit %q modified %v", b, c.version, c.commit, c.modified)
			}
			if b.GoVersion == "" || b.OS == "" || b.Arch == "" {
				t.Errorf("no Go version or platform: %+v", b)
			}
		})
	}
	b := buildFrom(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "true")}, "")
	if got, want := b.String(), "xray-wizard faa982dfe8d3-modified (commit faa982dfe8d3, modified; go1.26.8; linux/arm64)"; got != want {
		t.Errorf("text:\n got %s\nwant %s", got, want)
	}
}

// runCLI runs the command line on buffers, in env, as Main does.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test(env)
	code = Main(t.Context(), ios, args)
	return out.String(), errOut.String(), code
}

func TestVersionCommand(t *testing.T) {
	for _, args := range [][]string{{"version", "--output", "json"}, {"version", "-o", "json"}} {
		out, _, code := runCLI(t, nil, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		for _, k := range []string{"version", "goVersion", "os", "arch"} {
			if s, _ := got[k].(string); s == "" {
				t.Errorf("%v: no %s in %v", args, k, got)
			}
		}
	}
	if _, _, code := runCLI(t, nil, "version", "-o", "yaml"); code != ExitUsage {
		t.Errorf("-o yaml: exit %d, want 2", code)
	}
	if out, _, _ := runCLI(t, nil, "version"); !strings.HasPrefix(out, "xray-wizard ") {
		t.Errorf("version: %q", out)
	}
}
