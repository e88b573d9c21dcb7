package launch

import (
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// threadNS is the calling thread's mount namespace file.
const threadNS = "/proc/thread-self/ns/mnt"

// nsID returns the namespace id (NS_GET_ID) of an open namespace file,
// or 0 when the kernel predates the ioctl (there ids play no part in the
// loop check that the ordering workaround is about).
func nsID(fd int, path string) (uint64, error) {
	id, err := unix.IoctlGetUint64(fd, unix.NS_GET_ID)
	if errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EINVAL) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("cannot get the id of %s: %w", path, err)
	}
	return id, nil
}

// openNS opens the calling thread's mount namespace file.
func openNS() (int, error) {
	fd, err := unix.Open(threadNS, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("cannot open %s: %w", threadNS, err)
	}
	return fd, nil
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
// per-CPU id batches (see the package documentation), and returns a
// descriptor of the new namespace, which the caller closes. It must run
// before anything is mounted in the new namespace, since it may replace
// it.
func unshareOrdered(ref uint64) (int, error) {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return -1, fmt.Errorf("cannot unshare the mount namespace: %w", err)
	}
	// ordered opens the new namespace and reports whether its id is
	// greater than ref; it keeps the descriptor only when it is.
	fd := -1
	ordered := func() (bool, error) {
		var err error
		if fd, err = openNS(); err != nil {
			return false, err
		}
		id, err := nsID(fd, threadNS)
		if err == nil && (ref == 0 || id == 0 || id > ref) {
			return true, nil
		}
		unix.Close(fd)
		fd = -1
		return false, err
	}
	if ok, err := ordered(); ok || err != nil {
		return fd, err
	}
	reorders.Add(1)
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		return -1, fmt.Errorf("cannot read the CPU affinity: %w", err)
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
				return -1, fmt.Errorf("cannot unshare the mount namespace: %w", err)
			}
			if ok, err := ordered(); ok || err != nil {
				return fd, err
			}
		}
	}
	return -1, fmt.Errorf("cannot create a mount namespace newer than %d: ids out of order on every CPU", ref)
}

// origin is the mount namespace a launch started in, held open so that
// the launching thread can step back into it for the calls that must
// happen there: snap-confine's capture helper, without a helper. A second
// thread (or process) would cost a thread start and a hand-over per call,
// which setns(2) does not; setns needs a thread whose file system context
// is its own, which unshare(CLONE_NEWNS) has already given it.
type origin struct {
	fd int    // the namespace file, opened before the unshare
	id uint64 // its id, the reference for ordering
}

// openOrigin opens the calling thread's namespace as the origin.
func openOrigin() (*origin, error) {
	fd, err := openNS()
	if err != nil {
		return nil, err
	}
	id, err := nsID(fd, threadNS)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &origin{fd: fd, id: id}, nil
}

func (o *origin) close() { unix.Close(o.fd) }

// do runs f in the original namespace and then returns the calling
// thread to the namespace it was in, which fd names. Joining a namespace
// also moves the thread's root and working directory to the namespace's
// root; the launch sets the working directory again before exec, and the
// root is what a later launch that joins the namespace gets too. If the
// way back fails, do says so: the caller must not go on in the original
// namespace.
func (o *origin) do(fd int, f func() error) error {
	if err := unix.Setns(o.fd, unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("cannot return to the original mount namespace: %w", err)
	}
	err := f()
	if serr := unix.Setns(fd, unix.CLONE_NEWNS); serr != nil {
		return fmt.Errorf("cannot return to the new mount namespace: %w", serr)
	}
	return err
}

// capture bind-mounts the namespace that fd names onto dst, creating dst
// (mode 0600, never through a symlink), from the original namespace,
// where dst must appear. The kernel allows the bind only from a namespace
// older than the captured one (mnt_ns_loop), hence the ordering.
func capture(o *origin, fd int, dst string) error {
	return o.do(fd, func() error {
		f, err := unix.Open(dst, unix.O_CREAT|unix.O_EXCL|unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return fmt.Errorf("cannot create %s: %w", dst, err)
		}
		unix.Close(f)
		if err := unix.Mount("/proc/self/fd/"+strconv.Itoa(fd), dst, "", unix.MS_BIND, ""); err != nil {
			unix.Unlink(dst)
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
