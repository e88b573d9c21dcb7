package facts

import (
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"
)

// hostRoot maps the host's absolute paths to paths under the root that
// Gather reads. For "/" that is the identity: the live host's paths mean
// what the kernel makes of them. For any other root (--facts-root, a
// fixture tree), symlinks are resolved inside the root, as the kernel
// would if root were /, so that an absolute link such as
// /snap/core/current -> /snap/core/123 stays in the posed host instead of
// escaping to this machine's files.
type hostRoot string

// lpath maps p with every directory on the way resolved inside the root
// but the final element kept as is, for lstat(2) and readlink(2).
func (r hostRoot) lpath(p string) string {
	p = absClean(p)
	if r == "/" {
		return p
	}
	if p == "/" {
		return string(r)
	}
	dir, base := path.Split(p)
	return filepath.Join(r.path(dir), base)
}

// path maps p with every symlink, the final element's included, resolved
// inside the root, for stat(2), open(2) and reading directories.
func (r hostRoot) path(p string) string {
	p = absClean(p)
	if r == "/" {
		return p
	}
	resolved, err := securejoin.SecureJoin(string(r), filepath.FromSlash(p))
	if err != nil {
		// Only a symlink loop gets here; let the caller's stat fail
		// on the unresolved path as it would on a live host.
		return filepath.Join(string(r), filepath.FromSlash(p))
	}
	return resolved
}

// stat is stat(2) of the host path p into st. Under a root other than
// "/", the path is resolved inside the root first and then not followed
// again: a symlink left after resolution (a loop) would otherwise be
// followed out of the root by the kernel, so it is ELOOP.
func (r hostRoot) stat(p string, st *unix.Stat_t) error {
	if r == "/" {
		return ignoringEINTR(func() error { return unix.Stat(absClean(p), st) })
	}
	err := ignoringEINTR(func() error { return unix.Lstat(r.path(p), st) })
	if err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return unix.ELOOP
	}
	return err
}

// exists reports whether stat(2) of the host path p succeeds.
func (r hostRoot) exists(p string) bool {
	var st unix.Stat_t
	return r.stat(p, &st) == nil
}

// isDir reports whether the host path p is a directory, symlinks followed.
func (r hostRoot) isDir(p string) bool {
	var st unix.Stat_t
	return r.stat(p, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
}

// existsIn is exists, answered for a top-level path from the entries of
// the root directory where it can be: an entry that is not a symlink
// exists, a name that is not listed does not. Symlinks and deeper paths
// are stat'ed.
func (r hostRoot) existsIn(rootEntries []Entry, p string) bool {
	p = absClean(p)
	if name := p[1:]; name != "" && !strings.Contains(name, "/") {
		e, ok := findEntry(rootEntries, name)
		if !ok {
			return false
		}
		if e.Type != "symlink" {
			return true
		}
	}
	return r.exists(p)
}

// readFile reads at most limit bytes of the host file p, resolved as
// stat resolves it (a symlink left under another root is ELOOP). It opens
// the file with open(2) and reads it with read(2): an os.File would set up
// the runtime's poller and query and reset the file's flags first.
func (r hostRoot) readFile(p string, limit int) ([]byte, error) {
	name, flags := absClean(p), unix.O_RDONLY|unix.O_CLOEXEC
	if r != "/" {
		name, flags = r.path(p), flags|unix.O_NOFOLLOW
	}
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Open(name, flags, 0)
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer unix.Close(fd)
	data := make([]byte, 0, 1024)
	for len(data) < limit {
		if len(data) == cap(data) {
			data = slices.Grow(data, min(len(data), limit-len(data)))
		}
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = unix.Read(fd, data[len(data):min(cap(data), limit)])
			return err
		})
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			break
		}
		data = data[:len(data)+n]
	}
	return data, nil
}

// absClean is path.Clean("/" + p) without building a new string when p
// is already absolute and clean, as every path Gather asks about is.
func absClean(p string) string {
	if p != "" && p[0] == '/' {
		return path.Clean(p)
	}
	return path.Clean("/" + p)
}

// ignoringEINTR retries call while it fails with EINTR, as the os package
// does for the same system calls.
func ignoringEINTR(call func() error) error {
	for {
		if err := call(); err != unix.EINTR {
			return err
		}
	}
}
