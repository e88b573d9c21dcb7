package linux

import (
	"errors"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// maxEAGAIN bounds the retries of openat2, which fails with EAGAIN when a
// rename or mount raced with the lookup (RESOLVE_IN_ROOT cannot then vouch
// for the result). Many retries in a row mean someone is racing on purpose.
const maxEAGAIN = 128

// procFD is the prefix of the paths Resolve returns.
const procFD = "/proc/self/fd/"

// Resolve opens name as an O_PATH descriptor and returns /proc/self/fd/N
// for it. With a root, the lookup is openat2(RESOLVE_IN_ROOT) from that
// directory: absolute symlinks and ".." inside the tree stay inside it, as
// if root were "/". Magic links (/proc/PID/fd/…, /proc/PID/root) are
// refused in either case, since they jump anywhere. A final symlink is
// followed (inside root), as mount(2) would follow it.
//
// A root that is itself a path Resolve returned (/proc/self/fd/N, not yet
// released) is used as the descriptor it names, without opening it again:
// opening that magic link would give a descriptor on the very same file,
// so the lookup is the same, and a caller that holds a root for many
// lookups saves an open and a close on each.
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
		how.Resolve |= unix.RESOLVE_IN_ROOT
		if fd, ok := heldFD(root); ok {
			dirfd = fd
		} else {
			fd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			if err != nil {
				return "", nil, pathError("open", root, err)
			}
			defer unix.Close(fd)
			dirfd = fd
		}
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
	return fdPath(fd), closer(fd), nil
}

// heldFD parses a root of the form /proc/self/fd/N.
func heldFD(root string) (int, bool) {
	digits, ok := strings.CutPrefix(root, procFD)
	if !ok {
		return 0, false
	}
	return parseFD(digits)
}

// parseFD parses a descriptor number: decimal digits only, no sign.
func parseFD(digits string) (int, bool) {
	if digits == "" || len(digits) > 9 {
		return 0, false
	}
	fd := 0
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		fd = fd*10 + int(c-'0')
	}
	return fd, true
}

// atPath splits a path below a descriptor that Resolve returned,
// /proc/self/fd/N/REST, into N and REST, for the *at(2) form of a call:
// the kernel's lookup of the whole path jumps to descriptor N and looks up
// REST from there, which is exactly what the *at call does, without
// walking /proc first (a walk through procfs costs more than the call). Any
// other path comes back whole, relative to AT_FDCWD.
func atPath(path string) (int, string) {
	rest, ok := strings.CutPrefix(path, procFD)
	if !ok {
		return unix.AT_FDCWD, path
	}
	digits, name, ok := strings.Cut(rest, "/")
	if !ok || name == "" || name[0] == '/' {
		// An absolute REST would make the *at call ignore the descriptor.
		return unix.AT_FDCWD, path
	}
	fd, ok := parseFD(digits)
	if !ok {
		return unix.AT_FDCWD, path
	}
	return fd, name
}

// closer returns a release function that closes fd once, however often
// it is called: a second close could hit a descriptor reused meanwhile.
func closer(fd int) func() {
	return func() {
		if fd >= 0 {
			unix.Close(fd)
			fd = -1
		}
	}
}

func fdPath(fd int) string { return procFD + strconv.Itoa(fd) }
