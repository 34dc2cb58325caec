package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// complete asks the command line for completions as a shell does (cobra's
// __complete) and returns the values, without descriptions.
func complete(t *testing.T, env map[string]string, args ...string) []string {
	t.Helper()
	out, errOut, code := runCLI(t, env, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %v: exit %d: %s", args, code, errOut)
	}
	var values []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") || line == "" {
			continue // the directive
		}
		v, _, _ := strings.Cut(line, "\t")
		values = append(values, v)
	}
	return values
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCompletionValues(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), "[default]\nregion = us-west-2\n[profile workshop]\nregion = us-east-1\n[sso-session corp]\nsso_region = us-east-1\n")
	writeFile(t, filepath.Join(home, ".aws", "credentials"), "[default]\naws_access_key_id = x\n[ci]\naws_access_key_id = y\n")
	kubeconfig := `apiVersion: v1
kind: Config
clusters: [{name: c1, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u1, user: {}}]
contexts:
- {name: workshop, context: {cluster: c1, user: u1}}
- {name: admin@prod, context: {cluster: c1, user: u1}}
current-context: workshop
`
	writeFile(t, filepath.Join(home, ".kube", "config"), kubeconfig)
	other := filepath.Join(t.TempDir(), "other.yaml")
	writeFile(t, other, strings.ReplaceAll(kubeconfig, "admin@prod", "elsewhere"))
	env := map[string]string{"HOME": home}

	cases := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"steps", env, []string{"--steps", ""}, []string{"preflight", "oidc", "iamsa", "daemonset", "pods", "sampling", "app", "traces"}},
		{"steps after some", env, []string{"--steps", "oidc,ia"}, []string{"oidc,preflight", "oidc,iamsa", "oidc,daemonset", "oidc,pods", "oidc,sampling", "oidc,app", "oidc,traces"}},
		{"lang", env, []string{"--lang", ""}, []string{"ja", "en"}},
		{"output", env, []string{"--output", ""}, []string{"text", "json"}},
		{"-o", env, []string{"-o", ""}, []string{"text", "json"}},
		{"version's -o", env, []string{"version", "-o", ""}, []string{"text", "json"}},
		{"doctor's output", env, []string{"doctor", "--output", ""}, []string{"text", "json"}},
		{"identity", env, []string{"--identity", ""}, []string{"irsa", "pod-identity"}},
		{"doctor's identity", env, []string{"doctor", "--identity", ""}, []string{"irsa", "pod-identity"}},
		{"context", env, []string{"--context", ""}, []string{"admin@prod", "workshop"}},
		{"context of --kubeconfig", env, []string{"--kubeconfig", other, "--context", ""}, []string{"elsewhere", "workshop"}},
		{"context of KUBECONFIG", map[string]string{"HOME": home, "KUBECONFIG": other}, []string{"doctor", "--context", ""}, []string{"elsewhere", "workshop"}},
		{"profile", env, []string{"--profile", ""}, []string{"ci", "default", "workshop"}},
		{"profile of AWS_CONFIG_FILE", map[string]string{"HOME": t.TempDir(), "AWS_CONFIG_FILE": filepath.Join(home, ".aws", "config")}, []string{"traces", "--profile", ""}, []string{"default", "workshop"}},
		{"no AWS files", map[string]string{"HOME": t.TempDir()}, []string{"--profile", ""}, nil},
		{"sandbox cloud9's switch", env, []string{"sandbox", "cloud9", "--managed-credentials", ""}, []string{"on", "off"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := complete(t, c.env, c.args...)
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	regions := complete(t, env, "--region", "")
	for _, r := range []string{"us-west-2", "eu-west-1", "ap-northeast-1"} {
		if !slices.Contains(regions, r) {
			t.Errorf("--region: no %s in %v", r, regions)
		}
	}
	if !slices.IsSorted(regions) || len(regions) < 20 {
		t.Errorf("--region: %d regions, sorted %v", len(regions), slices.IsSorted(regions))
	}
}

// --cluster asks EKS (ListClusters) in the region of --region and gives up
// after clusterListTimeout.
func TestCompletionClusters(t *testing.T) {
	slow := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/clusters" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("nextToken") == "" && strings.Contains(r.Header.Get("Authorization"), "/eu-west-1/") {
			<-slow
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("nextToken") == "" {
			w.Write([]byte(`{"clusters":["eksworkshop-eksctl","dev"],"nextToken":"p2"}`))
			return
		}
		w.Write([]byte(`{"clusters":["prod"]}`))
	}))
	defer srv.Close()
	defer close(slow) // before the server waits for its handlers
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_REGION", "")
	if got, want := complete(t, nil, "--region", "us-west-2", "--cluster", ""), []string{"eksworkshop-eksctl", "dev", "prod"}; !slices.Equal(got, want) {
		t.Errorf("--cluster: got %q, want %q", got, want)
	}
	if got := complete(t, nil, "doctor", "--region", "us-west-2", "--cluster", ""); len(got) != 3 {
		t.Errorf("doctor --cluster: got %q", got)
	}
	defer func(d time.Duration) { clusterListTimeout = d }(clusterListTimeout)
	clusterListTimeout = 300 * time.Millisecond
	start := time.Now()
	if got := complete(t, nil, "--region", "eu-west-1", "--cluster", ""); len(got) != 0 {
		t.Errorf("a slow EKS: got %q", got)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a slow EKS held the shell %s", d)
	}
	if got := complete(t, nil, "--cluster", ""); len(got) != 0 {
		t.Errorf("no region: got %q", got)
	}
}

// cobra's completion command writes each shell's script.
func TestCompletionScripts(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		out, errOut, code := runCLI(t, nil, "completion", sh)
		if code != 0 || !strings.Contains(out, "xray-wizard") || errOut != "" {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", sh, code, len(out), errOut)
		}
	}
}
