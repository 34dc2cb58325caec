// Package peers starts the real programs the tests prove the wizard
// against, on free loopback ports, and stops them when the test ends.
package peers

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Moto is a moto_server: an AWS emulator nobody on this project wrote.
type Moto struct {
	URL string
}

// StartMoto starts moto_server with AWS's managed policies loaded, and fails
// the test with a clear message when it is not installed.
func StartMoto(t testing.TB) *Moto {
	t.Helper()
	path, err := exec.LookPath("moto_server")
	if err != nil {
		t.Fatal("moto_server is not installed: these tests prove the AWS steps against it (it comes with the machine's Python; see README)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logf, err := os.Create(filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("moto_server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(m.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return m
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("moto_server did not answer within 30s: %v\n%s", err, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
