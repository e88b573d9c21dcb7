package linux

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"confine/kernel"
)

// Linux is kernel.Syscalls for the calling thread of the running kernel.
// It has no state; the zero value is ready to use.
type Linux struct{}

var _ kernel.Syscalls = Linux{}

// Mount is mount(2). An empty data string reaches the kernel as NULL.
func (Linux) Mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		return mountError(source, target, fstype, flags, data, err)
	}
	return nil
}

// Unmount is umount2(2).
func (Linux) Unmount(target string, flags int) error {
	if err := unix.Unmount(target, flags); err != nil {
		return &Error{Op: "umount2", Target: target, Flags: kernel.UnmountFlagString(flags), Err: err}
	}
	return nil
}

// PivotRoot is pivot_root(2).
func (Linux) PivotRoot(newRoot, putOld string) error {
	if err := unix.PivotRoot(newRoot, putOld); err != nil {
		return &Error{Op: "pivot_root", Source: putOld, Target: newRoot, Err: err}
	}
	return nil
}

// Mkdir creates a directory with exactly mode's chmod(1) bits. mkdir(2)
// masks the mode with the umask and may drop the sticky bit, so the
// directory is created and then chmod-ed without following a symlink
// swapped in between: fchmodat2(2) with AT_SYMLINK_NOFOLLOW (Linux 6.6),
// one lookup, which refuses a symlink with EOPNOTSUPP; where that call is
// missing (the same EOPNOTSUPP from x/sys, or ENOSYS or EPERM from a
// seccomp filter that does not know it), through a descriptor opened with
// O_NOFOLLOW, which fails on a symlink with ELOOP.
func (Linux) Mkdir(path string, mode uint32) error {
	dirfd, name := atPath(path)
	if err := unix.Mkdirat(dirfd, name, mode&0o777); err != nil {
		return pathError("mkdir", path, err)
	}
	err := unix.Fchmodat(dirfd, name, mode&0o7777, unix.AT_SYMLINK_NOFOLLOW)
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EOPNOTSUPP) && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EPERM) {
		return pathError("fchmodat2", path, err)
	}
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return pathError("open", path, err)
	}
	defer unix.Close(fd)
	if err := unix.Fchmod(fd, mode&0o7777); err != nil {
		return pathError("fchmod", path, err)
	}
	return nil
}

// Rmdir is rmdir(2).
func (Linux) Rmdir(path string) error {
	dirfd, name := atPath(path)
	if err := unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR); err != nil {
		return pathError("rmdir", path, err)
	}
	return nil
}

// Symlink is symlink(2).
func (Linux) Symlink(target, linkpath string) error {
	dirfd, name := atPath(linkpath)
	if err := unix.Symlinkat(target, dirfd, name); err != nil {
		return &Error{Op: "symlink", Source: target, Target: linkpath, Err: err}
	}
	return nil
}

// Lstat is lstat(2).
func (Linux) Lstat(path string) (kernel.Stat, error) {
	var st unix.Stat_t
	dirfd, name := atPath(path)
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return kernel.Stat{}, pathError("lstat", path, err)
	}
	return statFromUnix(&st), nil
}

// statFromUnix converts struct stat to kernel.Stat, with the mode in
// io/fs's encoding (type bits and setuid/setgid/sticky as fs.Mode* flags).
func statFromUnix(st *unix.Stat_t) kernel.Stat {
	mode := fs.FileMode(st.Mode & 0o777)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	}
	if st.Mode&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if st.Mode&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if st.Mode&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return kernel.Stat{Mode: mode, UID: int(st.Uid), GID: int(st.Gid), Dev: uint64(st.Dev), Ino: st.Ino}
}

// Readlink is readlink(2), growing its buffer until the text fits.
func (Linux) Readlink(path string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		dirfd, name := atPath(path)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", pathError("readlink", path, err)
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// Chdir is chdir(2).
func (Linux) Chdir(path string) error {
	if err := unix.Chdir(path); err != nil {
		return pathError("chdir", path, err)
	}
	return nil
}

// Chown is lchown(2).
func (Linux) Chown(path string, uid, gid int) error {
	dirfd, name := atPath(path)
	if err := unix.Fchownat(dirfd, name, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &Error{Op: "lchown", Target: path, Data: fmt.Sprintf("%d:%d", uid, gid), Err: err}
	}
	return nil
}

// Mkdtemp is mkdtemp(3): it replaces the template's trailing XXXXXX with
// random letters and digits and creates that directory with mode 0700,
// trying new names while they exist.
func (Linux) Mkdtemp(template string) (string, error) {
	prefix, ok := strings.CutSuffix(template, "XXXXXX")
	if !ok {
		return "", pathError("mkdtemp", template, unix.EINVAL)
	}
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for range 100 {
		// getrandom(2) itself: crypto/rand would set up the vDSO's
		// state first (an mmap), for six bytes once per launch, and
		// linking it runs its package inits on every start. crypto/rand
		// reads getrandom(2) too, so there is nothing to fall back to.
		var b [6]byte
		if _, err := unix.Getrandom(b[:], 0); err != nil {
			return "", pathError("mkdtemp", template, err)
		}
		for i := range b {
			b[i] = letters[int(b[i])%len(letters)]
		}
		name := prefix + string(b[:])
		err := unix.Mkdir(name, 0o700)
		if err == nil {
			return name, nil
		}
		if !errors.Is(err, unix.EEXIST) {
			return "", pathError("mkdtemp", template, err)
		}
	}
	return "", pathError("mkdtemp", template, unix.EEXIST)
}

// MountInfo reads /proc/thread-self/mountinfo: the table of the calling
// thread's namespace, which after unshare on a locked thread differs from
// the rest of the process's.
func (Linux) MountInfo() ([]byte, error) {
	data, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		var errno unix.Errno
		if errors.As(err, &errno) {
			return nil, pathError("read", "/proc/thread-self/mountinfo", errno)
		}
		return nil, err
	}
	return data, nil
}
