package shippedtest

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor/executortest"
	"confine/internal/nstest"
	"confine/sim"
)

// TestClassicContractsForReal checks snap-confine's propagation contracts
// on the classic namespace executed for real, after the launch, and asks
// the fake the same questions with the same probes (sim's ProbeMount and
// Sees): both must give the same answer, and the kernel's answer must be
// the contract's.
func TestClassicContractsForReal(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	s, snap := checkFidelity(t, "classic", ubuntuClassic)
	checkContracts(t, s, snap, []probe{
		{sim.Host, "/media/usb-from-host", true, ""},                                 // /media: bidirectional
		{sim.Snap, "/media/from-snap", true, ""},                                     // /media: bidirectional
		{sim.Snap, "/run/from-snap", false, ""},                                      // /run: a slave of the host's
		{sim.Host, "/run/from-host", true, ""},                                       // the host's /run reaches the snap
		{sim.Host, "/run/netns/from-host", true, ""},                                 // /run/netns: bidirectional
		{sim.Snap, "/run/netns/from-snap", true, ""},                                 // /run/netns: bidirectional
		{sim.Snap, "/home/from-snap", false, ""},                                     // /home: a slave
		{sim.Host, "/home/from-host", true, ""},                                      // /home: a slave
		{sim.Host, "/tmp/from-host", false, ""},                                      // the snap's /tmp is private
		{sim.Snap, "/var/snap/from-snap", false, ""},                                 // /var/snap: a slave
		{sim.Host, "/snap/core/from-host", true, ""},                                 // /snap: a slave of the host's
		{sim.Snap, "/var/lib/snapd/hostfs/run/via-hostfs", false, "/run/via-hostfs"}, // hostfs: a slave
		{sim.Host, "/run/to-hostfs", true, "/var/lib/snapd/hostfs/run/to-hostfs"},
	})
}

// TestMergedUsrContractsForReal checks the contract of the bug this
// project grew from: removable media under /run/media, also seen at
// /media in the snap, both ways.
func TestMergedUsrContractsForReal(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	s, snap := checkFidelity(t, "merged-usr", fedora)
	checkContracts(t, s, snap, []probe{
		{sim.Host, "/run/media/usb-from-host", true, ""},                       // bidirectional
		{sim.Host, "/run/media/usb2-from-host", true, "/media/usb2-from-host"}, // and at the alias
		{sim.Snap, "/run/media/from-snap", true, ""},
		{sim.Snap, "/media/alias-from-snap", true, "/run/media/alias-from-snap"},
		{sim.Snap, "/run/from-snap", false, ""},
		{sim.Host, "/run/from-host", true, ""},
	})
}

// TestCoreContractsForReal: on an all-snap host the whole root is rbound
// as a slave; only /media and /run/netns go both ways.
func TestCoreContractsForReal(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	s, snap := checkFidelity(t, "core", ubuntuCore)
	checkContracts(t, s, snap, []probe{
		{sim.Host, "/media/from-host", true, ""},
		{sim.Snap, "/media/from-snap", true, ""},
		{sim.Snap, "/run/netns/from-snap", true, ""},
		{sim.Snap, "/run/from-snap", false, ""},
		{sim.Host, "/run/from-host", true, ""},
		{sim.Snap, "/home/from-snap", false, ""},
	})
}

// probe is one event of a propagation contract.
type probe struct {
	side sim.Side
	path string // where the mount is made
	want bool   // whether the other side sees it (at seen, or the same path)
	seen string
}

// checkContracts makes each probe mount for real and on the fake, in
// order, and requires the kernel to see it where the fake does and where
// the contract wants; afterwards the snap tables still agree.
func checkContracts(t *testing.T, s *sim.Sim, snap *executortest.Snap, events []probe) {
	t.Helper()
	for i, ev := range events {
		if ev.seen == "" {
			ev.seen = ev.path
		}
		// The fake names its probes the same way, counting from 1.
		source := fmt.Sprintf("probe-%s-%d", ev.side, i+1)
		mk := func() error {
			if err := os.MkdirAll(ev.path, 0o755); err != nil {
				return err
			}
			return unix.Mount(source, ev.path, "tmpfs", 0, "")
		}
		other := sim.Snap
		var err error
		if ev.side == sim.Snap {
			err, other = snap.Do(mk), sim.Host
		} else {
			err = onHostThread(mk)
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
		see := onHostThread
		if other == sim.Snap {
			see = snap.Do
		}
		var kernelSees bool
		if err := see(func() error {
			var err error
			kernelSees, err = reaches(ev.seen, source)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if fakeSees != kernelSees {
			t.Errorf("a mount on the %s side at %s, seen on the %s side at %s: fake says %v, kernel says %v (the kernel is right)",
				ev.side, ev.path, other, ev.seen, fakeSees, kernelSees)
		}
		if kernelSees != ev.want {
			t.Errorf("a mount on the %s side at %s, seen on the %s side at %s: kernel says %v, the contract wants %v",
				ev.side, ev.path, other, ev.seen, kernelSees, ev.want)
		}
	}
	// After all the probes the two sides still agree as a whole.
	real, err := snap.Table()
	if err != nil {
		t.Fatal(err)
	}
	fake, err := s.Table(sim.Snap)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := normalized(fake), normalized(real); got != want {
		t.Errorf("after the probes the fake and the kernel disagree on the snap's table:\ndiff (fake vs kernel):\n%s", lineDiff(got, want))
	}
}

// reaches reports whether, in the calling thread's namespace, path is
// the root of a mount of source: a lookup of path ends on the probe's
// filesystem (a tmpfs of its own), not on a mount of it hidden below
// another one, which the table alone would not tell.
func reaches(path, source string) (bool, error) {
	table, err := executortest.ThreadTable()
	if err != nil {
		return false, err
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return false, nil
	}
	for _, e := range table {
		if e.Source == source && unix.Major(st.Dev) == uint32(e.Major) && unix.Minor(st.Dev) == uint32(e.Minor) {
			return true, nil
		}
	}
	return false, nil
}

// onHostThread runs f on a thread of the host's namespace: one that is
// locked for the call and was never unshared (unshared threads stay
// locked to their snap goroutines).
func onHostThread(f func() error) error {
	ch := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		ch <- f()
	}()
	return <-ch
}
