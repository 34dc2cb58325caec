package iostreams

import "testing"

func TestDecisions(t *testing.T) {
	cases := []struct {
		name           string
		env            map[string]string
		stdin, stdout  bool
		prompt, colour bool
		accessible, ci bool
	}{
		{name: "two terminals", stdin: true, stdout: true, prompt: true, colour: true},
		{name: "piped out", stdin: true, stdout: false, prompt: false, colour: false},
		{name: "piped in", stdin: false, stdout: true, prompt: false, colour: true},
		{name: "CI=true", env: map[string]string{"CI": "true"}, stdin: true, stdout: true, prompt: false, colour: true, ci: true},
		{name: "CI=1", env: map[string]string{"CI": "1"}, stdin: true, stdout: true, prompt: false, colour: true, ci: true},
		{name: "CI=false", env: map[string]string{"CI": "false"}, stdin: true, stdout: true, prompt: true, colour: true},
		{name: "CI=0", env: map[string]string{"CI": "0"}, stdin: true, stdout: true, prompt: true, colour: true},
		{name: "NO_COLOR", env: map[string]string{"NO_COLOR": "1"}, stdin: true, stdout: true, prompt: true, colour: false},
		{name: "NO_COLOR empty", env: map[string]string{"NO_COLOR": ""}, stdin: true, stdout: true, prompt: true, colour: true},
		{name: "CLICOLOR_FORCE into a pipe", env: map[string]string{"CLICOLOR_FORCE": "1"}, stdin: true, stdout: false, prompt: false, colour: true},
		{name: "CLICOLOR_FORCE=0", env: map[string]string{"CLICOLOR_FORCE": "0"}, stdin: true, stdout: false, prompt: false, colour: false},
		{name: "NO_COLOR over CLICOLOR_FORCE", env: map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, stdin: true, stdout: true, prompt: true, colour: false},
		{name: "CLICOLOR=0", env: map[string]string{"CLICOLOR": "0"}, stdin: true, stdout: true, prompt: true, colour: false},
		{name: "CLICOLOR=0 and CLICOLOR_FORCE", env: map[string]string{"CLICOLOR": "0", "CLICOLOR_FORCE": "true"}, stdin: true, stdout: true, prompt: true, colour: true},
		{name: "ACCESSIBLE", env: map[string]string{"ACCESSIBLE": "1"}, stdin: true, stdout: true, prompt: true, colour: true, accessible: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ios, _, _, _ := Test(c.env)
			ios.SetStdinTTY(c.stdin)
			ios.SetStdoutTTY(c.stdout)
			if got := ios.CanPrompt(); got != c.prompt {
				t.Errorf("CanPrompt = %v, want %v", got, c.prompt)
			}
			if got := ios.ColorEnabled(); got != c.colour {
				t.Errorf("ColorEnabled = %v, want %v", got, c.colour)
			}
			if got := ios.Accessible(); got != c.accessible {
				t.Errorf("Accessible = %v, want %v", got, c.accessible)
			}
			if got := ios.CI(); got != c.ci {
				t.Errorf("CI = %v, want %v", got, c.ci)
			}
		})
	}
}

func TestBuffersAreNotTerminals(t *testing.T) {
	ios, _, _, _ := Test(nil)
	if ios.IsStdinTTY() || ios.IsStdoutTTY() || ios.CanPrompt() {
		t.Fatal("buffers were taken for terminals")
	}
}

// TERM=dumb gets plain lines: no prompt, no full-screen UI.
func TestDumbTerminal(t *testing.T) {
	ios, _, _, _ := Test(map[string]string{"TERM": "dumb"})
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	if !ios.IsDumb() || ios.CanPrompt() {
		t.Errorf("TERM=dumb: IsDumb %v, CanPrompt %v", ios.IsDumb(), ios.CanPrompt())
	}
	ios, _, _, _ = Test(map[string]string{"TERM": "xterm-256color"})
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	if ios.IsDumb() || !ios.CanPrompt() {
		t.Error("xterm taken for a dumb terminal")
	}
}

func TestAmbiguousWide(t *testing.T) {
	cases := []struct {
		env  map[string]string
		wide bool
	}{
		{nil, false},
		{map[string]string{"LANG": "en_US.UTF-8"}, false},
		{map[string]string{"LANG": "ja_JP.UTF-8"}, true},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, true},
		{map[string]string{"LANG": "ko_KR.UTF-8"}, true},
		{map[string]string{"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, false},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_CTYPE": "ja_JP.UTF-8"}, true},
		{map[string]string{"LANG": "ja_JP.UTF-8", "RUNEWIDTH_EASTASIAN": "0"}, false},
		{map[string]string{"LANG": "en_US.UTF-8", "RUNEWIDTH_EASTASIAN": "1"}, true},
	}
	for _, c := range cases {
		ios, _, _, _ := Test(c.env)
		if got := ios.AmbiguousWide(); got != c.wide {
			t.Errorf("%v: AmbiguousWide = %v, want %v", c.env, got, c.wide)
		}
	}
}
