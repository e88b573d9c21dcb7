package fake

import (
	"strings"
	"testing"
)

// TestPivotRoot runs snap-confine's ending: a self-bound new root with a
// private mount at put_old, pivot_root, then the old root detached.
// Every process whose root was the old one follows (chroot_fs_refs()).
func TestPivotRoot(t *testing.T) {
	host := New().Init()
	run(t, host, "mkdir /new", "tmpfs newroot /new", "mkdir /new/old", "mkdir /new/etc", "make-private /")
	sibling := host.Fork()
	run(t, host, "pivot /new /new/old")
	if got := normalized(host, false, true); strings.Join(got, "|") != "/old - root" {
		t.Errorf("after pivot_root: %q, want the old root at /old", got)
	}
	if st, err := sibling.Lstat("/etc"); err != nil || !st.IsDir() {
		t.Errorf("a process sharing the old root does not see the new one: %v", err)
	}
	run(t, host, "chdir /", "umount-lazy /old")
	info, _ := host.MountInfo()
	lines := strings.Split(strings.TrimSpace(string(info)), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], " / / rw,relatime - tmpfs newroot rw") {
		t.Errorf("after detaching the old root:\n%s", info)
	}
}

// TestPivotRootDotDot is pivot_root(".", "."): the old root is stacked on
// the new one and a lazy unmount of "." takes it away.
func TestPivotRootDotDot(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /new", "tmpfs newroot /new", "mkdir /new/etc", "chdir /new", "pivot . .")
	var at []string
	for _, e := range p.Entries() {
		at = append(at, e.Point+" "+e.Source)
	}
	if got := strings.Join(at, "|"); got != "/ root|/ newroot" {
		t.Errorf("after pivot_root(., .): %q, want the old root stacked on the new one at /", got)
	}
	run(t, p, "umount-lazy .", "chdir /")
	if _, err := p.Lstat("/etc"); err != nil {
		t.Errorf("the new root is not / after umount -l .: %v", err)
	}
	if err := p.k.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestExpire: MNT_EXPIRE unmounts on the second call only if nothing used
// the mount in between.
func TestExpire(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /a", "tmpfs a /a", "mkdir /a/d")
	if err := p.Unmount("/a", 4); err == nil {
		t.Fatal("first MNT_EXPIRE succeeded")
	}
	p.Lstat("/a/d") // uses the mount: the mark goes
	if err := p.Unmount("/a", 4); err == nil {
		t.Fatal("MNT_EXPIRE after a use succeeded")
	}
	if err := p.Unmount("/a", 4); err != nil {
		t.Fatalf("second MNT_EXPIRE in a row: %v", err)
	}
}
