package apparmor

import (
	"testing"

	"golang.org/x/sys/unix"

	"confine/plan"
)

// checkAllowed fails for every call that executing p makes (with the
// given placeholder values) that pol does not allow.
func checkAllowed(t *testing.T, pol *Policy, p *plan.Program, values map[string]string) {
	t.Helper()
	m, err := NewMatcher(pol.Rules)
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := Requests(p, values)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) < len(p.Ops) {
		t.Fatalf("Requests made %d requests for %d ops, want at least one per op", len(reqs), len(p.Ops))
	}
	for _, r := range reqs {
		if !m.Allows(r.Request) {
			t.Errorf("%s: %s: policy denies %s", r.Op.Where(), r.Op, r.Request)
		}
	}
}

var smallValues = map[string]string{plan.Scratch: "/tmp/snap.rootfs_q8Zk2A"}

func TestPolicyAllowsEveryOp(t *testing.T) {
	p := loadProgram(t, "small.json")
	pol, err := NewPolicy(smallConfig, p)
	if err != nil {
		t.Fatal(err)
	}
	checkAllowed(t, pol, p, smallValues)
}

// TestMatcherDenies checks that the matcher is strict where the kernel
// is: exact flags, the right class, the right paths.
func TestMatcherDenies(t *testing.T) {
	pol, err := NewPolicy(smallConfig, loadProgram(t, "small.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMatcher(pol.Rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct {
		req  Request
		want bool
	}{
		{Request{Class: Mount, Flags: unix.MS_BIND | unix.MS_REC, Source: "/media/", Target: "/tmp/snap.rootfs_q8Zk2A/media/"}, true},
		// bind instead of rbind: flags must match exactly.
		{Request{Class: Mount, Flags: unix.MS_BIND, Source: "/media/", Target: "/tmp/snap.rootfs_q8Zk2A/media/"}, false},
		// rbind of something else onto the same target.
		{Request{Class: Mount, Flags: unix.MS_BIND | unix.MS_REC, Source: "/etc/", Target: "/tmp/snap.rootfs_q8Zk2A/media/"}, false},
		// the scratch glob does not cross a slash.
		{Request{Class: Mount, Flags: unix.MS_BIND | unix.MS_REC, Source: "/media/", Target: "/tmp/snap.rootfs_a/b/media/"}, false},
		// the directory form is not the file form.
		{Request{Class: Mount, Flags: unix.MS_BIND | unix.MS_REC, Source: "/media", Target: "/tmp/snap.rootfs_q8Zk2A/media"}, false},
		{Request{Class: Mount, Flags: unix.MS_SHARED | unix.MS_REC, Target: "/"}, true},
		{Request{Class: Mount, Flags: unix.MS_SHARED | unix.MS_REC, Target: "/home/"}, false},
		{Request{Class: Mount, Flags: unix.MS_REMOUNT | unix.MS_BIND | unix.MS_RDONLY, Source: "none", Target: "/tmp/snap.rootfs_x/var/lib/snapd/lib/gl/"}, true},
		{Request{Class: Mount, Flags: unix.MS_REMOUNT | unix.MS_BIND, Source: "none", Target: "/tmp/snap.rootfs_x/var/lib/snapd/lib/gl/"}, false},
		{Request{Class: Mount, FSType: "tmpfs", Flags: 0, Source: "none", Target: "/tmp/snap.rootfs_x/"}, true},
		{Request{Class: Mount, FSType: "ext4", Flags: 0, Source: "none", Target: "/tmp/snap.rootfs_x/"}, false},
		{Request{Class: Umount, Target: "/var/lib/snapd/hostfs/sys/"}, true},
		{Request{Class: Umount, Target: "/var/lib/snapd/hostfs/"}, false},
		{Request{Class: PivotRoot, Source: "/tmp/snap.rootfs_x/var/lib/snapd/hostfs/", Target: "/tmp/snap.rootfs_x/"}, true},
		{Request{Class: PivotRoot, Source: "/tmp/snap.rootfs_x/", Target: "/tmp/snap.rootfs_x/"}, false},
		{Request{Class: File, Target: "/tmp/snap.rootfs_x/media/", Perms: "w"}, true},
		{Request{Class: File, Target: "/tmp/snap.rootfs_x/home/", Perms: "w"}, false},
		{Request{Class: File, Target: "/run/confine/lock/hello.lock", Perms: "rwk"}, true},
		{Request{Class: Mount, Flags: unix.MS_BIND, Source: "/proc/4242/ns/mnt", Target: "/run/confine/ns/hello.mnt"}, true},
		{Request{Class: Mount, Flags: unix.MS_BIND, Source: "/proc/4242/ns/mnt", Target: "/run/confine/hello.mnt"}, false},
		{Request{Class: Capability, Target: "sys_admin"}, true},
		{Request{Class: Capability, Target: "sys_module"}, false},
	} {
		if got := m.Allows(test.req); got != test.want {
			t.Errorf("Allows(%s) = %v, want %v", test.req, got, test.want)
		}
	}
}

func TestMatcherRejectsUnknownRules(t *testing.T) {
	for _, r := range []Rule{
		{Class: Mount, Options: []string{"rw", "bogus"}, Target: "/x/"},
		{Class: File, Target: "@{HOME}/x", Perms: "r"},
		{Class: File, Target: "/x{", Perms: "r"},
	} {
		if _, err := NewMatcher([]Rule{r}); err == nil {
			t.Errorf("NewMatcher(%s) succeeded, want an error", r)
		}
	}
}
