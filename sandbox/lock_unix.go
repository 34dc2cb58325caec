//go:build unix

package sandbox

import (
	"errors"
	"os"
	"syscall"
)

// lock takes an advisory lock on path, held until unlock or until the
// process ends however it ends (so a killed run leaves no stale lock),
// and writes info into the file for a run that finds it held.
func lock(path string, info []byte) (unlock func() error, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrWorldBusy
		}
		return nil, err
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(info, 0)
	}
	return func() error {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return f.Close()
	}, nil
}
