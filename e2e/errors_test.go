package e2e

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// No credentials anywhere: the line names what is missing and the ways to
// give it, the SDK's own text is in the debug log only.
func TestNoCredentials(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "debug.log")
	r := run(t, time.Minute, []string{"AWS_REGION=us-west-2", "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://" + closedPort(t)},
		"--steps", "preflight", "-y", "--log-file", logFile)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"no AWS credentials", "AWS_ACCESS_KEY_ID", "Cloud9", "xray-wizard --sandbox"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "IMDS") || strings.Contains(r.stderr, "cannot reach AWS") {
		t.Errorf("the SDK's words, or a network problem, on screen:\n%s", r.stderr)
	}
	b, _ := os.ReadFile(logFile)
	if !strings.Contains(string(b), "no EC2 IMDS role found") {
		t.Errorf("the debug log lacks the SDK's error:\n%s", b)
	}
}

// A profile that does not exist is named from where it came, with the fix
// for that place: one line, exit 2.
func TestMissingProfileNamesItsSource(t *testing.T) {
	for _, c := range []struct {
		env  []string
		args []string
		want []string
	}{
		{[]string{"AWS_PROFILE=nosuch", "AWS_REGION=us-west-2"}, nil, []string{`AWS_PROFILE="nosuch"`, "unset AWS_PROFILE"}},
		{[]string{"AWS_REGION=us-west-2"}, []string{"--profile", "nosuch"}, []string{`--profile "nosuch"`, "leave out --profile"}},
	} {
		r := run(t, 30*time.Second, c.env, append([]string{"-y"}, c.args...)...)
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if r.code != 2 || len(lines) != 1 {
			t.Errorf("%v %v: exit %d, stderr:\n%s", c.env, c.args, r.code, r.stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%v %v: stderr lacks %q:\n%s", c.env, c.args, w, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "leave out --profile") && c.args == nil {
			t.Errorf("tells to leave out a --profile not given:\n%s", r.stderr)
		}
	}
}

// Something other than AWS at the endpoint: said so, with a fix, not
// "check the network".
func TestEndpointAnsweringGarbage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("<html>Sign in to the hotel Wi-Fi</html>"))
	}))
	defer srv.Close()
	r := run(t, time.Minute, []string{"AWS_REGION=us-west-2", "AWS_ENDPOINT_URL=" + srv.URL, "AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=x"},
		"--steps", "preflight", "-y")
	if r.code != 1 || !strings.Contains(r.stderr, "is not an AWS API response") || !strings.Contains(r.stderr, "HTTPS_PROXY") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "cannot reach AWS") {
		t.Errorf("read as a network problem:\n%s", r.stderr)
	}
}
