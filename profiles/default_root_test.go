package profiles

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"confine/executor"
	"confine/facts"
	"confine/internal/nstest"
	"confine/interp"
	"confine/kernel/linux"
	"confine/stdlib"
)

// testSnap names the snap of the real run, so that its private /tmp
// directory can be told apart from any real snap's and removed.
const testSnap = "confine-profiles-test"

// hostDirs are the directories the default profile may create on the
// host's file system (not its mount table): put_old and the private /tmp.
var hostDirs = []string{"/var/lib/snapd", "/var/lib/snapd/hostfs", "/tmp/snap-private-tmp"}

// TestDefaultProfileRunsForReal executes the default profile as root on
// this machine, in a throwaway mount namespace, with the facts gathered
// from this machine: the embedded default must work on a plain host
// without snapd (a CI VM, a container). Directories it created on the
// host's file system are removed afterwards.
func TestDefaultProfileRunsForReal(t *testing.T) {
	if !nstest.Inside() {
		var missing []string
		for _, d := range hostDirs {
			if _, err := os.Lstat(d); err != nil {
				missing = append(missing, d)
			}
		}
		t.Cleanup(func() {
			os.RemoveAll("/tmp/snap-private-tmp/snap." + testSnap)
			for i := len(missing) - 1; i >= 0; i-- {
				os.Remove(missing[i]) // only if empty
			}
		})
	}
	if nstest.Reexec(t) {
		return
	}
	// pivot_root and the mounts act on the whole process's namespace (the
	// child runs alone in it), but keep the calls on one thread anyway.
	runtime.LockOSThread()

	f, err := facts.Gather("/")
	if err != nil {
		t.Fatal(err)
	}
	f.SnapName = testSnap
	p, err := interp.Eval(interp.Config{Profile: FS, File: "default.star", Stdlib: stdlib.FS, Facts: f})
	if err != nil {
		t.Fatal(err)
	}
	var trace strings.Builder
	res, err := executor.Execute(p, linux.Linux{}, executor.Options{Trace: &trace})
	if err != nil {
		t.Fatalf("executing the default profile: %v\ntrace:\n%s", err, trace.String())
	}

	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	points := map[string]string{} // mount point -> fstype of the last mount there
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		fields := strings.Fields(line)
		sep := -1
		for i, f := range fields {
			if f == "-" {
				sep = i
				break
			}
		}
		if len(fields) < 5 || sep < 0 || sep+1 >= len(fields) {
			t.Fatalf("malformed mountinfo line %q", line)
		}
		points[fields[4]] = fields[sep+1]
	}
	for _, test := range []struct{ point, fstype string }{
		{"/", ""},
		{"/var/lib/snapd/hostfs", ""},
		{"/tmp", ""},
		{"/dev/pts", "devpts"},
		{"/dev/ptmx", "devpts"},
	} {
		got, ok := points[test.point]
		switch {
		case !ok:
			t.Errorf("got no mount at %s in the new namespace, want one", test.point)
		case test.fstype != "" && got != test.fstype:
			t.Errorf("got %s mounted at %s, want %s", got, test.point, test.fstype)
		}
	}
	for _, gone := range []string{"/var/lib/snapd/hostfs/sys", "/var/lib/snapd/hostfs/proc", "/var/lib/snapd/hostfs/dev"} {
		if _, ok := points[gone]; ok {
			t.Errorf("got a mount at %s, want it detached", gone)
		}
	}
	if _, err := os.Lstat("/var/lib/snapd/hostfs" + res.Scratch); err == nil {
		t.Errorf("got the scratch directory %s still on the host, want it removed", res.Scratch)
	}
	entries, err := os.ReadDir("/tmp")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("got %d entries in the private /tmp, want it empty", len(entries))
	}
}
