package shippedtest

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"confine/executor/executortest"
	"confine/facts"
	"confine/hosts"
	"confine/internal/nstest"
	"confine/interp"
	"confine/kernel"
	"confine/mountinfo"
	"confine/plan"
	"confine/profiles"
	"confine/sim"
	"confine/stdlib"
)

// snapName is the snap the fidelity tests launch.
const snapName = "demo"

// compareOpts makes a fake and a real table comparable: Normalize
// renumbers mount ids, parents, peer groups and devices, which each side
// allocates its own way. Nothing else is dropped or rewritten: the
// scratch directory is gone from both tables after the pivot, both sides
// see the same core revision, and the fake shows the super options of
// the filesystems involved (tmpfs, devpts, proc, sysfs, and the seeded
// devtmpfs) as 6.18 does, so mount options, super options, sources and
// propagation tags must all agree, line for line, in the kernel's order.
var compareOpts = mountinfo.Options{}

// evalOnHost gathers this namespace's facts the way the launcher does
// and evaluates the shipped profile name with them.
func evalOnHost(t *testing.T, name string) *plan.Program {
	t.Helper()
	f, err := facts.Gather("/")
	if err != nil {
		t.Fatal(err)
	}
	f.SnapName = snapName
	prog, err := interp.Eval(interp.Config{Profile: profiles.FS, File: name + ".star", Name: name, Stdlib: stdlib.FS, Facts: f})
	if err != nil {
		t.Fatalf("evaluate %s: %v", name, err)
	}
	return prog
}

// simulateHere runs prog on the fake kernel seeded from this namespace.
func simulateHere(t *testing.T, prog *plan.Program) *sim.Sim {
	t.Helper()
	h, err := hosts.Load(hosts.Live)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.Run(prog, h, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Err != nil {
		t.Fatalf("simulated: %v", s.Err)
	}
	return s
}

// normalized renders a table for comparison.
func normalized(table []mountinfo.Entry) string {
	return mountinfo.Format(mountinfo.Normalize(table, compareOpts))
}

// checkFidelity builds the platform's host in this throwaway namespace,
// simulates the shipped profile on it and executes it for real, and
// requires the same snap table, the same host table, and the same host
// files where the program names them. It returns the simulation and the
// live real snap for further probes; the caller closes the snap.
func checkFidelity(t *testing.T, profile string, p platform) (*sim.Sim, *executortest.Snap) {
	becomeHost(t, p)
	prog := evalOnHost(t, profile)
	s := simulateHere(t, prog)

	// The host's table is read from a thread that never unshared:
	// /proc/self names the main thread, which may be the one a snap
	// namespace was built on.
	before, err := executortest.ThreadTable()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := executortest.StartSnap(prog, nil, nil)
	if err != nil {
		snap.Close()
		t.Fatalf("executed for real: %v", err)
	}
	t.Cleanup(snap.Close)

	real, err := snap.Table()
	if err != nil {
		t.Fatal(err)
	}
	fake, err := s.Table(sim.Snap)
	if err != nil {
		t.Fatal(err)
	}
	if len(real) < 10 {
		t.Fatalf("got %d mounts in the real snap namespace, want a whole namespace", len(real))
	}
	t.Logf("%s: %d mounts in the real snap namespace, %d in the simulated one", profile, len(real), len(fake))
	if got, want := normalized(fake), normalized(real); got != want {
		t.Errorf("%s: the fake and the kernel disagree on the snap's table (the kernel is right):\nfake:\n%s\nkernel:\n%s\ndiff (fake vs kernel):\n%s",
			profile, got, want, lineDiff(got, want))
	}

	realHost, err := executortest.ThreadTable()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mountinfo.Format(realHost), mountinfo.Format(before); got != want {
		t.Errorf("%s: the host's table changed during the launch:\nbefore:\n%s\nafter:\n%s", profile, want, got)
	}
	fakeHost, err := s.Table(sim.Host)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := normalized(fakeHost), normalized(realHost); got != want {
		t.Errorf("%s: the fake and the kernel disagree on the host's table after the launch (the kernel is right):\nfake:\n%s\nkernel:\n%s\ndiff (fake vs kernel):\n%s",
			profile, got, want, lineDiff(got, want))
	}
	pseudo := map[string]bool{}
	for _, e := range realHost {
		if e.FSType == "proc" || e.FSType == "sysfs" {
			pseudo[e.Point] = true
		}
	}
	for _, p := range hostPaths(prog) {
		// sim never reads a live pseudo filesystem's tree (it makes up
		// the mount points below it, 0755), so only their type counts.
		got, want := describe(s.HostProc, p, !pseudo[p]), describeReal(p, !pseudo[p])
		if got != want {
			t.Errorf("%s: host path after the launch: fake has %s, kernel has %s", profile, got, want)
		}
	}
	// What the program left in the host's /tmp (its private /tmp, not
	// its scratch directory) is the same on both sides.
	var tmp []string
	filepathWalk("/tmp", func(p string) { tmp = append(tmp, p) })
	for _, p := range tmp {
		if got, want := describe(s.HostProc, p, true), describeReal(p, true); got != want {
			t.Errorf("%s: /tmp after the launch: fake has %s, kernel has %s", profile, got, want)
		}
	}
	if got := strings.Join(tmp, " "); got != "/tmp /tmp/snap-private-tmp /tmp/snap-private-tmp/snap.demo /tmp/snap-private-tmp/snap.demo/tmp" {
		t.Errorf("%s: got %s in the host's /tmp after the launch, want the private /tmp only", profile, got)
	}
	if got := describe(s.HostProc, s.Scratch, false); !strings.HasSuffix(got, " missing") {
		t.Errorf("%s: the fake's scratch directory is left: %s", profile, got)
	}
	return s, snap
}

// filepathWalk calls f with every path at or below dir, in lexical order.
func filepathWalk(dir string, f func(string)) {
	filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			f(p)
		}
		return nil
	})
}

func TestClassicFidelity(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	checkFidelity(t, "classic", ubuntuClassic)
}

func TestCoreFidelity(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	checkFidelity(t, "core", ubuntuCore)
}

func TestMergedUsrFidelity(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	checkFidelity(t, "merged-usr", fedora)
}

// hostPaths lists the host paths a program names outside $SCRATCH and
// before its pivot_root, with their parents: the places where it may
// create directories on the host.
func hostPaths(prog *plan.Program) []string {
	set := map[string]bool{}
	for _, op := range prog.Ops {
		if op.Kind == plan.Pivot {
			break
		}
		for _, p := range []string{op.Source, op.Target} {
			if !strings.HasPrefix(p, "/") {
				continue
			}
			for d := path.Clean(p); d != "/"; d = path.Dir(d) {
				set[d] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// describe renders a path's existence, type and permissions on the fake.
// With perm false only the type counts.
func describe(proc kernel.Syscalls, p string, perm bool) string {
	st, err := proc.Lstat(p)
	if err != nil {
		return p + " missing"
	}
	return render(p, st.Mode, perm)
}

func render(p string, mode os.FileMode, perm bool) string {
	if !perm {
		mode = mode.Type()
	}
	return fmt.Sprintf("%s %v", p, mode)
}

// describeReal renders the same on this namespace.
func describeReal(p string, perm bool) string {
	fi, err := os.Lstat(p)
	if err != nil {
		return p + " missing"
	}
	return render(p, fi.Mode(), perm)
}

// lineDiff lists the lines only one of two tables has, marked - (first)
// and + (second), in order.
func lineDiff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ina, inb := in(a), in(b)
	var out strings.Builder
	for _, l := range strings.Split(a, "\n") {
		if !inb[l] {
			fmt.Fprintf(&out, "- %s\n", l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ina[l] {
			fmt.Fprintf(&out, "+ %s\n", l)
		}
	}
	return out.String()
}
