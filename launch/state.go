package launch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"

	"confine/plan"
)

// ensureDir makes dir (mode 0755, root-owned) unless it exists, and checks
// that what is there is a root-owned directory, not a symlink. It looks
// first: on every launch but the first the directory is there, and one
// lstat(2) is all it costs.
func ensureDir(dir string) error {
	var st unix.Stat_t
	err := unix.Lstat(dir, &st)
	if errors.Is(err, unix.ENOENT) {
		if err := unix.Mkdir(dir, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("cannot create %s: %w", dir, err)
		}
		err = unix.Lstat(dir, &st)
	}
	if err != nil {
		return fmt.Errorf("cannot inspect %s: %w", dir, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("cannot use %s: not a directory", dir)
	}
	if st.Uid != 0 || st.Mode&0o022 != 0 {
		return fmt.Errorf("cannot use %s: not owned by root or writable by others", dir)
	}
	return nil
}

// ensureState creates the namespace directory (enter made the state and
// lock directories before it could lock) and makes it a private mount point, as snap-confine does for /run/snapd/ns:
// preserved namespaces must neither propagate to other namespaces (where
// they would pin them) nor receive mounts.
//
// It runs on every launch, so it does not read the mount table (a host
// with many mounts makes that the costliest step of a warm launch):
// statx(2) tells whether the directory is a mount point, and making it
// private again is one cheap, idempotent mount(2). Only a kernel without
// STATX_ATTR_MOUNT_ROOT (before 5.8) falls back to mountinfo.
func ensureState(p paths) error {
	if err := ensureDir(p.nsDir); err != nil {
		return err
	}
	mounted, err := isMountPoint(p.nsDir)
	if err != nil {
		return err
	}
	if !mounted {
		if err := unix.Mount(p.nsDir, p.nsDir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("cannot self-bind %s: %w", p.nsDir, err)
		}
		// Remember that the mount point is confine's, so that discarding
		// the last namespace may take it down again (releaseNsDir).
		if err := os.WriteFile(selfBindMarker(p), nil, 0o600); err != nil {
			return fmt.Errorf("cannot record the self-bind of %s: %w", p.nsDir, err)
		}
	}
	if err := unix.Mount("none", p.nsDir, "", unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("cannot make %s private: %w", p.nsDir, err)
	}
	return nil
}

// isMountPoint reports whether dir is the root of a mount in the calling
// thread's namespace.
func isMountPoint(dir string) (bool, error) {
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, dir, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_TYPE, &stx); err != nil {
		return false, fmt.Errorf("cannot inspect %s: %w", dir, err)
	}
	if stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 {
		return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0, nil
	}
	entry, err := mountAt(dir)
	return entry != nil, err
}

// mountAt returns the topmost mount at dir in the calling thread's table.
func mountAt(dir string) (*mountinfo.Info, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("cannot read the mount table: %w", err)
	}
	infos, err := mountinfo.GetMountsFromReader(bytes.NewReader(data), mountinfo.SingleEntryFilter(real))
	if err != nil {
		return nil, fmt.Errorf("cannot parse the mount table: %w", err)
	}
	if len(infos) == 0 {
		return nil, nil
	}
	return infos[len(infos)-1], nil
}

// programHash identifies a program for the stale check by what the
// namespace is built from: every op in mount(8) syntax with its optional
// mark. Facts and profile lines are left out on purpose: a fact that
// changes no op (for instance the hostfs directory the first launch
// created) or a profile edit that only moves lines builds the same
// namespace, and must not force a rebuild on the next launch.
func programHash(prog *plan.Program) string {
	h := sha256.New()
	var line []byte
	for _, op := range prog.Ops {
		// op.String(), NUL, "true" or "false", newline: the bytes this
		// hash has always been taken over, so that namespaces preserved
		// by an older confine stay fresh.
		line = append(line[:0], op.String()...)
		line = append(line, 0)
		line = strconv.AppendBool(line, op.Optional)
		line = append(line, '\n')
		h.Write(line)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func infoText(prog *plan.Program) string {
	return "program-sha256=" + programHash(prog) + "\nprofile=" + prog.Profile + "\n"
}

// writeInfo records what the preserved namespace was built from, through a
// temporary file and rename so that a reader never sees half of it.
// It uses the system calls directly: os.File would register each file
// with the runtime's poller first, a system call that always fails for a
// regular file.
func writeInfo(p paths, prog *plan.Program) error {
	tmp := p.info + ".tmp"
	unix.Unlink(tmp)
	fd, err := unix.Open(tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", p.info, err)
	}
	err = writeAll(fd, []byte(infoText(prog)))
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err == nil {
		err = unix.Rename(tmp, p.info)
	}
	if err != nil {
		unix.Unlink(tmp)
		return fmt.Errorf("cannot write %s: %w", p.info, err)
	}
	return nil
}

func writeAll(fd int, data []byte) error {
	for len(data) > 0 {
		n, err := unix.Write(fd, data)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// fresh reports whether the recorded info matches prog. It reads at most
// one byte more than the expected text, which is all it takes to tell.
func fresh(p paths, prog *plan.Program) bool {
	fd, err := unix.Open(p.info, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	want := infoText(prog)
	buf := make([]byte, len(want)+1)
	n := 0
	for n < len(buf) {
		m, err := unix.Read(fd, buf[n:])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false
		}
		if m == 0 {
			break
		}
		n += m
	}
	return string(buf[:n]) == want
}

// discardFiles detaches a preserved namespace and removes its files. It
// must run in the original namespace, where the bind mount lives.
func discardFiles(p paths) error {
	err := unix.Unmount(p.mnt, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW)
	if err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("cannot discard the namespace at %s: %w", p.mnt, err)
	}
	for _, f := range []string{p.info, p.mnt} {
		// unlink(2) alone: os.Remove would try rmdir(2) too whenever
		// the file is missing, as it is on every cold launch.
		err := unix.Unlink(f)
		if errors.Is(err, unix.EISDIR) {
			err = unix.Rmdir(f)
		}
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("cannot discard the namespace: %w", &os.PathError{Op: "remove", Path: f, Err: err})
		}
	}
	return nil
}
