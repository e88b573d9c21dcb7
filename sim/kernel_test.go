package sim

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor/executortest"
	"confine/hosts"
	"confine/internal/nstest"
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
	s, prog := liveDefault(t)
	fake, err := s.Table(Snap)
	if err != nil {
		t.Fatal(err)
	}

	snap, err := executortest.StartSnap(prog, nil, nil)
	defer snap.Close()
	if err != nil {
		t.Fatalf("executed for real: %v", err)
	}
	real, err := snap.Table()
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

// liveDefault turns nstest's throwaway namespace into a host as the live
// tests want it and simulates the default profile on it. /tmp and
// /var/lib become tmpfs, so that nothing reaches this machine's disk; the
// namespace's mounts are made shared as systemd leaves a host (each
// mount its own peer group), so that the comparison covers propagation
// too. (These are the throwaway namespace's mounts; the real host's stay
// as they are.)
func liveDefault(t *testing.T) (*Sim, *plan.Program) {
	t.Helper()
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
	if err != nil {
		t.Fatal(err)
	}
	if s.Err != nil {
		t.Fatalf("simulated: %v", s.Err)
	}
	return s, prog
}

// The propagation contracts agree too: the same events after the launch
// (a mount on one side) are seen, or not, on the other side by the fake
// and by the kernel.
func TestLiveContractsMatchKernel(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	s, prog := liveDefault(t)
	snap, err := executortest.StartSnap(prog, nil, nil)
	defer snap.Close()
	if err != nil {
		t.Fatalf("executing for real: %v", err)
	}

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
			err = snap.Do(mk)
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
			table, err = snap.Table()
		} else {
			table, err = executortest.ThreadTable()
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
