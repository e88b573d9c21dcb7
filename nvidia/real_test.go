package nvidia_test

import (
	"errors"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/internal/nstest"
	"confine/kernel/fake"
	"confine/kernel/linux"
	"confine/mountinfo"
	"confine/nvidia"
	"confine/plan"
)

// program is what both kernels run for an expectation: the nvidia
// expansion between a tmpfs new root and pivot_root, as in snap-confine's
// bootstrap, with the host's files under hostDir.
func program(t *testing.T, f nvidia.Facts, base, hostDir string) *plan.Program {
	t.Helper()
	ops, err := nvidia.Expand(f, nvidia.Options{Root: plan.Scratch, Base: base, HostDir: hostDir})
	if err != nil {
		t.Fatal(err)
	}
	return &plan.Program{Profile: "nvidia_test", Ops: append(append(bootstrap(), ops...),
		plan.Op{Kind: plan.Pivot, Target: plan.Scratch, Source: plan.Scratch + nvidia.HostFS})}
}

// TestRealKernel executes each fixture's program for real, as root in a
// throwaway mount namespace, checks from inside the new root which files
// the snap sees and what they hold, and compares the resulting mounts
// with the fake kernel's run of the same program.
//
// The facts come from the fixture's directory, so Options.HostDir points
// the ops at it. After the checks the test pivots back to the old root
// (chdir to it, pivot_root(".", "."), detach the stacked new root) so that
// the next subtest, and the removal of temporary directories, happen in
// the original root.
func TestRealKernel(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	for _, ex := range expectations {
		t.Run(ex.fixture+"/"+ex.base, func(t *testing.T) {
			fx := fixtureNamed(t, ex.fixture)
			host := fx.build(t)
			f, err := nvidia.Gather(host, amd64)
			if err != nil {
				t.Fatal(err)
			}
			// Everything this test mounts hangs below work, a tmpfs
			// detached (with all it holds) before work is removed.
			work := t.TempDir()
			if err := unix.Mount("none", work, "tmpfs", 0, ""); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := unix.Unmount(work, unix.MNT_DETACH); err != nil {
					t.Errorf("cannot detach %s: %v", work, err)
				}
			})
			prog := program(t, f, ex.base, host)
			var sys linux.Linux
			if _, err := executor.Execute(prog, sys, executor.Options{ScratchPattern: work + "/rootfs_XXXXXX"}); err != nil {
				t.Fatalf("%v\nprogram:\n%s", err, prog.Text())
			}
			t.Cleanup(func() { pivotBack(t) })
			checkReal(t, ex)

			realTable, err := readTable(nvidia.HostFS + "/proc/self/mountinfo")
			if err != nil {
				t.Fatal(err)
			}
			fakeTable := simulate(t, fx, f, ex.base)
			if got, want := farmMounts(fakeTable, ""), farmMounts(realTable, host); got != want {
				t.Errorf("the fake kernel's mounts differ from the real kernel's:\nfake:\n%s\nreal:\n%s", got, want)
			}
		})
	}
}

// pivotBack returns to the root that pivot_root put at HostFS and detaches
// the new root with everything mounted in it.
func pivotBack(t *testing.T) {
	for _, step := range []struct {
		name string
		fn   func() error
	}{
		{"chdir", func() error { return unix.Chdir(nvidia.HostFS) }},
		{"pivot_root", func() error { return unix.PivotRoot(".", ".") }},
		{"umount", func() error { return unix.Unmount(".", unix.MNT_DETACH) }},
		{"chdir", func() error { return unix.Chdir("/") }},
	} {
		if err := step.fn(); err != nil {
			t.Fatalf("cannot return to the old root: %s: %v", step.name, err)
		}
	}
}

// checkReal checks ex in the new root: contents of the visible files,
// absence of the others, read-only farms.
func checkReal(t *testing.T, ex expectation) {
	t.Helper()
	for p, hostPath := range ex.visible {
		snapPath := path.Join(nvidia.LibDir, p)
		data, err := os.ReadFile(snapPath)
		if err != nil {
			t.Errorf("cannot read %s in the snap: %v", snapPath, err)
		} else if got, want := string(data), contents(hostPath); got != want {
			t.Errorf("%s in the snap holds %q, want %q", snapPath, got, want)
		}
	}
	for _, p := range ex.absent {
		snapPath := path.Join(nvidia.LibDir, p)
		if _, err := os.Stat(snapPath); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stat %s in the snap: %v, want it absent", snapPath, err)
		}
	}
	for _, farm := range []string{"gl", "gl32", "vulkan", "glvnd"} {
		dir := path.Join(nvidia.LibDir, farm)
		if _, err := os.Lstat(dir); err != nil {
			continue
		}
		if err := os.Mkdir(dir+"/probe", 0o755); !errors.Is(err, unix.EROFS) {
			t.Errorf("mkdir in %s: %v, want EROFS (a read-only mount)", farm, err)
		}
	}
}

// simulate runs the same program on the fake kernel and returns the
// snap's mount table.
func simulate(t *testing.T, fx fixture, f nvidia.Facts, base string) []mountinfo.Entry {
	t.Helper()
	host := fake.New().Init()
	seed(t, host, fx)
	snap, err := host.Unshare()
	if err != nil {
		t.Fatal(err)
	}
	prog := program(t, f, base, "")
	if _, err := executor.Execute(prog, snap, executor.Options{}); err != nil {
		t.Fatalf("fake kernel: %v\nprogram:\n%s", err, prog.Text())
	}
	return snap.Entries()
}

func readTable(file string) ([]mountinfo.Entry, error) {
	r, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return mountinfo.Parse(r)
}

// farmMounts renders the mounts a snap sees at "/" and under LibDir,
// without IDs and device numbers (they differ between any two kernels)
// and with hostDir, where the real run's fixture lives, cut from roots.
func farmMounts(table []mountinfo.Entry, hostDir string) string {
	var lines []string
	for _, e := range table {
		if e.Point != "/" && !strings.HasPrefix(e.Point, nvidia.LibDir+"/") {
			continue
		}
		root := e.Root
		if hostDir != "" {
			root = path.Clean("/" + strings.TrimPrefix(root, hostDir))
		}
		fs := []string{"-", e.FSType, e.Source, e.SuperOptions}
		if root != "/" {
			// A bind of a host directory: its filesystem is the host's,
			// a tmpfs in the fake and whatever holds the fixture here.
			fs = []string{"-", "(host filesystem)"}
		}
		lines = append(lines, strings.Join(append(append([]string{e.Point, root, e.Options}, e.Optional...), fs...), " "))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
