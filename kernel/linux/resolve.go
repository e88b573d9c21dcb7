package linux

import (
	"errors"
	"strconv"

	"golang.org/x/sys/unix"
)

// maxEAGAIN bounds the retries of openat2, which fails with EAGAIN when a
// rename or mount raced with the lookup (RESOLVE_IN_ROOT cannot then vouch
// for the result). Many retries in a row mean someone is racing on purpose.
const maxEAGAIN = 128

// Resolve opens name as an O_PATH descriptor and returns /proc/self/fd/N
// for it. With a root, the lookup is openat2(RESOLVE_IN_ROOT) from that
// directory: absolute symlinks and ".." inside the tree stay inside it, as
// if root were "/". Magic links (/proc/PID/fd/…, /proc/PID/root) are
// refused in either case, since they jump anywhere. A final symlink is
// followed (inside root), as mount(2) would follow it.
//
// The returned path only names the file while release has not been called,
// and only for this process; mount(2) and friends resolve it through
// procfs, so /proc must be mounted in the caller's root.
func (Linux) Resolve(root, name string) (string, func(), error) {
	dirfd := unix.AT_FDCWD
	how := unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_NO_MAGICLINKS,
	}
	if root != "" {
		fd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return "", nil, pathError("open", root, err)
		}
		defer unix.Close(fd)
		dirfd = fd
		how.Resolve |= unix.RESOLVE_IN_ROOT
	}
	var fd int
	var err error
	for range maxEAGAIN {
		fd, err = unix.Openat2(dirfd, name, &how)
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		e := &Error{Op: "openat2", Target: name, Err: err}
		if root != "" {
			e.Root = root
			e.Flags = "RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS"
		}
		return "", nil, e
	}
	released := false
	release := func() {
		if !released {
			released = true
			unix.Close(fd)
		}
	}
	return "/proc/self/fd/" + strconv.Itoa(fd), release, nil
}
