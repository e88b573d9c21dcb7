package executor_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/executor/executortest"
	"confine/kernel"
	"confine/kernel/fake"
	"confine/plan"
)

// fakeHost builds, on the fake kernel, the host that bootstrap() expects,
// with "/" and /tmp shared as systemd leaves them, so that anything the
// snap's namespace leaks by propagation shows up in the host's table.
func fakeHost(t testing.TB) *fake.Proc {
	t.Helper()
	host := fake.New().Init()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"/tmp", "/proc"} {
		must(host.Mkdir(d, 0o755))
	}
	must(host.Mount("tmpfs", "/tmp", "tmpfs", 0, ""))
	must(host.Mount("proc", "/proc", "proc", 0, ""))
	for _, d := range []string{"/tmp/host", "/tmp/host/base", "/tmp/host/base/etc", "/tmp/host/base/media",
		"/tmp/host/base/tmp", "/tmp/host/base/proc", "/tmp/host/base/var", "/tmp/host/base/var/lib",
		"/tmp/host/base/var/lib/snapd", "/tmp/host/base/var/lib/snapd/hostfs", "/tmp/host/media"} {
		must(host.Mkdir(d, 0o755))
	}
	must(host.Mount("none", "/", "", unix.MS_REC|unix.MS_SHARED, ""))
	return host
}

// sharedBootstrap is bootstrap() after snap-confine's first step, which
// makes the new namespace's "/" a peer of the host's.
func sharedBootstrap() *plan.Program {
	prog := bootstrap()
	first := rec(op(plan.MakeShared, "", "/", 0))
	prog.Ops = append([]plan.Op{first}, prog.Ops...)
	return prog
}

func TestFakeExecuteLeavesHostAlone(t *testing.T) {
	host := fakeHost(t)
	before, _ := host.MountInfo()
	snap, err := host.Unshare()
	if err != nil {
		t.Fatal(err)
	}
	res, err := executor.Execute(sharedBootstrap(), snap, executor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := host.MountInfo(); string(after) != string(before) {
		t.Errorf("the host's table changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if _, err := host.Lstat(res.Scratch); !errors.Is(err, unix.ENOENT) {
		t.Errorf("scratch directory %s: got %v, want it removed", res.Scratch, err)
	}
	table, _ := snap.MountInfo()
	if !strings.Contains(string(table), " /host/base / ") {
		t.Errorf("the snap's root is not the base:\n%s", table)
	}
}

func TestFakeExecuteFaultEveryCall(t *testing.T) {
	prog := sharedBootstrap()
	var host *fake.Proc
	var before []byte
	calls := executortest.FaultEveryCall(t, func(f *executortest.Failing) error {
		host = fakeHost(t)
		before, _ = host.MountInfo()
		snap, err := host.Unshare()
		if err != nil {
			t.Fatal(err)
		}
		f.Syscalls = snap
		_, err = executor.Execute(prog, f, executor.Options{})
		return err
	}, func(f *executortest.Failing, opErr *executor.OpError) {
		k := f.K
		if after, _ := host.MountInfo(); string(after) != string(before) {
			t.Errorf("call %d failing (%s): the host's table changed:\nbefore:\n%s\nafter:\n%s", k, opErr.Command, before, after)
		}
		for _, dir := range f.Temps {
			if _, err := host.Lstat(dir); !errors.Is(err, unix.ENOENT) {
				t.Errorf("call %d failing (%s): scratch directory %s left behind", k, opErr.Command, dir)
			}
		}
		if _, err := host.Lstat("/tmp/host/base/mnt"); err == nil {
			t.Errorf("call %d failing (%s): /tmp/host/base/mnt left behind", k, opErr.Command)
		}
	})
	t.Logf("failed each of %d calls in turn", calls)
}

// BenchmarkExecuteFake measures the executor's own cost on the fake
// kernel (no system calls): resolution, lowering and bookkeeping for the
// 16-op bootstrap.
func BenchmarkExecuteFake(b *testing.B) {
	prog := sharedBootstrap()
	for b.Loop() {
		b.StopTimer()
		host := fakeHost(b)
		snap, err := host.Unshare()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := executor.Execute(prog, snap, executor.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLower(b *testing.B) {
	for b.Loop() {
		for _, op := range allKinds {
			executor.Lower(op)
		}
	}
}

func TestExecuteBadInput(t *testing.T) {
	host := fakeHost(t)
	tests := []struct {
		name string
		prog *plan.Program
		sys  kernel.Syscalls
		want string
	}{
		{"no program", nil, host, "cannot execute: no program or no kernel"},
		{"no kernel", &plan.Program{}, nil, "cannot execute: no program or no kernel"},
		{"unknown kind", &plan.Program{Ops: []plan.Op{op(99, "", "/x", 7)}},
			host, "cannot perform operation: kind(99)  /x: cannot lower op: unknown kind kind(99) (test.star:7)"},
		{"bad template", &plan.Program{Ops: []plan.Op{op(plan.Bind, "$SCRATCH", "$SCRATCH", 1)}},
			host, "cannot create temporary directory for the root file system"},
	}
	for _, tt := range tests {
		opts := executor.Options{}
		if tt.name == "bad template" {
			opts.ScratchPattern = "/tmp/no-x"
		}
		_, err := executor.Execute(tt.prog, tt.sys, opts)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error starting %q", tt.name, err, tt.want)
		}
	}
}

// TestOptionalEntrySkippedWhole pins snap-confine's rule for optional
// mount-list entries: when the rbind is skipped, so is its make-rslave,
// even though the host has the source and only the base lacks the target.
func TestOptionalEntrySkippedWhole(t *testing.T) {
	host := fakeHost(t)
	if err := host.Mkdir("/tmp/host/firmware", 0o755); err != nil {
		t.Fatal(err)
	}
	snap, err := host.Unshare()
	if err != nil {
		t.Fatal(err)
	}
	bind := rec(op(plan.Bind, "/tmp/host/firmware", "$SCRATCH/firmware", 3))
	bind.Optional = true
	slave := rec(op(plan.MakeSlave, "", "$SCRATCH/firmware", 4))
	slave.Optional = true
	unrelated := rec(op(plan.MakeSlave, "", "$SCRATCH/etc", 6))
	unrelated.Optional = true
	prog := &plan.Program{Profile: "test", Ops: []plan.Op{
		op(plan.Bind, "$SCRATCH", "$SCRATCH", 1),
		rec(op(plan.Bind, "/tmp/host/base", "$SCRATCH", 2)),
		bind,
		slave,
		rec(op(plan.Bind, "/tmp/host/base/etc", "$SCRATCH/etc", 5)),
		unrelated,
	}}
	res, err := executor.Execute(prog, snap, executor.Options{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if got, want := res.Skipped, []int{2, 3}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("skipped ops: got %v, want %v (the optional rbind and its make-rslave, not the unrelated one)", got, want)
	}
	info, _ := snap.MountInfo()
	if !strings.Contains(string(info), "/etc rw,relatime master:") {
		t.Errorf("the optional make-rslave of an entry that was mounted did not run:\n%s", info)
	}
}
