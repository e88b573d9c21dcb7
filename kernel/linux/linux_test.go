package linux_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/nstest"
	"confine/kernel/linux"
)

var sys linux.Linux

func TestErrorRendering(t *testing.T) {
	tests := []struct {
		err  *linux.Error
		want string
	}{
		{&linux.Error{Op: "mount", Source: "/a", Target: "/b", Flags: "MS_BIND|MS_REC", Err: unix.ENOENT},
			"mount src=/a, dst=/b, flags=MS_BIND|MS_REC: no such file or directory"},
		{&linux.Error{Op: "rmdir", Target: "/x", Err: unix.ENOTEMPTY},
			"rmdir dst=/x: directory not empty"},
		{&linux.Error{Op: "openat2", Root: "/tmp/s", Target: "media", Flags: "RESOLVE_IN_ROOT", Err: unix.ENOENT},
			"openat2 root=/tmp/s, dst=media, flags=RESOLVE_IN_ROOT: no such file or directory"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(tt.err, tt.err.Err) {
			t.Errorf("errors.Is(%v, %v) = false, want true", tt.err, tt.err.Err)
		}
	}
}

func TestMkdirKeepsSpecialBits(t *testing.T) {
	old := unix.Umask(0o077)
	defer unix.Umask(old)
	dir := t.TempDir()
	tests := []struct {
		mode uint32
		want fs.FileMode
	}{
		{0o755, 0o755},
		{0o1777, fs.ModeSticky | 0o777},
		{0o700, 0o700},
		{0o2750, fs.ModeSetgid | 0o750},
	}
	for i, tt := range tests {
		path := filepath.Join(dir, strings.Repeat("d", i+1))
		if err := sys.Mkdir(path, tt.mode); err != nil {
			t.Fatalf("Mkdir(%q, %o): %v", path, tt.mode, err)
		}
		st, err := sys.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode; got != fs.ModeDir|tt.want {
			t.Errorf("Mkdir(%o): got mode %v, want %v", tt.mode, got, fs.ModeDir|tt.want)
		}
	}
	if err := sys.Mkdir(filepath.Join(dir, "d"), 0o755); !errors.Is(err, unix.EEXIST) {
		t.Errorf("Mkdir of an existing directory: got %v, want EEXIST", err)
	}
}

func TestFileCalls(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	if err := sys.Symlink("/etc", link); err != nil {
		t.Fatal(err)
	}
	if got, err := sys.Readlink(link); err != nil || got != "/etc" {
		t.Errorf("Readlink = %q, %v, want /etc, nil", got, err)
	}
	st, err := sys.Lstat(link)
	if err != nil || !st.IsSymlink() {
		t.Errorf("Lstat(link) = %+v, %v, want a symlink", st, err)
	}
	// lchown changes the link, not /etc (giving a file away needs root).
	if os.Geteuid() == 0 {
		if err := sys.Chown(link, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if st, _ := sys.Lstat(link); st.UID != 65534 || st.GID != 65534 {
			t.Errorf("Chown(link): got owner %d:%d, want 65534:65534", st.UID, st.GID)
		}
		if st, _ := sys.Lstat("/etc"); st.UID == 65534 {
			t.Errorf("Chown(link) followed the link to /etc")
		}
	}
	if err := sys.Chdir(filepath.Join(dir, "missing")); !errors.Is(err, unix.ENOENT) {
		t.Errorf("Chdir(missing) = %v, want ENOENT", err)
	}
	if err := sys.Rmdir(filepath.Join(dir, "missing")); !errors.Is(err, unix.ENOENT) {
		t.Errorf("Rmdir(missing) = %v, want ENOENT", err)
	}
	tmp, err := sys.Mkdtemp(filepath.Join(dir, "snap.rootfs_XXXXXX"))
	if err != nil {
		t.Fatal(err)
	}
	if base := filepath.Base(tmp); len(base) != len("snap.rootfs_XXXXXX") || strings.HasSuffix(base, "XXXXXX") {
		t.Errorf("Mkdtemp gave %q, want six random characters in place of XXXXXX", base)
	}
	if st, err := sys.Lstat(tmp); err != nil || st.Mode != fs.ModeDir|0o700 {
		t.Errorf("Mkdtemp directory: got %v, %v, want drwx------", st.Mode, err)
	}
	if _, err := sys.Mkdtemp(filepath.Join(dir, "bad")); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Mkdtemp without XXXXXX: got %v, want EINVAL", err)
	}
	if data, err := sys.MountInfo(); err != nil || !strings.Contains(string(data), " / ") {
		t.Errorf("MountInfo: got %d bytes, %v, want a table with a root mount", len(data), err)
	}
}

func TestResolveStaysInRoot(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"etc", "var/lib"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc", filepath.Join(root, "media")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../../../../etc", filepath.Join(root, "var/lib/snapd")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self/root/etc", filepath.Join(root, "magic")); err != nil {
		t.Fatal(err)
	}
	want, err := os.Stat(filepath.Join(root, "etc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"media", "/media", "var/lib/snapd", "/../etc"} {
		path, release, err := sys.Resolve(root, name)
		if err != nil {
			t.Errorf("Resolve(root, %q): %v", name, err)
			continue
		}
		got, err := os.Stat(path)
		release()
		if err != nil || !os.SameFile(got, want) {
			t.Errorf("Resolve(root, %q) = %s, want the root's own etc", name, path)
		}
	}
	// Inside root, /proc/self/root/etc names root/proc/…, which is missing.
	if _, _, err := sys.Resolve(root, "magic"); !errors.Is(err, unix.ENOENT) {
		t.Errorf("Resolve(root, magic): got %v, want ENOENT", err)
	}
	if _, _, err := sys.Resolve("", "/proc/self/root/etc"); !errors.Is(err, unix.ELOOP) {
		t.Errorf("Resolve through a magic link: got %v, want ELOOP", err)
	}
	if _, _, err := sys.Resolve(root, "missing/x"); !errors.Is(err, unix.ENOENT) {
		t.Errorf("Resolve(missing): got %v, want ENOENT", err)
	}
	// A root that Resolve returned is used as the descriptor it names.
	held, releaseRoot, err := sys.Resolve("", root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"media", "/var/lib/snapd", "/../etc"} {
		path, release, err := sys.Resolve(held, name)
		if err != nil {
			t.Errorf("Resolve(%s, %q): %v", held, name, err)
			continue
		}
		got, err := os.Stat(path)
		release()
		release() // a second release must not close a reused descriptor
		if err != nil || !os.SameFile(got, want) {
			t.Errorf("Resolve(%s, %q) = %s, want the root's own etc", held, name, path)
		}
	}
	releaseRoot()
	if _, _, err := sys.Resolve(held, "etc"); !errors.Is(err, unix.EBADF) {
		t.Errorf("Resolve(a released root, etc): got %v, want EBADF", err)
	}
	// Without a root the lookup is the caller's own.
	path, release, err := sys.Resolve("", "/etc")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	got, _ := os.Stat(path)
	host, _ := os.Stat("/etc")
	if !os.SameFile(got, host) {
		t.Errorf("Resolve(\"\", /etc) = %s, want the host's /etc", path)
	}
}

func TestMountThroughResolvedPath(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	dir := t.TempDir()
	if err := sys.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatal(err)
	}
	defer sys.Unmount(dir, unix.MNT_DETACH)
	src := filepath.Join(dir, "src")
	dst := filepath.Join(dir, "root/dst")
	os.MkdirAll(src, 0o755)
	os.MkdirAll(dst, 0o755)
	os.WriteFile(filepath.Join(src, "marker"), []byte("x"), 0o644)
	path, release, err := sys.Resolve(filepath.Join(dir, "root"), "/dst")
	if err != nil {
		t.Fatal(err)
	}
	err = sys.Mount(src, path, "", unix.MS_BIND, "")
	release()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "marker")); err != nil {
		t.Errorf("after a bind through %s: %v, want the marker visible at %s", path, err, dst)
	}
	err = sys.Mount("/nonexistent", dst, "", unix.MS_BIND|unix.MS_REC, "")
	var e *linux.Error
	if !errors.As(err, &e) || !errors.Is(err, unix.ENOENT) {
		t.Fatalf("bind of a missing source: got %v, want *linux.Error wrapping ENOENT", err)
	}
	if want := "mount src=/nonexistent, dst=" + dst + ", flags=MS_BIND|MS_REC: no such file or directory"; err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
	if err := sys.Unmount(dst, 0); err != nil {
		t.Errorf("Unmount: %v", err)
	}
	if err := sys.Unmount(dst, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Unmount of a non-mount point: got %v, want EINVAL", err)
	}
}

// TestCallsBelowResolvedDescriptor checks the calls that take a path below
// a descriptor Resolve returned (/proc/self/fd/N/NAME), which run as *at
// calls on the descriptor, against the same calls on plain paths.
func TestCallsBelowResolvedDescriptor(t *testing.T) {
	dir := t.TempDir()
	held, release, err := sys.Resolve("", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := sys.Mkdir(held+"/d", 0o1777); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(filepath.Join(dir, "d")); err != nil || st.Mode() != fs.ModeDir|fs.ModeSticky|0o777 {
		t.Errorf("Mkdir(%s/d, 01777): got %v, %v, want a directory with mode dtrwxrwxrwx", held, st.Mode(), err)
	}
	if err := sys.Symlink("/etc", held+"/d/link"); err != nil {
		t.Fatal(err)
	}
	if got, err := os.Readlink(filepath.Join(dir, "d/link")); err != nil || got != "/etc" {
		t.Errorf("Symlink below %s: got %q, %v, want /etc", held, got, err)
	}
	if got, err := sys.Readlink(held + "/d/link"); err != nil || got != "/etc" {
		t.Errorf("Readlink below %s: got %q, %v, want /etc", held, got, err)
	}
	if st, err := sys.Lstat(held + "/d/link"); err != nil || !st.IsSymlink() {
		t.Errorf("Lstat below %s: got %v, %v, want the link itself", held, st.Mode, err)
	}
	// mkdir over the link fails and does not follow it.
	if err := sys.Mkdir(held+"/d/link", 0o755); !errors.Is(err, unix.EEXIST) {
		t.Errorf("Mkdir over a symlink: got %v, want EEXIST", err)
	}
	if err := sys.Rmdir(held + "/d"); !errors.Is(err, unix.ENOTEMPTY) {
		t.Errorf("Rmdir of a full directory: got %v, want ENOTEMPTY", err)
	}
	os.Remove(filepath.Join(dir, "d/link"))
	if err := sys.Rmdir(held + "/d"); err != nil {
		t.Errorf("Rmdir(%s/d): %v", held, err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "d")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Rmdir: %v, want the directory gone", err)
	}
	// A doubled slash is not an absolute name for the *at call: the path
	// stays below the descriptor, as the kernel's own lookup keeps it.
	if err := sys.Mkdir(held+"//e", 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "e")); err != nil {
		t.Errorf("Mkdir(%s//e): %v, want %s/e", held, err, dir)
	}
	if err := sys.Mkdir("/proc/self/fd/x/e", 0o700); !errors.Is(err, unix.ENOENT) {
		t.Errorf("Mkdir below a bad descriptor name: got %v, want ENOENT from the plain path", err)
	}
}
