package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tmux drives the real TUI in a real terminal: a detached session of 80×24
// on a private server socket, keys in with send-keys, the screen out with
// capture-pane.
type tmux struct {
	t      *testing.T
	socket string
	name   string
}

func newTmux(t *testing.T, width, height int, env []string, args ...string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed: the end-to-end TUI test needs it (apt-get install tmux; .ci/run installs it)")
	}
	dir := t.TempDir()
	m := &tmux{t: t, socket: filepath.Join(dir, "tmux.sock"), name: "xw"}
	codeFile := filepath.Join(dir, "exit-code")
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	// The shell keeps the pane open after the wizard exits, so its last
	// screen can still be read, and records the exit code.
	script := fmt.Sprintf("%s %s; echo $? > %s; sleep 600", bin, strings.Join(quoted, " "), codeFile)
	// tmux sets the pane's TERM itself: a TERM the test asks for is set
	// on the wizard's command line.
	for _, e := range env {
		if strings.HasPrefix(e, "TERM=") {
			script = "env '" + e + "' " + script
		}
	}
	cmd := []string{"-S", m.socket, "-f", "/dev/null", "new-session", "-d", "-s", m.name,
		"-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	// CI is set where CI runs the tests; in the pane it would make the
	// wizard take its non-interactive path.
	// The practice world is kept under the test's folder, whatever the
	// tmux server's environment says.
	// The opening screen was seen, unless the test gives its own config
	// folder (to see it).
	defaults := []string{"TERM=xterm-256color", "HOME=" + dir, "CI=", "XDG_STATE_HOME=" + filepath.Join(dir, "state"), "XRAY_WIZARD_STATE_DIR="}
	if !hasVar(env, "XDG_CONFIG_HOME") {
		config := filepath.Join(dir, "config")
		if err := os.MkdirAll(filepath.Join(config, "xray-wizard"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(config, "xray-wizard", "intro-seen"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		defaults = append(defaults, "XDG_CONFIG_HOME="+config)
	}
	for _, e := range defaults {
		if !hasVar(env, strings.SplitN(e, "=", 2)[0]) {
			cmd = append(cmd, "-e", e)
		}
	}
	for _, e := range env {
		cmd = append(cmd, "-e", e)
	}
	cmd = append(cmd, "sh", "-c", script)
	if out, err := exec.Command("tmux", cmd...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", m.socket, "kill-server").Run() })
	m.t = t
	m.name = m.name + ":0"
	_ = codeFile
	return m
}

// hasVar reports whether env (NAME=value entries) sets name.
func hasVar(env []string, name string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, name+"=") {
			return true
		}
	}
	return false
}

func (m *tmux) screen() string {
	out, err := exec.Command("tmux", "-S", m.socket, "capture-pane", "-p", "-t", m.name).Output()
	if err != nil {
		m.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

func (m *tmux) keys(keys ...string) {
	args := append([]string{"-S", m.socket, "send-keys", "-t", m.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		m.t.Fatalf("send-keys %v: %v\n%s", keys, err, out)
	}
}

// exitCode waits for the wizard to exit and returns its code.
func (m *tmux) exitCode(timeout time.Duration) int {
	file := filepath.Join(filepath.Dir(m.socket), "exit-code")
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(file); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			var code int
			fmt.Sscan(strings.TrimSpace(string(b)), &code)
			return code
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.t.Fatalf("the wizard did not exit within %s; screen:\n%s", timeout, m.screen())
	return -1
}

// waitFor polls the screen until re matches, or fails with the last screen.
func (m *tmux) waitFor(re *regexp.Regexp, timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	var s string
	for time.Now().Before(deadline) {
		s = m.screen()
		if re.MatchString(s) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.t.Fatalf("screen never matched %s within %s; last screen:\n%s", re, timeout, s)
	return ""
}

func checkWidth(t *testing.T, screen string, width int) {
	t.Helper()
	for i, line := range strings.Split(screen, "\n") {
		if n := len([]rune(line)); n > width*2 {
			t.Errorf("line %d is wider than the terminal: %q", i, line)
		}
	}
}

// The real TUI in a real terminal of 80×24: Enter at every prompt reaches
// the final screen with trace counts within a minute; Enter there exits 0.
func TestTUIEndToEnd(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		t.Run(lang, func(t *testing.T) {
			m := newTmux(t, 80, 24, []string{"LANG=C.UTF-8"}, "--sandbox", "--lang", lang)
			prompt := regexp.MustCompile(`Go ahead\?|実行しますか\?`)
			final := regexp.MustCompile(`X-Ray is set up|X-Ray のセットアップが完了`)
			deadline := time.Now().Add(time.Minute)
			prompts := 0
			var s string
			for time.Now().Before(deadline) {
				s = m.screen()
				if final.MatchString(s) {
					break
				}
				if prompt.MatchString(s) {
					m.keys("Enter")
					prompts++
					// Wait for the prompt to go before looking again.
					time.Sleep(300 * time.Millisecond)
					continue
				}
				time.Sleep(100 * time.Millisecond)
			}
			if !final.MatchString(s) {
				t.Fatalf("no final screen within a minute; last screen:\n%s", s)
			}
			if prompts < 3 {
				t.Errorf("answered %d prompts, want one each for oidc, iamsa and daemonset", prompts)
			}
			total := regexp.MustCompile(`(total|合計) (\d+)`).FindStringSubmatch(s)
			if total == nil || total[2] == "0" {
				t.Errorf("no trace total on the final screen:\n%s", s)
			}
			if !strings.Contains(s, "PRACTICE SANDBOX") && !strings.Contains(s, "練習用サンドボックス") {
				t.Errorf("the screen does not say it is the practice sandbox:\n%s", s)
			}
			checkWidth(t, s, 80)
			m.keys("Enter")
			if code := m.exitCode(10 * time.Second); code != 0 {
				t.Errorf("exit code %d after the final screen", code)
			}
		})
	}
}

// ctrl+c while the daemon pods come up: the terminal is restored and the
// wizard exits 130.
func TestTUICtrlC(t *testing.T) {
	m := newTmux(t, 80, 24, []string{"LANG=C.UTF-8"}, "--sandbox")
	m.waitFor(regexp.MustCompile(`Go ahead\?`), 20*time.Second)
	m.keys("C-c")
	if code := m.exitCode(10 * time.Second); code != 130 {
		t.Errorf("exit code %d, want 130", code)
	}
	// The alternate screen is gone: the shell's own screen shows again.
	s := m.screen()
	if strings.Contains(s, "Go ahead?") {
		t.Errorf("the TUI is still on screen after exit:\n%s", s)
	}
}

// display reads a tmux format of the pane (#{alternate_on}, #{cursor_flag}).
func (m *tmux) display(format string) string {
	out, err := exec.Command("tmux", "-S", m.socket, "display-message", "-p", "-t", m.name, format).Output()
	if err != nil {
		m.t.Fatalf("display-message: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// wizardPID is the wizard's process: the pane's shell's child.
func (m *tmux) wizardPID() int {
	shell := m.display("#{pane_pid}")
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("pgrep", "-P", shell, "-x", filepath.Base(bin)).Output()
		var pid int
		if _, err := fmt.Sscan(string(out), &pid); err == nil {
			return pid
		}
		time.Sleep(50 * time.Millisecond)
	}
	m.t.Fatalf("no wizard process under the pane's shell %s", shell)
	return 0
}

// procState is a process's state letter from /proc (R, S, T for stopped).
func procState(t *testing.T, pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("reading the wizard's state: %v", err)
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[0]
}

// SIGHUP (the terminal closed, or kill -HUP) ends the wizard as SIGTERM
// does: the alternate screen left, the cursor shown again, exit 130.
func TestTUIHangUpGivesTheTerminalBack(t *testing.T) {
	m := newTmux(t, 80, 24, []string{"LANG=C.UTF-8"}, "--sandbox")
	m.waitFor(regexp.MustCompile(`Go ahead\?`), 20*time.Second)
	if got := m.display("#{alternate_on}"); got != "1" {
		t.Fatalf("the TUI is not on the alternate screen: alternate_on=%s", got)
	}
	if err := exec.Command("kill", "-HUP", fmt.Sprint(m.wizardPID())).Run(); err != nil {
		t.Fatal(err)
	}
	if code := m.exitCode(10 * time.Second); code != 130 {
		t.Errorf("exit code %d, want 130", code)
	}
	if got := m.display("#{alternate_on} #{cursor_flag}"); got != "0 1" {
		t.Errorf("after SIGHUP the terminal is left as alternate_on cursor_flag = %q, want \"0 1\"", got)
	}
}

// ctrl+z suspends the TUI as terminal programs do, giving the terminal
// back to the shell; fg brings the same screen back. It runs under an
// interactive bash, whose job control a suspend needs (a process group
// with no shell to stop it for ignores ctrl+z's SIGTSTP).
func TestTUISuspendAndResume(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is not installed: the suspend test types into an interactive bash")
	}
	m := newTmux(t, 80, 24, []string{"LANG=C.UTF-8", "PS1=$ "}, "--sandbox")
	// Replace the pane's program with an interactive shell, then start the
	// wizard from it as a person would.
	dir := filepath.Dir(m.socket)
	if out, err := exec.Command("tmux", "-S", m.socket, "respawn-pane", "-k", "-t", m.name,
		"-e", "HOME="+dir, "-e", "CI=", "-e", "PS1=$ ", "-e", "HISTFILE=/dev/null", "bash", "--norc", "--noprofile", "-i").CombinedOutput(); err != nil {
		t.Fatalf("respawn-pane: %v\n%s", err, out)
	}
	m.waitFor(regexp.MustCompile(`(?m)^\$`), 5*time.Second)
	m.keys("LANG=C.UTF-8 "+bin+" --sandbox", "Enter")
	m.waitFor(regexp.MustCompile(`Go ahead\?`), 20*time.Second)
	pid := m.wizardPID()
	m.keys("C-z")
	deadline := time.Now().Add(5 * time.Second)
	for procState(t, pid) != "T" {
		if time.Now().After(deadline) {
			t.Fatalf("ctrl+z did not stop the wizard (state %s); screen:\n%s", procState(t, pid), m.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := m.display("#{alternate_on} #{cursor_flag}"); got != "0 1" {
		t.Errorf("suspended, the terminal is alternate_on cursor_flag = %q, want \"0 1\"", got)
	}
	m.waitFor(regexp.MustCompile(`Stopped`), 5*time.Second)
	m.keys("fg", "Enter")
	m.waitFor(regexp.MustCompile(`Go ahead\?`), 10*time.Second)
	if got := m.display("#{alternate_on}"); got != "1" {
		t.Errorf("resumed, the TUI is not back on the alternate screen")
	}
	m.keys("C-c")
	deadline = time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the resumed wizard did not leave on ctrl+c; screen:\n%s", m.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	m.keys("echo code=$?", "Enter")
	m.waitFor(regexp.MustCompile(`code=130`), 5*time.Second)
}
