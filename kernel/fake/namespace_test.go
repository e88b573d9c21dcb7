package fake

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestUnshareCopyRules(t *testing.T) {
	for _, test := range []struct {
		name                 string
		keepUnbindable       bool
		wantHost, wantClient []string
	}{
		{
			name:       "6.18",
			wantHost:   []string{"/sh shared:42", "/sl master:42", "/pr -", "/un unbindable"},
			wantClient: []string{"/sh shared:42", "/sl master:42", "/pr -", "/un -"},
		},
		{
			name:           "documented",
			keepUnbindable: true,
			wantHost:       []string{"/sh shared:42", "/sl master:42", "/pr -", "/un unbindable"},
			wantClient:     []string{"/sh shared:42", "/sl master:42", "/pr -", "/un unbindable"},
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			k := New()
			k.CloneKeepsUnbindable = test.keepUnbindable
			host := k.Init()
			run(t, host, "mkdir /sh", "mkdir /sl", "mkdir /pr", "mkdir /un", "tmpfs sh /sh", "make-shared /sh",
				"bind /sh /sl", "make-slave /sl", "tmpfs pr /pr", "tmpfs un /un", "make-unbindable /un")
			snap, err := host.Unshare()
			if err != nil {
				t.Fatal(err)
			}
			if err := k.Check(); err != nil {
				t.Fatal(err)
			}
			if d := diffLines(normalized(host, false, false), test.wantHost); d != "" {
				t.Errorf("host: %s", d)
			}
			if d := diffLines(normalized(snap, false, false), test.wantClient); d != "" {
				t.Errorf("snap: %s", d)
			}
			// The copy has its own mount IDs.
			h, s := host.Entries(), snap.Entries()
			for i := range h {
				if h[i].ID == s[i].ID {
					t.Errorf("mount %s has ID %d in both namespaces", h[i].Point, h[i].ID)
				}
			}
		})
	}
}

// TestUnshareEventsCross checks that a shared mount carries events both
// ways between namespaces, and that a slave never sends back.
func TestUnshareEventsCross(t *testing.T) {
	host := New().Init()
	run(t, host, "mkdir /media", "tmpfs media /media", "make-shared /media", "mkdir /media/usb",
		"mkdir /run", "tmpfs run /run", "make-shared /run", "mkdir /run/x")
	snap, err := host.Unshare()
	if err != nil {
		t.Fatal(err)
	}
	run(t, snap, "make-rslave /run")
	run(t, host, "tmpfs usb /media/usb")
	run(t, snap, "tmpfs snaprun /run/x")
	if got := normalized(snap, false, true); !contains2(got, "/media/usb shared:44 usb") {
		t.Errorf("snap did not receive the host's /media/usb:\n%s", strings.Join(got, "\n"))
	}
	if got := normalized(host, false, true); contains2(got, "/run/x - snaprun") || len(got) != 3 {
		t.Errorf("host received the snap's /run/x or lost a mount:\n%s", strings.Join(got, "\n"))
	}
	run(t, snap, "tmpfs back /media/usb")
	if got := normalized(host, false, true); !contains2(got, "/media/usb shared:45 back") {
		t.Errorf("host did not receive the snap's mount on /media/usb:\n%s", strings.Join(got, "\n"))
	}
}

func contains2(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func TestBindNamespace(t *testing.T) {
	k := New()
	host := k.Init()
	run(t, host, "mkdir /run", "tmpfs run /run", "touch /run/snap.mnt", "touch /run/own.mnt", "mkdir /run/dir")
	snap, err := host.Unshare()
	if err != nil {
		t.Fatal(err)
	}
	if err := snap.BindNamespace(host, "/run/own.mnt"); !errors.Is(err, unix.EINVAL) {
		t.Errorf("binding an older namespace: got %v, want EINVAL", err)
	}
	if err := host.BindNamespace(host, "/run/own.mnt"); !errors.Is(err, unix.EINVAL) {
		t.Errorf("binding one's own namespace: got %v, want EINVAL", err)
	}
	if err := host.BindNamespace(snap, "/run/dir"); !errors.Is(err, unix.ENOTDIR) {
		t.Errorf("binding onto a directory: got %v, want ENOTDIR", err)
	}
	remove := k.InjectFault(func(call string) bool { return strings.HasPrefix(call, "mnt_ns_loop(") }, unix.EINVAL)
	if err := host.BindNamespace(snap, "/run/snap.mnt"); !errors.Is(err, unix.EINVAL) {
		t.Errorf("with the 6.18.y misordering injected: got %v, want EINVAL", err)
	}
	remove()
	if err := host.BindNamespace(snap, "/run/snap.mnt"); err != nil {
		t.Fatalf("binding a newer namespace: %v", err)
	}
	if err := k.Check(); err != nil {
		t.Fatal(err)
	}
	info, _ := host.MountInfo()
	if !strings.Contains(string(info), " mnt:[4026531842] /run/snap.mnt rw - nsfs nsfs rw\n") {
		t.Errorf("mountinfo has no nsfs line for the bound namespace:\n%s", info)
	}
	// A third process joins the preserved namespace through the file.
	other := host.Fork()
	if err := other.SetnsFile("/run/snap.mnt"); err != nil {
		t.Fatal(err)
	}
	if other.Namespace() != snap.Namespace() {
		t.Errorf("SetnsFile joined namespace %d, want %d", other.Namespace().Seq(), snap.Namespace().Seq())
	}
	if err := other.SetnsFile("/"); !errors.Is(err, unix.EINVAL) {
		t.Errorf("SetnsFile on a directory: got %v, want EINVAL", err)
	}
	// Namespace files are not copied into a new namespace.
	third, err := host.Unshare()
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := third.MountInfo(); strings.Contains(string(info), "nsfs") {
		t.Errorf("unshare copied a namespace file:\n%s", info)
	}
	if err := host.Setns(third); err != nil || host.Namespace() != third.Namespace() {
		t.Errorf("Setns: %v, namespace %d, want %d", err, host.Namespace().Seq(), third.Namespace().Seq())
	}
}

// TestPropagateFrom reproduces a capture from 6.18: a process chrooted in
// /r sees /r/s as a slave of group 2 (out of sight) that receives from
// group 1 (/r/a, in sight):
//
//	89 88 0:43 / /a rw,relatime shared:1 - tmpfs X rw
//	91 88 0:43 / /s rw,relatime master:2 propagate_from:1 - tmpfs X rw
func TestPropagateFrom(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /r", "mkdir /r/a", "mkdir /m", "mkdir /r/s", "tmpfs X /r/a", "make-shared /r/a",
		"bind /r/a /m", "make-slave /m", "make-shared /m", "bind /m /r/s", "make-slave /r/s")
	c := p.Fork()
	if err := c.Chroot("/r"); err != nil {
		t.Fatal(err)
	}
	want := []string{"/a shared:42", "/s master:43 propagate_from:42"}
	if d := diffLines(normalized(c, false, false), want); d != "" {
		t.Error(d)
	}
	if got := normalized(p, false, false); strings.Contains(strings.Join(got, "\n"), "propagate_from") {
		t.Errorf("propagate_from shown where the master is in sight:\n%s", strings.Join(got, "\n"))
	}
}
