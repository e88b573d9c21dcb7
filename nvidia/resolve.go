package nvidia

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// join places an absolute host path under root.
func join(root, p string) string {
	return filepath.Join(root, filepath.FromSlash(p))
}

// maxLinks bounds symlink hops in resolveIn, like the kernel's 40.
const maxLinks = 40

// resolveIn resolves the host path p as if root were "/": symlinks,
// absolute ones included, are followed inside root, and ".." never climbs
// above it. It returns the path on this machine. A fixture root (a test's
// temporary directory, or --facts-root) holds absolute links such as
// /usr/lib64 -> /usr/lib that must not escape to the real host.
func resolveIn(root, p string) (string, error) {
	var done string // resolved host path so far, no symlinks in it
	rest := strings.Split(strings.TrimPrefix(path.Clean("/"+p), "/"), "/")
	links := 0
	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			done = path.Dir(done)
			if done == "." || done == "/" {
				done = ""
			}
			continue
		}
		next := done + "/" + name
		fi, err := os.Lstat(join(root, next))
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = next
			continue
		}
		if links++; links > maxLinks {
			return "", &fs.PathError{Op: "resolve", Path: p, Err: syscall.ELOOP}
		}
		target, err := os.Readlink(join(root, next))
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) {
			done = ""
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return join(root, "/"+done), nil
}

// kindIn reports what the host path p is under root, following symlinks
// inside root: fs.ModeDir for a directory, 0 for a regular file, and
// ok=false when it does not exist (or cannot be resolved).
func kindIn(root, p string) (mode fs.FileMode, ok bool) {
	real, err := resolveIn(root, p)
	if err != nil {
		return 0, false
	}
	fi, err := os.Lstat(real)
	if err != nil {
		return 0, false
	}
	return fi.Mode().Type(), true
}

// isDirIn reports whether p is a directory under root.
func isDirIn(root, p string) bool {
	mode, ok := kindIn(root, p)
	return ok && mode.IsDir()
}

// existsIn reports whether p exists under root (access(2) F_OK).
func existsIn(root, p string) bool {
	_, ok := kindIn(root, p)
	return ok
}

// realDir reports whether p is a directory that is not itself a symlink
// (Arch's /usr/lib64 is a symlink to lib; Fedora's is a real directory).
func realDir(root, p string) bool {
	parent, err := resolveIn(root, path.Dir(p))
	if err != nil {
		return false
	}
	fi, err := os.Lstat(filepath.Join(parent, path.Base(p)))
	return err == nil && fi.IsDir()
}

// readDirIn lists the directory p under root, sorted by name, and returns
// where it really is; a missing directory lists as empty.
func readDirIn(root, p string) (string, []fs.DirEntry, error) {
	real, err := resolveIn(root, p)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	des, err := os.ReadDir(real)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return "", nil, nil
	}
	return real, des, err
}
