package cli

import (
	"os"
	"path/filepath"
)

// The opening screen is shown once: leaving it leaves a flag file in the
// wizard's config folder, and later runs start at the steps. Deleting the
// file brings the screen back.

// introFile is the flag file's name in the config folder.
const introFile = "intro-seen"

// introFlag is where the flag file is: $XDG_CONFIG_HOME/xray-wizard/intro-seen,
// else ~/.config/xray-wizard/intro-seen; path is "" when the environment
// names neither (then the screen shows and nothing is written).
type introFlag struct{ path string }

func introMemory(getenv func(string) string) introFlag {
	if d := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
		return introFlag{filepath.Join(d, "xray-wizard", introFile)}
	}
	if home := getenv("HOME"); filepath.IsAbs(home) {
		return introFlag{filepath.Join(home, ".config", "xray-wizard", introFile)}
	}
	return introFlag{}
}

// seen reports whether the opening screen was left on an earlier run.
func (f introFlag) seen() bool {
	if f.path == "" {
		return false
	}
	_, err := os.Stat(f.path)
	return err == nil
}

// remember leaves the flag file; a failure only means the screen shows
// again next time.
func (f introFlag) remember() {
	if f.path == "" {
		return
	}
	if os.MkdirAll(filepath.Dir(f.path), 0o700) != nil {
		return
	}
	_ = os.WriteFile(f.path, []byte("The opening screen was shown; delete this file to see it again.\n"), 0o600)
}
