//go:build !unix

package sandbox

import (
	"errors"
	"io/fs"
	"os"
)

// lock makes path, which must not exist, and writes info into it; unlock
// removes it. A run that ends without unlocking leaves it behind, and the
// next run is told which run held it.
func lock(path string, info []byte) (unlock func() error, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, ErrWorldBusy
	}
	if err != nil {
		return nil, err
	}
	_, _ = f.Write(info)
	if err := f.Close(); err != nil {
		return nil, err
	}
	return func() error { return os.Remove(path) }, nil
}
