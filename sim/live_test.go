package sim

import (
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"confine/hosts"
	"confine/plan"
	"confine/profiles"
	"confine/stdlib"
)

// A simulation on the live host changes nothing on this machine: not its
// mount table, not one of the files or directories the program names
// (created, bound, removed), though inside the simulation the program
// made directories and mounts on the host's side.
func TestLiveHostUntouched(t *testing.T) {
	h, err := hosts.Load(hosts.Live)
	if err != nil {
		t.Fatal(err)
	}
	// A snap name of its own, so that the private /tmp the program makes
	// cannot exist on this machine already (other tests run as root here).
	snap := fmt.Sprintf("confine-live-test-%d", os.Getpid())
	prog, err := Evaluate(Profile{FS: profiles.FS, File: "default.star", Name: "default"}, stdlib.FS, h, map[string]string{"snap_name": snap})
	if err != nil {
		t.Fatal(err)
	}
	paths := hostPaths(prog)
	mountsBefore, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	filesBefore := snapshot(paths)

	s, err := Run(prog, h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Err != nil {
		t.Fatalf("default on the live host: %v", s.Err)
	}
	// Events after the launch, on both sides, in places the program
	// touched.
	for _, p := range []string{"/tmp/confine-live-probe", "/var/lib/snapd/hostfs/confine-live-probe"} {
		if _, err := s.ProbeMount(Snap, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ProbeMount(Host, "/tmp/confine-live-probe-host"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.Visible(Host, "/tmp/snap-private-tmp/snap."+snap+"/tmp"); !ok {
		t.Errorf("the simulated host lacks the private /tmp the program made: the simulation did not run")
	}

	mountsAfter, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if string(mountsAfter) != string(mountsBefore) {
		t.Errorf("this machine's mount table changed:\nbefore:\n%s\nafter:\n%s", mountsBefore, mountsAfter)
	}
	if filesAfter := snapshot(paths); filesAfter != filesBefore {
		t.Errorf("this machine's files changed:\nbefore:\n%s\nafter:\n%s", filesBefore, filesAfter)
	}
	for _, p := range []string{"/tmp/confine-live-probe", "/tmp/confine-live-probe-host"} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s exists on this machine after a simulation", p)
		}
	}
}

// hostPaths lists the host paths a program names (not under $SCRATCH),
// with their parents.
func hostPaths(prog *plan.Program) []string {
	set := map[string]bool{}
	for _, op := range prog.Ops {
		for _, p := range []string{op.Source, op.Target} {
			if !strings.HasPrefix(p, "/") {
				continue
			}
			for d := path.Clean(p); d != "/"; d = path.Dir(d) {
				set[d] = true
			}
		}
	}
	var out []string
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// snapshot renders each path's existence, type and mode, and for a file
// its size and modification time. A directory's time is left out: /tmp
// and its like change under every process on the machine.
func snapshot(paths []string) string {
	var b strings.Builder
	for _, p := range paths {
		fi, err := os.Lstat(p)
		switch {
		case err != nil:
			fmt.Fprintf(&b, "%s missing\n", p)
		case fi.IsDir():
			fmt.Fprintf(&b, "%s %s\n", p, fi.Mode())
		default:
			fmt.Fprintf(&b, "%s %s %d %s\n", p, fi.Mode(), fi.Size(), fi.ModTime())
		}
	}
	return b.String()
}
