package executor_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/executor/executortest"
	"confine/internal/nstest"
	"confine/kernel/linux"
	"confine/plan"
)

// hostArea mounts a tmpfs on /tmp (inside nstest's namespace) and builds a
// base rootfs and a host media directory in it.
func hostArea(t testing.TB) {
	t.Helper()
	if err := unix.Mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777"); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"base/etc", "base/media", "base/tmp", "base/proc", "base/var/lib/snapd/hostfs", "media"} {
		if err := os.MkdirAll(filepath.Join("/tmp/host", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile("/tmp/host/base/etc/marker", []byte("base"), 0o644)
	os.WriteFile("/tmp/host/media/usb", []byte("usb"), 0o644)
}

func op(kind plan.Kind, source, target string, line int) plan.Op {
	return plan.Op{Kind: kind, Source: source, Target: target, Pos: plan.Pos{File: "test.star", Line: line, Col: 1}}
}

func rec(o plan.Op) plan.Op { o.Recursive = true; return o }

// bootstrap is a miniature snap-confine bootstrap over /tmp/host/base.
func bootstrap() *plan.Program {
	mkdir := op(plan.Mkdir, "", "$SCRATCH/mnt", 8)
	mkdir.Mode = 0o755
	umount := op(plan.Umount, "", "/var/lib/snapd/hostfs$SCRATCH", 12)
	umount.NoFollow = true
	optional := op(plan.Bind, "/tmp/host/missing", "$SCRATCH/mnt", 9)
	optional.Optional = true
	return &plan.Program{Profile: "test", Ops: []plan.Op{
		op(plan.Bind, "$SCRATCH", "$SCRATCH", 1),
		op(plan.MakeUnbindable, "", "$SCRATCH", 2),
		rec(op(plan.Bind, "/tmp/host/base", "$SCRATCH", 3)),
		rec(op(plan.MakeSlave, "", "$SCRATCH", 4)),
		rec(op(plan.Bind, "/proc", "$SCRATCH/proc", 5)),
		rec(op(plan.Bind, "/tmp", "$SCRATCH/tmp", 6)),
		rec(op(plan.Bind, "/tmp/host/media", "$SCRATCH/media", 7)),
		mkdir,
		optional,
		op(plan.Bind, "$SCRATCH/var/lib/snapd/hostfs", "$SCRATCH/var/lib/snapd/hostfs", 10),
		op(plan.MakePrivate, "", "$SCRATCH/var/lib/snapd/hostfs", 10),
		op(plan.Pivot, "$SCRATCH/var/lib/snapd/hostfs", "$SCRATCH", 11),
		umount,
		op(plan.Rmdir, "", "$SCRATCH", 13),
		rec(op(plan.MakeSlave, "", "/var/lib/snapd/hostfs", 14)),
	}}
}

func scratchLeft(t *testing.T) []string {
	t.Helper()
	left, err := filepath.Glob("/tmp/snap.rootfs_*")
	if err != nil {
		t.Fatal(err)
	}
	return left
}

func TestExecuteBootstrap(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	hostArea(t)
	var trace bytes.Buffer
	var res *executor.Result
	var table string
	err := executortest.InNamespace(func() error {
		var err error
		res, err = executor.Execute(bootstrap(), linux.Linux{}, executor.Options{Trace: &trace})
		if err != nil {
			return err
		}
		for _, p := range []string{"/etc/marker", "/media/usb", "/mnt", "/var/lib/snapd/hostfs/tmp/host"} {
			if _, err := os.Stat(p); err != nil {
				return err
			}
		}
		data, err := linux.Linux{}.MountInfo()
		table = string(data)
		return err
	})
	if err != nil {
		t.Fatalf("Execute: %v\ntrace:\n%s", err, trace.String())
	}
	if got, want := res.Skipped, []int{8}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("skipped ops: got %v, want %v", got, want)
	}
	if !strings.Contains(table, " /host/base / ") {
		t.Errorf("the new root is not the base; mountinfo:\n%s", table)
	}
	if left := scratchLeft(t); len(left) != 0 {
		t.Errorf("scratch directories left behind: %v", left)
	}
	for _, want := range []string{"performing operation: mount --rbind /tmp/host/base " + res.Scratch + "  # test.star:3",
		"skipped optional operation: mount --bind /tmp/host/missing " + res.Scratch + "/mnt"} {
		if !strings.Contains(trace.String(), want) {
			t.Errorf("trace lacks %q:\n%s", want, trace.String())
		}
	}
}

func TestExecuteFaultEveryCall(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	hostArea(t)
	// Share everything, as systemd does on a real host, so that a mount
	// the snap's namespace leaks by propagation shows in this table.
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_SHARED, ""); err != nil {
		t.Fatal(err)
	}
	before := threadMounts(t)
	prog := sharedBootstrap()
	calls := executortest.FaultEveryCall(t, func(f *executortest.Failing) error {
		f.Syscalls = linux.Linux{}
		return executortest.InNamespace(func() error {
			_, err := executor.Execute(prog, f, executor.Options{})
			return err
		})
	}, func(f *executortest.Failing, opErr *executor.OpError) {
		k := f.K
		// Execute returns the *OpError itself, so its message is the error's.
		if msg := opErr.Error(); !strings.HasPrefix(msg, "cannot perform operation: ") || !strings.HasSuffix(msg, ": Input/output error ("+opErr.Op.Where()+")") {
			t.Errorf("call %d failing: got %q, want snap-confine's message form", k, msg)
		}
		if left := scratchLeft(t); len(left) != 0 {
			t.Errorf("call %d failing (%s): scratch directories left behind: %v", k, opErr.Command, left)
			for _, d := range left {
				os.Remove(d)
			}
		}
		// Op 9 creates /tmp/host/base/mnt; once the run failed it must be gone.
		if _, err := os.Stat("/tmp/host/base/mnt"); err == nil && opErr.Index != len(prog.Ops)-1 {
			t.Errorf("call %d failing (%s): /tmp/host/base/mnt left behind", k, opErr.Command)
			os.Remove("/tmp/host/base/mnt")
		}
		os.Remove("/tmp/host/base/mnt")
		if after := threadMounts(t); after != before {
			t.Fatalf("call %d failing: this namespace's mount table changed:\n%s", k, after)
		}
	})
	t.Logf("failed each of %d calls in turn", calls)
	if after := threadMounts(t); after != before {
		t.Errorf("after a successful run, this namespace's mount table changed:\n%s", after)
	}
}

// threadMounts reads the mount table of the calling thread's namespace.
// /proc/self is the main thread's, which a locked goroutine may have
// taken into another namespace.
func threadMounts(t *testing.T) string {
	t.Helper()
	data, err := linux.Linux{}.MountInfo()
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// hostileBase replaces mount points of the base with symlinks that point
// at the host's /etc and /root.
func hostileBase(t *testing.T) {
	hostArea(t)
	os.Remove("/tmp/host/base/media")
	os.Symlink("/etc", "/tmp/host/base/media")
	os.RemoveAll("/tmp/host/base/var/lib/snapd")
	os.Symlink("/root", "/tmp/host/base/var/lib/snapd")
}

func TestExecuteSymlinkContained(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	hostileBase(t)
	prog := &plan.Program{Ops: []plan.Op{
		op(plan.Bind, "$SCRATCH", "$SCRATCH", 1),
		op(plan.MakeUnbindable, "", "$SCRATCH", 2),
		rec(op(plan.Bind, "/tmp/host/base", "$SCRATCH", 3)),
		rec(op(plan.Bind, "/tmp/host/media", "$SCRATCH/media", 4)),
	}}
	var table string
	err := executortest.InNamespace(func() error {
		_, err := executor.Execute(prog, linux.Linux{}, executor.Options{})
		data, _ := linux.Linux{}.MountInfo()
		table = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(table, "\n") {
		fields := strings.Fields(line)
		if len(fields) > 4 && (fields[4] == "/etc" || fields[4] == "/root" || strings.HasPrefix(fields[4], "/root/")) {
			t.Errorf("a mount landed outside the new root: %s", line)
		}
	}
	if !regexpMatch(`/tmp/snap\.rootfs_\w+/etc `, table) {
		t.Errorf("the media bind did not land on the base's own etc:\n%s", table)
	}
}

func TestExecuteSymlinkRefused(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	hostileBase(t)
	mkdir := op(plan.Mkdir, "", "$SCRATCH/var/lib/snapd/hostfs", 4)
	mkdir.Mode = 0o755
	prog := &plan.Program{Ops: []plan.Op{
		op(plan.Bind, "$SCRATCH", "$SCRATCH", 1),
		op(plan.MakeUnbindable, "", "$SCRATCH", 2),
		rec(op(plan.Bind, "/tmp/host/base", "$SCRATCH", 3)),
		mkdir,
	}}
	var res *executor.Result
	err := executortest.InNamespace(func() error {
		var err error
		res, err = executor.Execute(prog, linux.Linux{}, executor.Options{})
		return err
	})
	var opErr *executor.OpError
	if !errors.As(err, &opErr) || opErr.Index != 3 || opErr.Errno != unix.ENOENT {
		t.Fatalf("got %v, want the mkdir under var/lib/snapd -> /root to fail with ENOENT", err)
	}
	if res != nil {
		t.Errorf("got a result %+v with an error", res)
	}
	if _, err := os.Stat("/root/hostfs"); err == nil {
		os.Remove("/root/hostfs")
		t.Errorf("mkdir followed var/lib/snapd -> /root onto the host")
	}
	if left := scratchLeft(t); len(left) != 0 {
		t.Errorf("scratch directories left behind: %v", left)
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
