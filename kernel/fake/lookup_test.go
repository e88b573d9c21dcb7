package fake

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"golang.org/x/sys/unix"
)

// A merged-/usr style tree: /lib -> usr/lib, /bin -> /usr/bin, a tmpfs at
// /usr/lib/mnt, a loop, and a chain of links.
func lookupTree(t *testing.T) *Proc {
	p := New().Init()
	run(t, p, "mkdir /usr", "mkdir /usr/lib", "mkdir /usr/bin", "touch /usr/bin/sh", "ln usr/lib /lib",
		"ln /usr/bin /bin", "mkdir /usr/lib/mnt", "tmpfs m /usr/lib/mnt", "mkdir /usr/lib/mnt/d",
		"ln ../../../bin /usr/lib/mnt/up", "ln loop /loop", "mkdir /root", "mkdir /root/etc",
		"ln /etc /root/abs", "ln ../../.. /root/etc/dots")
	return p
}

func TestResolve(t *testing.T) {
	p := lookupTree(t)
	for _, test := range []struct {
		root, name, want string
		err              unix.Errno
	}{
		{"", "/lib", "/usr/lib", 0},
		{"", "/lib/mnt/d", "/usr/lib/mnt/d", 0},
		{"", "/bin/sh", "/usr/bin/sh", 0},
		{"", "/lib/mnt/up/sh", "/usr/bin/sh", 0}, // ".." out of a mount, then an absolute link
		{"", "/lib/mnt/..", "/usr/lib", 0},
		{"", "/../../lib", "/usr/lib", 0},
		{"", "lib/", "/usr/lib", 0},
		{"", "/bin/sh/", "", unix.ENOTDIR},
		{"", "/loop", "", unix.ELOOP},
		{"", "/nope", "", unix.ENOENT},
		// RESOLVE_IN_ROOT: "/" and ".." stop at root, absolute links restart there.
		{"/root", "abs", "/root/etc", 0},
		{"/root", "/etc", "/root/etc", 0},
		{"/root", "etc/dots", "/root", 0},
		{"/root", "../../usr", "", unix.ENOENT},
		{"/lib", "mnt/up", "", unix.ENOENT}, // ../../../bin stops at /usr/lib, then no bin there
	} {
		got, release, err := p.Resolve(test.root, test.name)
		if test.err != 0 {
			if !errors.Is(err, test.err) {
				t.Errorf("Resolve(%q, %q) = %q, %v, want %v", test.root, test.name, got, err, test.err)
			}
			continue
		}
		if err != nil || got != test.want {
			t.Errorf("Resolve(%q, %q) = %q, %v, want %q", test.root, test.name, got, err, test.want)
			continue
		}
		release()
	}
}

func TestSymlinkLimit(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /d", "ln /d /l0")
	for i := 1; i <= maxSymlinks; i++ {
		run(t, p, fmt.Sprintf("ln /l%d /l%d", i-1, i))
	}
	// /l39 needs 40 links: fine; /l40 needs 41: ELOOP.
	if _, _, err := p.Resolve("", fmt.Sprintf("/l%d", maxSymlinks-1)); err != nil {
		t.Errorf("a chain of %d links: %v", maxSymlinks, err)
	}
	if _, _, err := p.Resolve("", fmt.Sprintf("/l%d", maxSymlinks)); !errors.Is(err, unix.ELOOP) {
		t.Errorf("a chain of %d links: %v, want ELOOP", maxSymlinks+1, err)
	}
}

func TestLstatReadlinkChown(t *testing.T) {
	p := lookupTree(t)
	st, err := p.Lstat("/lib")
	if err != nil || !st.IsSymlink() {
		t.Fatalf("Lstat(/lib) = %v, %v, want a symlink", st, err)
	}
	if got, err := p.Readlink("/lib"); err != nil || got != "usr/lib" {
		t.Errorf("Readlink(/lib) = %q, %v, want usr/lib", got, err)
	}
	st, err = p.Lstat("/lib/mnt")
	if err != nil || !st.IsDir() {
		t.Fatalf("Lstat(/lib/mnt) = %v, %v, want the tmpfs root", st, err)
	}
	under, _ := p.Lstat("/usr/lib")
	if st.Dev == under.Dev {
		t.Errorf("the tmpfs at /usr/lib/mnt has the same device as /usr/lib: %d", st.Dev)
	}
	if want := fs.ModeDir | fs.ModeSticky | 0o777; st.Mode != want {
		t.Errorf("tmpfs root mode = %v, want drwxrwxrwt", st.Mode)
	}
	if err := p.Chown("/lib", 7, 8); err != nil {
		t.Fatal(err)
	}
	if st, _ := p.Lstat("/lib"); st.UID != 7 || st.GID != 8 {
		t.Errorf("after Chown(/lib, 7, 8): uid %d gid %d", st.UID, st.GID)
	}
	if st, _ := p.Lstat("/usr/lib"); st.UID != 0 {
		t.Errorf("Chown followed the link: /usr/lib uid %d", st.UID)
	}
}

// TestMountThroughSymlinks: mount(2) follows a final symlink; umount2 with
// UMOUNT_NOFOLLOW does not (and the link is no mount point: EINVAL).
func TestMountThroughSymlinks(t *testing.T) {
	p := lookupTree(t)
	run(t, p, "mkdir /usr/lib/x", "ln /usr/lib/x /lx", "tmpfs t /lx")
	if err := p.Unmount("/lx", unix.UMOUNT_NOFOLLOW); !errors.Is(err, unix.EINVAL) {
		t.Errorf("umount2(/lx, UMOUNT_NOFOLLOW) = %v, want EINVAL", err)
	}
	if err := p.Unmount("/lx", 0); err != nil {
		t.Errorf("umount2(/lx) = %v", err)
	}
}

func TestMkdtempDeterministic(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /tmp", "mkdir /tmp/snap.rootfs_000001")
	got, err := p.Mkdtemp("/tmp/snap.rootfs_XXXXXX")
	if err != nil || got != "/tmp/snap.rootfs_000002" {
		t.Errorf("Mkdtemp = %q, %v, want /tmp/snap.rootfs_000002 (000001 exists)", got, err)
	}
	if st, err := p.Lstat(got); err != nil || st.Mode.Perm() != 0o700 {
		t.Errorf("Lstat(%s) = %v, %v, want mode 0700", got, st, err)
	}
}

func TestFailNth(t *testing.T) {
	p := New().Init()
	p.k.FailNth("mount(", 2, unix.EPERM)
	run(t, p, "mkdir /a", "mkdir /b", "tmpfs a /a")
	if err := step(p, "tmpfs b /b"); !errors.Is(err, unix.EPERM) {
		t.Errorf("second mount: %v, want EPERM", err)
	}
	run(t, p, "tmpfs b /b")
	if n := len(p.Entries()); n != 3 {
		t.Errorf("%d mounts, want 3 (/, /a, /b)", n)
	}
}

// TestChdirAndDotDot: "." and relative paths resolve from the working
// directory; a mount over the working directory is not entered until the
// next lookup crosses it (pivot_root(".", ".") relies on this).
func TestChdirAndDotDot(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /a", "mkdir /a/b", "chdir /a", "tmpfs t /a", "mkdir b/c")
	if _, err := p.Lstat("/a/b"); !errors.Is(err, unix.ENOENT) {
		t.Errorf("/a/b through the tmpfs on /a: %v, want ENOENT", err)
	}
	if _, err := p.Lstat("b/c"); err != nil {
		t.Errorf("b/c relative to the old /a: %v", err)
	}
}

func TestUmask(t *testing.T) {
	p := New().Init()
	if err := p.Mkdir("/a", 0o1777); err != nil {
		t.Fatal(err)
	}
	old := p.Umask(0)
	if err := p.Mkdir("/b", 0o777); err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct {
		name string
		want fs.FileMode
	}{
		{"/a", fs.ModeDir | fs.ModeSticky | 0o755},
		{"/b", fs.ModeDir | 0o777},
	} {
		if st, _ := p.Lstat(test.name); st.Mode != test.want {
			t.Errorf("Lstat(%s).Mode = %v, want %v", test.name, st.Mode, test.want)
		}
	}
	if old != 0o022 {
		t.Errorf("default umask = %#o, want 022", old)
	}
}
