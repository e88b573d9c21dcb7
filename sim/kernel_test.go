package sim

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/hosts"
	"confine/internal/nstest"
	"confine/kernel/linux"
	"confine/mountinfo"
	"confine/plan"
	"confine/profiles"
	"confine/stdlib"
)

// The fake earns trust by comparison: the default profile simulated on
// the live host gives the same snap namespace, as normalized mountinfo,
// as the same program executed for real by the same executor on the
// same host. Runs as root in a throwaway namespace (nstest), where /tmp
// and /var/lib are tmpfs so that nothing reaches this machine's disk.
func TestLiveSimulationMatchesKernel(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	for _, d := range []string{"/tmp", "/var/lib"} {
		if err := unix.Mount("tmpfs", d, "tmpfs", 0, "mode=1777"); err != nil {
			t.Fatal(err)
		}
	}
	// A host as systemd leaves it: everything shared, each mount its own
	// peer group, so that the comparison covers propagation too. (These
	// are this throwaway namespace's mounts; the real host's stay as
	// they are.)
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_SHARED, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("/media", 0o755); err != nil {
		t.Fatal(err)
	}
	h, err := hosts.Load(hosts.Live)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Evaluate(Profile{FS: profiles.FS, File: "default.star", Name: "default"}, stdlib.FS, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(prog, h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Err != nil {
		t.Fatalf("simulated: %v", s.Err)
	}
	fake, err := s.Table(Snap)
	if err != nil {
		t.Fatal(err)
	}

	real, err := runForReal(prog)
	if err != nil {
		t.Fatal(err)
	}
	if len(real) < 5 || len(fake) < 5 {
		t.Fatalf("got %d mounts from the kernel and %d from the fake, want a whole namespace from each", len(real), len(fake))
	}
	// Super options are the filesystems' own (tmpfs shows inode64 and a
	// size on the kernel); everything else must agree.
	opts := mountinfo.Options{Derandomize: true, DropSuperOptions: true}
	got := mountinfo.Format(mountinfo.Normalize(fake, opts))
	want := mountinfo.Format(mountinfo.Normalize(real, opts))
	if got != want {
		t.Errorf("the fake and the kernel disagree on the default profile's namespace (the kernel is right):\nfake:\n%s\nkernel:\n%s", got, want)
	}
}

// runForReal executes prog on the real kernel in a new mount namespace on
// a locked thread that dies with it (pivot_root changes the thread's
// root), and returns that namespace's table.
func runForReal(prog *plan.Program) ([]mountinfo.Entry, error) {
	type result struct {
		table []mountinfo.Entry
		err   error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
			ch <- result{err: err}
			return
		}
		if _, err := executor.Execute(prog, linux.Linux{}, executor.Options{}); err != nil {
			ch <- result{err: fmt.Errorf("executed for real: %w", err)}
			return
		}
		f, err := os.Open("/proc/thread-self/mountinfo")
		if err != nil {
			ch <- result{err: err}
			return
		}
		defer f.Close()
		table, err := mountinfo.Parse(f)
		ch <- result{table, err}
	}()
	r := <-ch
	return r.table, r.err
}

// The propagation contracts agree too: the same events after the launch
// (a mount on one side) are seen, or not, on the other side by the fake
// and by the kernel.
func TestLiveContractsMatchKernel(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	for _, d := range []string{"/tmp", "/var/lib"} {
		if err := unix.Mount("tmpfs", d, "tmpfs", 0, "mode=1777"); err != nil {
			t.Fatal(err)
		}
	}
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_SHARED, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("/media", 0o755); err != nil {
		t.Fatal(err)
	}
	h, err := hosts.Load(hosts.Live)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Evaluate(Profile{FS: profiles.FS, File: "default.star", Name: "default"}, stdlib.FS, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(prog, h, Options{})
	if err != nil || s.Err != nil {
		t.Fatal(err, s.Err)
	}
	snap := newRealSnap(t, prog)
	defer snap.close()

	events := []struct {
		side Side
		path string // where the mount is made
		seen string // where the other side looks for it
		want bool   // snap-confine's contract
	}{
		{Host, "/media/from-host", "/media/from-host", true},
		{Snap, "/media/from-snap", "/media/from-snap", true},
		{Host, "/tmp/from-host", "/tmp/from-host", false},
		{Snap, "/tmp/from-snap", "/tmp/from-snap", false},
		{Host, "/var/lib/from-host", "/var/lib/from-host", true},
		{Snap, "/var/lib/from-snap", "/var/lib/from-snap", false},
		{Snap, "/var/lib/snapd/hostfs/var/lib/via-hostfs", "/var/lib/via-hostfs", false},
		{Host, "/var/lib/to-hostfs", "/var/lib/snapd/hostfs/var/lib/to-hostfs", true},
	}
	for i, ev := range events {
		source := fmt.Sprintf("probe-%s-%d", ev.side, i)
		mk := func() error {
			if err := os.MkdirAll(ev.path, 0o755); err != nil {
				return err
			}
			return unix.Mount(source, ev.path, "tmpfs", 0, "")
		}
		other := Host
		var err error
		if ev.side == Snap {
			err = snap.do(mk)
		} else {
			err, other = mk(), Snap
		}
		if err != nil {
			t.Fatalf("kernel: mount at %s on the %s side: %v", ev.path, ev.side, err)
		}
		if _, err := s.ProbeMount(ev.side, ev.path); err != nil {
			t.Fatalf("fake: %v", err)
		}
		fakeSees, err := s.Sees(other, ev.seen)
		if err != nil {
			t.Fatal(err)
		}
		var table []mountinfo.Entry
		if other == Snap {
			table, err = snap.table()
		} else {
			table, err = threadTable()
		}
		if err != nil {
			t.Fatal(err)
		}
		e, _ := topmost(table, ev.seen)
		kernelSees := e.Source == source
		if fakeSees != kernelSees {
			t.Errorf("a mount on the %s side at %s, seen on the %s side at %s: fake says %v, kernel says %v (the kernel is right)",
				ev.side, ev.path, other, ev.seen, fakeSees, kernelSees)
		}
		if kernelSees != ev.want {
			t.Errorf("a mount on the %s side at %s, seen on the %s side at %s: kernel says %v, the contract wants %v",
				ev.side, ev.path, other, ev.seen, kernelSees, ev.want)
		}
	}
}

// realSnap is a snap namespace built for real on a locked thread that
// runs the functions it is given, in that namespace and root.
type realSnap struct {
	work chan func()
}

func newRealSnap(t *testing.T, prog *plan.Program) *realSnap {
	r := &realSnap{work: make(chan func())}
	ready := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
			ready <- err
			return
		}
		if _, err := executor.Execute(prog, linux.Linux{}, executor.Options{}); err != nil {
			ready <- err
			return
		}
		ready <- nil
		for f := range r.work {
			f()
		}
	}()
	if err := <-ready; err != nil {
		t.Fatalf("executing for real: %v", err)
	}
	return r
}

func (r *realSnap) do(f func() error) error {
	done := make(chan error)
	r.work <- func() { done <- f() }
	return <-done
}

func (r *realSnap) table() ([]mountinfo.Entry, error) {
	var table []mountinfo.Entry
	err := r.do(func() error {
		var err error
		table, err = threadTable()
		return err
	})
	return table, err
}

func (r *realSnap) close() { close(r.work) }

// threadTable reads the calling thread's mount table.
func threadTable() ([]mountinfo.Entry, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	f, err := os.Open("/proc/thread-self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return mountinfo.Parse(f)
}
