package launch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
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
	if err := discardFiles(p); err != nil {
		return err
	}
	return releaseNsDir(p)
}

// releaseNsDir undoes the private self-bind of the namespace directory
// once it holds no preserved namespace, so that discarding the last one
// leaves the host's mount table as it was before the first launch. It
// does nothing while any launch holds the global lock (it may be about to
// preserve a namespace there) or while another snap's namespace remains.
func releaseNsDir(p paths) error {
	global, err := tryLock(globalLockPath(p))
	if err != nil || global == nil {
		return err
	}
	defer global.release()
	left, err := filepath.Glob(filepath.Join(p.nsDir, "*.mnt"))
	if err != nil || len(left) > 0 {
		return err
	}
	if _, err := os.Lstat(selfBindMarker(p)); err != nil {
		// confine did not make this mount point (an administrator's own
		// mount there is left alone), or it is gone already.
		return nil
	}
	if err := unix.Unmount(p.nsDir, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("cannot unmount %s: %w", p.nsDir, err)
	}
	return os.Remove(selfBindMarker(p))
}
