// Package kernel is the boundary between confine and the kernel's mount
// system calls: one narrow interface, Syscalls, at the level of mount(2),
// umount2(2), pivot_root(2) and a few file calls, with two sides.
//
//   - kernel/linux implements it over golang.org/x/sys/unix, for real
//     launches and for the conformance tests that run as root.
//   - kernel/fake implements it over an in-memory file tree
//     (github.com/spf13/afero) and a model of the kernel's mount table and
//     shared-subtree propagation, for unprivileged simulation and tests.
//
// Both sides report failures as unix.Errno values (possibly wrapped), so
// errors.Is(err, unix.EINVAL) means the same thing on either side. The
// executor that turns a plan.Program into calls lives above this package and
// never needs to know which side it talks to.
package kernel

import (
	"io/fs"
)

// Syscalls is the set of system calls an executor needs. Paths are resolved
// as the kernel resolves them for the calling process (following symlinks
// except where a flag says otherwise), unless they come from Resolve.
type Syscalls interface {
	// Mount is mount(2). Flags are MS_* values; data is the option string.
	Mount(source, target, fstype string, flags uintptr, data string) error
	// Unmount is umount2(2) with MNT_*/UMOUNT_* flags.
	Unmount(target string, flags int) error
	// PivotRoot is pivot_root(2).
	PivotRoot(newRoot, putOld string) error
	// Mkdir is mkdir(2); mode holds chmod(1) bits (sticky included).
	Mkdir(path string, mode uint32) error
	// Rmdir is rmdir(2).
	Rmdir(path string) error
	// Symlink is symlink(2): it creates linkpath holding the text target.
	Symlink(target, linkpath string) error
	// Lstat is lstat(2).
	Lstat(path string) (Stat, error)
	// Readlink is readlink(2).
	Readlink(path string) (string, error)
	// Chdir is chdir(2).
	Chdir(path string) error
	// Chown is lchown(2) (it never follows a final symlink).
	Chown(path string, uid, gid int) error
	// Mkdtemp is mkdtemp(3) with a template ending in XXXXXX.
	Mkdtemp(template string) (string, error)
	// Resolve looks name up the way openat2(2) with RESOLVE_IN_ROOT does
	// when root is not empty: symlinks and ".." are resolved as if root
	// were "/", so the lookup can never leave root. With an empty root it
	// resolves normally. It returns a path that names exactly the file found
	// for later calls (on Linux /proc/self/fd/N of an O_PATH descriptor, in
	// the fake the resolved path with no symlinks left) and a function that
	// releases it. A missing file is ENOENT.
	Resolve(root, name string) (path string, release func(), err error)
	// MountInfo returns the calling process's /proc/self/mountinfo text.
	MountInfo() ([]byte, error)
}

// Stat is the part of struct stat that confine looks at.
type Stat struct {
	Mode fs.FileMode // type and permission bits, as os.FileMode has them
	UID  int
	GID  int
	Dev  uint64
	Ino  uint64
}

// IsDir reports whether the file is a directory.
func (s Stat) IsDir() bool { return s.Mode.IsDir() }

// IsSymlink reports whether the file is a symbolic link.
func (s Stat) IsSymlink() bool { return s.Mode&fs.ModeSymlink != 0 }
