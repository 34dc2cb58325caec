package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// firstFrame starts the wizard on a pseudo-terminal of 80×24 and returns the
// time until its first frame (the header) is on the terminal.
func firstFrame(tb testing.TB, args ...string) time.Duration {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	// A practice world of its own, not the one in the person's home.
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "LANG=C.UTF-8", "XRAY_WIZARD_STATE_DIR="+tb.TempDir())
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		tb.Fatalf("pty: %v", err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		f.Close()
	}()
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	deadline := time.Now().Add(10 * time.Second)
	_ = f.SetReadDeadline(deadline)
	for time.Now().Before(deadline) {
		n, err := f.Read(buf)
		seen.Write(buf[:n])
		if strings.Contains(seen.String(), "xray-wizard") {
			return time.Since(start)
		}
		if err != nil {
			break
		}
	}
	tb.Fatalf("no first frame within 10s; output: %q", seen.String())
	return 0
}

// kubectlVersion is the peer: the time kubectl takes for `version --client`.
func kubectlVersion(tb testing.TB) time.Duration {
	tb.Helper()
	path, err := exec.LookPath("kubectl")
	if err != nil {
		tb.Fatal("kubectl is not installed: the startup benchmark compares against it")
	}
	start := time.Now()
	if out, err := exec.Command(path, "version", "--client").CombinedOutput(); err != nil {
		tb.Fatalf("kubectl version --client: %v\n%s", err, out)
	}
	return time.Since(start)
}

// BenchmarkStartToFirstFrame compares the wizard's start to first frame with
// `kubectl version --client`, in the same run; the ratio must stay ≤ 1.
func BenchmarkStartToFirstFrame(b *testing.B) {
	var wiz, kc time.Duration
	for i := 0; i < b.N; i++ {
		wiz += firstFrame(b, "--sandbox")
		kc += kubectlVersion(b)
	}
	b.ReportMetric(float64(wiz.Milliseconds())/float64(b.N), "wizard-ms")
	b.ReportMetric(float64(kc.Milliseconds())/float64(b.N), "kubectl-ms")
	ratio := float64(wiz) / float64(kc)
	b.ReportMetric(ratio, "ratio")
	if ratio > 1 {
		b.Errorf("start to first frame %s is %.2f × kubectl version --client's %s, goal ≤ 1", wiz/time.Duration(b.N), ratio, kc/time.Duration(b.N))
	}
}
