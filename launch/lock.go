package launch

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// lock is an exclusive flock(2) on a per-snap file. It serializes creating,
// joining and discarding one snap's namespace across processes.
type lock struct{ fd int }

// takeLock opens (creating with mode 0600, never through a symlink) and
// locks path, waiting for other holders.
func takeLock(path string) (*lock, error) {
	return lockFile(path, unix.LOCK_EX)
}

// tryLock is takeLock without waiting: it returns nil, nil when another
// process holds the lock.
func tryLock(path string) (*lock, error) {
	l, err := lockFile(path, unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return nil, nil
	}
	return l, err
}

func lockFile(path string, how int) (*lock, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open lock file %s: %w", path, err)
	}
	l := &lock{fd: fd}
	if err := l.flock(how); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	return l, nil
}

// lockTimeout bounds the wait for a lock, as snap-confine's "sanity
// timeout" does: a launch stuck behind a hung one (a wedged mount, a
// stopped process holding the lock) fails, saying so, instead of hanging
// every later start of the snap. It is generous: the holder's work is a
// few milliseconds, a large NVIDIA expansion some seconds.
var lockTimeout = 30 * time.Second

// flock changes the lock's mode (unix.LOCK_SH, unix.LOCK_EX, with
// unix.LOCK_NB not to wait), retrying when a signal interrupts the call.
// A waiting call polls without blocking, backing off from 1 to 50 ms, so
// that an uncontended lock costs one system call and a contended one
// gives up after lockTimeout with errLockTimeout.
func (l *lock) flock(how int) error {
	if how&unix.LOCK_NB != 0 {
		return flockRetry(l.fd, how)
	}
	deadline := time.Now().Add(lockTimeout)
	pause := time.Millisecond
	for {
		err := flockRetry(l.fd, how|unix.LOCK_NB)
		if err != unix.EWOULDBLOCK {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w (held by another launch or discard for %v)", errLockTimeout, lockTimeout)
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// errLockTimeout is flock's error when another process held the lock for
// all of lockTimeout.
var errLockTimeout = errors.New("timed out waiting for the lock")

func flockRetry(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if err != unix.EINTR {
			return err
		}
	}
}

// release unlocks; closing the only descriptor drops the flock.
func (l *lock) release() {
	if l != nil && l.fd >= 0 {
		unix.Close(l.fd)
		l.fd = -1
	}
}
