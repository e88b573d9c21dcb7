// Package shippedtest runs the shipped profiles through the executor on
// the real kernel and proves the fake kernel's simulation of them right.
// It is a package of its own so that the executor's unit tests do not
// depend on the interpreter, the profiles and sim.
//
// As root, each test re-runs itself in a throwaway mount namespace
// (nstest) and there turns the namespace into a plausible host for a
// profile (host_test.go): a tmpfs root laid out like Ubuntu, Ubuntu Core
// or Fedora, with a core snap, pivoted into and made rshared. Facts are
// gathered from it as the launcher gathers them, with no overrides.
//
//   - fidelity_test.go: classic, core and merged-usr simulated on that
//     host (sim, seeded from it as "live") and executed for real in a
//     further namespace give the same snap table and the same host table,
//     normalized only by renumbering, and the same host files;
//   - contracts_test.go: propagation probes after a real classic launch
//     are seen where the fake says, and where snap-confine promises;
//   - faults_test.go: every op of classic fails in turn on the fake, and a
//     sample on the kernel and the fake side by side, leaving the host's
//     table and files as they were;
//   - default_test.go: the default profile with a fault at every call.
package shippedtest

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/executor/executortest"
	"confine/facts"
	"confine/internal/nstest"
	"confine/interp"
	"confine/kernel/linux"
	"confine/profiles"
	"confine/stdlib"
)

func mounts(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func entries(t *testing.T, dir string) []string {
	names, err := filepath.Glob(dir + "/*")
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestDefaultProfileFaultEveryCall evaluates the default profile for this
// machine and fails each of its calls in turn. /tmp, /var/lib and /run are
// fresh tmpfs mounts (the profile creates directories there on the host
// side) and "/" is shared, as systemd leaves it, so that leaks show.
func TestDefaultProfileFaultEveryCall(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	for _, dir := range []string{"/tmp", "/var/lib", "/run"} {
		if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
			t.Fatal(err)
		}
	}
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_SHARED, ""); err != nil {
		t.Fatal(err)
	}
	f, err := facts.Gather("/")
	if err != nil {
		t.Fatal(err)
	}
	f.SnapName = "demo"
	prog, err := interp.Eval(interp.Config{Profile: profiles.FS, File: "default.star", Name: "default", Stdlib: stdlib.FS, Facts: f})
	if err != nil {
		t.Fatal(err)
	}
	before := mounts(t)
	calls := executortest.FaultEveryCall(t, func(f *executortest.Failing) error {
		f.Syscalls = linux.Linux{}
		return executortest.InNamespace(func() error {
			_, err := executor.Execute(prog, f, executor.Options{})
			return err
		})
	}, func(f *executortest.Failing, opErr *executor.OpError) {
		k := f.K
		// What launch does with the leftovers, from the original namespace.
		for _, dir := range opErr.Leftovers {
			if err := os.Remove(dir); err != nil {
				t.Errorf("call %d failing (%s): leftover %s: %v", k, opErr.Command, dir, err)
			}
		}
		if after := mounts(t); after != before {
			t.Fatalf("call %d failing (%s): the host's table changed:\n%s", k, opErr.Command, after)
		}
		for _, dir := range []string{"/tmp", "/var/lib"} {
			if left := entries(t, dir); len(left) != 0 {
				t.Errorf("call %d failing (%s): left behind in %s: %v", k, opErr.Command, dir, left)
				for _, p := range left {
					os.RemoveAll(p)
				}
			}
		}
	})
	t.Logf("failed each of %d calls of %d ops in turn", calls, len(prog.Ops))
}
