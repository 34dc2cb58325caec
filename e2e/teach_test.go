package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The opening screen shows on the first run, says what the lab teaches,
// starts the steps on Enter and is not shown again; its memory is a flag
// file in the config folder given.
func TestTUIOpeningScreenOnce(t *testing.T) {
	config := t.TempDir()
	env := []string{"LANG=C.UTF-8", "XDG_CONFIG_HOME=" + config}
	m := newTmux(t, 80, 24, env, "--sandbox", "--steps", "preflight")
	s := m.waitFor(regexp.MustCompile(`What this lab sets up`), 20*time.Second)
	for _, want := range []string{"UDP port 2000", "IRSA", "service map", "1 preflight"} {
		if !strings.Contains(s, want) {
			t.Errorf("opening screen lacks %q:\n%s", want, s)
		}
	}
	m.keys("Enter")
	m.waitFor(regexp.MustCompile(`X-Ray|preflight`), 20*time.Second)
	flag := filepath.Join(config, "xray-wizard", "intro-seen")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(flag); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := os.Stat(flag); err != nil {
		t.Fatalf("the opening screen is not remembered: %v", err)
	}
	m.keys("q")

	again := newTmux(t, 80, 24, env, "--sandbox", "--steps", "preflight")
	s = again.waitFor(regexp.MustCompile(`preflight`), 20*time.Second)
	if strings.Contains(s, "What this lab sets up") {
		t.Errorf("the opening screen came back:\n%s", s)
	}
	again.keys("q")
}

// TERM=dumb gets the plain lines, never the full-screen interface.
func TestTUIDumbTerminalGetsLines(t *testing.T) {
	m := newTmux(t, 80, 24, []string{"LANG=C.UTF-8", "TERM=dumb"}, "--sandbox", "--steps", "preflight")
	if code := m.exitCode(time.Minute); code != 0 {
		t.Fatalf("exit %d:\n%s", code, m.screen())
	}
	s := m.screen()
	if strings.Contains(s, "enter/y apply") || strings.Contains(s, "Step 1/1") {
		t.Errorf("a dumb terminal got the full-screen UI:\n%s", s)
	}
	if !strings.Contains(s, "preflight") {
		t.Errorf("no plain lines:\n%s", s)
	}
}
