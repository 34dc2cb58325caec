package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The saved world lives in a folder of its own (the CLI's is
// $XDG_STATE_HOME/xray-wizard/sandbox): world.json, written whole and
// renamed into place so a crash never leaves half a file, and lock, held
// by the one run that uses the world.
const (
	worldFile = "world.json"
	lockFile  = "lock"
)

// ErrWorldBusy is the error of OpenState when another run holds the world
// (a *BusyError says which).
var ErrWorldBusy = errors.New("the practice world is in use by another run")

// ErrWorldVersion is in the error of Load for a file of another version.
var ErrWorldVersion = errors.New("saved by another version of xray-wizard")

// BusyError names the run that holds the world.
type BusyError struct {
	Dir     string
	PID     int
	Command string
	Since   time.Time
}

func (e *BusyError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("%v (%s)", ErrWorldBusy, e.Dir)
	}
	return fmt.Sprintf("%v: pid %d, %q, since %s", ErrWorldBusy, e.PID, e.Command, e.Since.Local().Format("15:04:05"))
}

func (e *BusyError) Unwrap() error { return ErrWorldBusy }

// UnreadableError is a saved world that could not be read. Load moved it
// aside to MovedTo (unless empty), so the run starts a fresh world and
// nothing is lost.
type UnreadableError struct {
	Path, MovedTo string
	Err           error
}

func (e *UnreadableError) Error() string {
	return fmt.Sprintf("the saved practice world %s cannot be read: %v", e.Path, e.Err)
}

func (e *UnreadableError) Unwrap() error { return e.Err }

// lockInfo is what the lock file says of the run holding it.
type lockInfo struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// State is the folder of the saved world, held by this run until Close.
type State struct {
	dir    string
	unlock func() error
}

// OpenState makes dir if need be and takes its lock for this run, which
// command describes to another run that finds it held: a *BusyError.
func OpenState(dir, command string) (*State, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	info, _ := json.Marshal(lockInfo{PID: os.Getpid(), Command: command, Since: time.Now()})
	unlock, err := lock(filepath.Join(dir, lockFile), info)
	if errors.Is(err, ErrWorldBusy) {
		be := &BusyError{Dir: dir}
		var li lockInfo
		if raw, rerr := os.ReadFile(filepath.Join(dir, lockFile)); rerr == nil && json.Unmarshal(raw, &li) == nil {
			be.PID, be.Command, be.Since = li.PID, li.Command, li.Since
		}
		return nil, be
	}
	if err != nil {
		return nil, err
	}
	return &State{dir: dir, unlock: unlock}, nil
}

// Path is the saved world's file.
func (s *State) Path() string { return filepath.Join(s.dir, worldFile) }

// Close lets the world go, for the next run.
func (s *State) Close() error {
	if s.unlock == nil {
		return nil
	}
	err := s.unlock()
	s.unlock = nil
	return err
}

// Load reads the saved world: nil when there is none. A file that cannot
// be read, or of another version, is moved aside and reported as an
// *UnreadableError; the caller starts a fresh world.
func (s *State) Load() (*World, error) {
	path := s.Path()
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var w World
	err = json.Unmarshal(raw, &w)
	if err == nil {
		err = w.check()
	}
	if err == nil {
		return &w, nil
	}
	ue := &UnreadableError{Path: path, Err: err}
	moved := fmt.Sprintf("%s.unreadable-%s", path, time.Now().Format("20060102-150405"))
	if os.Rename(path, moved) == nil {
		ue.MovedTo = moved
	}
	return nil, ue
}

// Save writes w in place of the saved world, whole or not at all.
func (s *State) Save(w *World) error {
	raw, err := json.Marshal(w)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, worldFile+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.Path())
}

// Remove deletes the saved world and the files moved aside, and says
// which it removed; the next run starts a fresh world.
func (s *State) Remove() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		if n := e.Name(); n == worldFile || strings.HasPrefix(n, worldFile+".") {
			p := filepath.Join(s.dir, n)
			if err := os.Remove(p); err != nil {
				return removed, err
			}
			removed = append(removed, p)
		}
	}
	return removed, nil
}
