package launch

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// threadNS is the calling thread's mount namespace file.
const threadNS = "/proc/thread-self/ns/mnt"

// nsInode returns the inode of a namespace file: two files name the same
// namespace exactly when their inodes are equal.
func nsInode(path string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, fmt.Errorf("cannot inspect %s: %w", path, err)
	}
	return st.Ino, nil
}

// nsID returns the namespace id (NS_GET_ID) of a namespace file, or 0 when
// the kernel predates the ioctl (there ids play no part in the loop check
// that the ordering workaround is about).
func nsID(path string) (uint64, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer unix.Close(fd)
	id, err := unix.IoctlGetUint64(fd, unix.NS_GET_ID)
	if errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EINVAL) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("cannot get the id of %s: %w", path, err)
	}
	return id, nil
}

// reorders counts the namespaces that came out of order and had to be
// made again, for tests and benchmarks to report.
var reorders atomic.Int64

// maxOrderRounds bounds the sweeps over the allowed CPUs. One sweep is
// enough in theory (the CPU that allocated the reference id is in the
// set); more allow for batches refilled meanwhile by other launches.
const maxOrderRounds = 8

// unshareOrdered moves the calling (locked) thread into a new mount
// namespace whose id is greater than ref, working around the 6.18.y
// per-CPU id batches (see the package documentation). It must run before
// anything is mounted in the new namespace, since it may replace it.
func unshareOrdered(ref uint64) error {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("cannot unshare the mount namespace: %w", err)
	}
	ordered := func() (bool, error) {
		id, err := nsID(threadNS)
		return ref == 0 || id == 0 || id > ref, err
	}
	if ok, err := ordered(); ok || err != nil {
		return err
	}
	reorders.Add(1)
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		return fmt.Errorf("cannot read the CPU affinity: %w", err)
	}
	defer unix.SchedSetaffinity(0, &allowed)
	for range maxOrderRounds {
		for cpu := 0; cpu < len(allowed)*64; cpu++ {
			if !allowed.IsSet(cpu) {
				continue
			}
			var one unix.CPUSet
			one.Set(cpu)
			if err := unix.SchedSetaffinity(0, &one); err != nil {
				continue
			}
			if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
				return fmt.Errorf("cannot unshare the mount namespace: %w", err)
			}
			if ok, err := ordered(); ok || err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("cannot create a mount namespace newer than %d: ids out of order on every CPU", ref)
}

// capturer is a goroutine locked to a thread that stays in the original
// mount namespace: the counterpart of snap-confine's capture helper. The
// launching thread hands it the calls that must happen there.
type capturer struct {
	reqs chan func() error
	errs chan error
	id   uint64 // the id of its namespace, the reference for ordering
}

// startCapturer starts the capturer and checks that its thread is in the
// namespace with inode want (the launcher's, before it unshares).
func startCapturer(want uint64) (*capturer, error) {
	c := &capturer{reqs: make(chan func() error), errs: make(chan error)}
	go func() {
		runtime.LockOSThread()
		// This thread never changes namespace, so it may go back to the
		// pool when the capturer stops.
		defer runtime.UnlockOSThread()
		ino, err := nsInode(threadNS)
		if err == nil && ino != want {
			err = errors.New("cannot start the capture helper: its thread is not in the original mount namespace")
		}
		if err == nil {
			c.id, err = nsID(threadNS)
		}
		c.errs <- err
		if err != nil {
			return
		}
		for f := range c.reqs {
			c.errs <- f()
		}
	}()
	if err := <-c.errs; err != nil {
		return nil, err
	}
	return c, nil
}

// do runs f on the capturer's thread.
func (c *capturer) do(f func() error) error {
	c.reqs <- f
	return <-c.errs
}

func (c *capturer) stop() { close(c.reqs) }

// capture bind-mounts the namespace of thread tid of this process onto
// dst, creating dst (mode 0600, never through a symlink). It runs in the
// original namespace, where dst must appear.
func capture(c *capturer, tid int, dst string) error {
	return c.do(func() error {
		fd, err := unix.Open(dst, unix.O_CREAT|unix.O_EXCL|unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return fmt.Errorf("cannot create %s: %w", dst, err)
		}
		unix.Close(fd)
		src := fmt.Sprintf("/proc/%d/task/%d/ns/mnt", os.Getpid(), tid)
		if err := unix.Mount(src, dst, "", unix.MS_BIND, ""); err != nil {
			os.Remove(dst)
			return fmt.Errorf("cannot preserve mount namespace at %s: %w", dst, err)
		}
		return nil
	})
}

// join enters the namespace preserved at path. It reports false, with no
// error, when there is none or the file is not a namespace (a stale
// leftover the caller discards).
func join(path string) (bool, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if errors.Is(err, unix.ENOENT) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot open preserved namespace %s: %w", path, err)
	}
	defer unix.Close(fd)
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil {
		return false, fmt.Errorf("cannot inspect preserved namespace %s: %w", path, err)
	}
	if fs.Type != unix.NSFS_MAGIC {
		return false, nil
	}
	// setns(CLONE_NEWNS) refuses a thread that shares its root and working
	// directory with others, as every thread of a Go process does.
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return false, fmt.Errorf("cannot unshare the file system context: %w", err)
	}
	if err := unix.Setns(fd, unix.CLONE_NEWNS); err != nil {
		return false, fmt.Errorf("cannot join preserved namespace %s: %w", path, err)
	}
	return true, nil
}
