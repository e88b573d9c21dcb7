package launch_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"confine/internal/nstest"
	"confine/plan"
)

// TestLaunchHostileBase launches into a base rootfs whose mount points
// are symlinks out of it (media -> /etc, var/lib/snapd -> /root, as an
// attacker who controls the base would make them). The bind meant for
// /media must land on the base's own etc, never on the host's.
func TestLaunchHostileBase(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	e := newEnv(t)
	base := e.area + "/base"
	for _, d := range []string{"usr", "proc", "etc", "tmp", "hostfs", "var/lib"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"bin": "usr/bin", "lib": "usr/lib", "lib64": "usr/lib64",
		"media": "/etc", "var/lib/snapd": "/root"} {
		if err := os.Symlink(target, filepath.Join(base, link)); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(e.area, "mnt/usb"), []byte("usb\n"), 0o644)
	ops := []plan.Op{
		{Kind: plan.Bind, Source: "$SCRATCH", Target: "$SCRATCH"},
		{Kind: plan.MakeUnbindable, Target: "$SCRATCH"},
		{Kind: plan.Bind, Source: base, Target: "$SCRATCH", Recursive: true},
		{Kind: plan.MakeSlave, Target: "$SCRATCH", Recursive: true},
		{Kind: plan.Bind, Source: "/usr", Target: "$SCRATCH/usr", Recursive: true},
		{Kind: plan.Bind, Source: "/proc", Target: "$SCRATCH/proc", Recursive: true},
		{Kind: plan.Bind, Source: e.area + "/mnt", Target: "$SCRATCH/media"},
		{Kind: plan.Bind, Source: "$SCRATCH/hostfs", Target: "$SCRATCH/hostfs"},
		{Kind: plan.MakePrivate, Target: "$SCRATCH/hostfs"},
		{Kind: plan.Pivot, Target: "$SCRATCH", Source: "$SCRATCH/hostfs"},
		{Kind: plan.Umount, Target: "/hostfs$SCRATCH", NoFollow: true},
		{Kind: plan.Rmdir, Target: "/hostfs$SCRATCH"},
		{Kind: plan.MakeSlave, Target: "/hostfs", Recursive: true},
		{Kind: plan.Umount, Target: "/hostfs", Lazy: true, NoFollow: true},
	}
	for i := range ops {
		ops[i] = at(i+1, ops[i])
	}
	prog := &plan.Program{Profile: "hostile", Ops: ops}
	out, err := e.launchCmd(prog, "", "sh", "-c", "cat /etc/usb /media/usb; grep -c . /proc/self/mountinfo").CombinedOutput()
	if err != nil {
		t.Fatalf("launch failed (%v):\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "usb\nusb\n") {
		t.Errorf("inside: got %q, want the bind on the base's own etc, seen through /media", out)
	}
	if _, err := os.Stat("/etc/usb"); err == nil {
		t.Errorf("the bind landed on the host's /etc")
	}
	for _, line := range strings.Split(threadMounts(t), "\n") {
		if f := strings.Fields(line); len(f) > 4 && (f[4] == "/etc" || f[4] == "/root") {
			t.Errorf("a mount landed on the host: %s", line)
		}
	}

	// The put_old under var/lib/snapd -> /root is refused, not followed.
	ops[7].Source, ops[7].Target = "$SCRATCH/var/lib/snapd/hostfs", "$SCRATCH/var/lib/snapd/hostfs"
	out, err = e.launchCmd(prog, "", "true").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "cannot perform operation: mount --bind") ||
		!strings.Contains(string(out), "No such file or directory (test.star:8)") {
		t.Errorf("bind through var/lib/snapd -> /root: got %v:\n%s\nwant a refusal naming test.star:8", err, out)
	}
	if _, err := os.Stat("/root/hostfs"); err == nil {
		t.Errorf("the launch created /root/hostfs on the host")
	}
}
