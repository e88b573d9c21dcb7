package launch

import (
	"errors"
	"os"
)

// Discard removes the snap's preserved namespace, under its lock: the next
// launch builds a new one. A snap with none is not an error. It must run
// in the original mount namespace, where the namespace file is mounted.
func Discard(snap, stateDir string) error {
	if err := checkSnap(snap); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return errors.New("cannot discard: confine discard needs root")
	}
	p := statePaths(stateDir, snap)
	if _, err := os.Lstat(p.lockDir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := ensureDir(p.lockDir); err != nil {
		return err
	}
	l, err := takeLock(p.lock)
	if err != nil {
		return err
	}
	defer l.release()
	return discardFiles(p)
}
