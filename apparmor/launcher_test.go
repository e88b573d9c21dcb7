package apparmor

import (
	"testing"

	"golang.org/x/sys/unix"

	"confine/launch"
)

// Flag sets of the common mount requests, for tables.
const (
	bind    = unix.MS_BIND
	bindRec = unix.MS_BIND | unix.MS_REC
	private = unix.MS_PRIVATE
)

// TestStateDirIsTheLaunchers keeps the policy's state directory in step
// with the launcher's; they are separate constants so that this package
// does not depend on the privileged code.
func TestStateDirIsTheLaunchers(t *testing.T) {
	if StateDir != launch.DefaultStateDir {
		t.Errorf("apparmor.StateDir = %q, want launch.DefaultStateDir %q", StateDir, launch.DefaultStateDir)
	}
}

// TestLauncherRulesAllow checks the calls the launcher makes around the
// program (launch package) against its own rules.
func TestLauncherRulesAllow(t *testing.T) {
	m, err := NewMatcher(launcherRules())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []Request{
		{Class: File, Target: "/run/confine/", Perms: "w"},
		{Class: File, Target: "/run/confine/lock/hello.lock", Perms: "rwk"},
		{Class: File, Target: "/run/confine/ns/hello.mnt", Perms: "w"},
		{Class: File, Target: "/run/confine/ns/hello.info", Perms: "rw"},
		{Class: File, Target: "/proc/4242/task/4250/mountinfo", Perms: "r"},
		{Class: File, Target: "/tmp/snap.rootfs_Ab12Cd/", Perms: "w"},
		{Class: File, Target: "/etc/passwd", Perms: "r"},
		{Class: File, Target: "/etc/os-release", Perms: "r"},
		{Class: File, Target: "/", Perms: "r"},
		{Class: File, Target: "/snap", Perms: "r"},
		{Class: File, Target: "/snap/core/current", Perms: "r"},
		{Class: File, Target: "/var/lib/snapd/snap/core22/current/", Perms: "r"},
		{Class: File, Target: "/usr/lib/x86_64-linux-gnu/", Perms: "r"},
		{Class: File, Target: "/usr/lib/x86_64-linux-gnu/libcuda.so.1", Perms: "r"},
		{Class: File, Target: "/etc/ld.so.conf.d/", Perms: "r"},
		{Class: File, Target: "/etc/ld.so.conf.d/x86_64-linux-gnu.conf", Perms: "r"},
		{Class: File, Target: "/sys/module/nvidia/version", Perms: "r"},
		{Class: Mount, Flags: bindRec, Source: "/run/confine/ns/", Target: "/run/confine/ns/"},
		{Class: Mount, Flags: private, Target: "/run/confine/ns/"},
		{Class: Mount, Flags: bind, Source: "/proc/4242/task/4250/ns/mnt", Target: "/run/confine/ns/hello.mnt"},
		{Class: Umount, Target: "/run/confine/ns/hello.mnt"},
		{Class: Umount, Target: "/run/confine/ns/"},
		{Class: Capability, Target: "sys_admin"},
	} {
		if !m.Allows(q) {
			t.Errorf("launcher rules deny %s", q)
		}
	}
	for _, q := range []Request{
		{Class: File, Target: "/run/other/x", Perms: "w"},
		{Class: File, Target: "/tmp/snap.rootfs_Ab12Cd/etc/shadow", Perms: "w"},
		{Class: File, Target: "/etc/shadow", Perms: "r"},
		{Class: File, Target: "/snap/core/current/bin/sh", Perms: "w"},
		{Class: Mount, Flags: bind, Source: "/proc/4242/task/4250/ns/mnt", Target: "/run/confine/hello.mnt"},
		{Class: Mount, Flags: bind, Source: "/etc/", Target: "/run/confine/ns/hello.mnt"},
		{Class: Capability, Target: "sys_ptrace"},
	} {
		if m.Allows(q) {
			t.Errorf("launcher rules allow %s, want it denied", q)
		}
	}
}
