package launch

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// lock is an exclusive flock(2) on a per-snap file. It serializes creating,
// joining and discarding one snap's namespace across processes.
type lock struct{ fd int }

// takeLock opens (creating with mode 0600, never through a symlink) and
// locks path, waiting for other holders.
func takeLock(path string) (*lock, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open lock file %s: %w", path, err)
	}
	for {
		err = unix.Flock(fd, unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	return &lock{fd: fd}, nil
}

// release unlocks; closing the only descriptor drops the flock.
func (l *lock) release() {
	if l != nil && l.fd >= 0 {
		unix.Close(l.fd)
		l.fd = -1
	}
}
