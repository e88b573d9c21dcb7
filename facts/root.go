package facts

import (
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"
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
	p = path.Clean("/" + p)
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
	p = path.Clean("/" + p)
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

// stat is stat(2) of the host path p. Under a root other than "/", the
// path is resolved inside the root first and then not followed again: a
// symlink left after resolution (a loop) would otherwise be followed out
// of the root by the kernel.
func (r hostRoot) stat(p string) (fs.FileInfo, error) {
	if r == "/" {
		return os.Stat(path.Clean("/" + p))
	}
	fi, err := os.Lstat(r.path(p))
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: syscall.ELOOP}
	}
	return fi, err
}

// readFile reads at most limit bytes of the host file p, resolved as
// stat resolves it.
func (r hostRoot) readFile(p string, limit int64) ([]byte, error) {
	if _, err := r.stat(p); err != nil {
		return nil, err
	}
	f, err := os.Open(r.path(p))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
