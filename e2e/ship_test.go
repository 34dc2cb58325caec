package e2e

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The built binary says how it was built: no -X here, so its version and
// commit come from the build information Go recorded — the VCS revision in
// a clone (a worktree or a tarball has none: then "dev").
func TestVersionFromTheBuild(t *testing.T) {
	r := run(t, 10*time.Second, nil, "version", "-o", "json")
	var v struct{ Version, Commit, GoVersion, OS, Arch string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &v) != nil {
		t.Fatalf("version -o json: %+v", r)
	}
	if v.GoVersion != runtime.Version() || v.OS != runtime.GOOS || v.Arch != runtime.GOARCH {
		t.Errorf("version -o json: %+v", v)
	}
	_, file, _, _ := runtime.Caller(0)
	head, err := exec.Command("git", "-C", filepath.Dir(file), "rev-parse", "HEAD").Output()
	switch {
	case v.Commit != "" && v.Commit != strings.TrimSpace(string(head)):
		t.Errorf("commit %s, HEAD %s", v.Commit, head)
	case v.Commit == "" && v.Version != "dev":
		t.Errorf("no commit, and version %q is not dev", v.Version)
	case v.Commit == "":
		t.Logf("no VCS information in this build (git: %v): version %s", err, v.Version)
	}
	if r := run(t, 10*time.Second, nil, "version"); !strings.HasPrefix(r.stdout, "xray-wizard "+v.Version+" (") {
		t.Errorf("version: %q, json says %q", r.stdout, v.Version)
	}
}

func TestJapaneseHelpAndUsage(t *testing.T) {
	r := run(t, 10*time.Second, []string{"LANG=ja_JP.UTF-8"}, "--help")
	for _, want := range []string{"使い方:", "フラグ:", "終了コード:", "-o, --output"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("LANG=ja --help: no %q:\n%s", want, r.stdout)
		}
	}
	r = run(t, 10*time.Second, nil, "--lang", "ja", "--output", "xml")
	if r.code != 2 || r.stderr != "xray-wizard: --output \"xml\": text か json を指定してください (xray-wizard --help を参照してください)\n" {
		t.Errorf("--lang ja --output xml: %+v", r)
	}
}
