package nvidia_test

import (
	"errors"
	"os"
	"path"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/internal/nstest"
	"confine/kernel/linux"
	"confine/nvidia"
	"confine/plan"
)

// TestRealKernel executes each fixture's program for real, as root in a
// throwaway mount namespace, and checks the expectations from inside the
// new root.
//
// The program stops short of pivot_root, which would move this test
// process into the new root and strand its temporary directories on the
// host. Instead the host's root is rbound at $SCRATCH/var/lib/snapd/hostfs,
// where pivot_root would put it, and every path is looked up with
// openat2(RESOLVE_IN_ROOT) in the scratch directory: the farm's links
// resolve exactly as they would inside the snap. The facts come from the
// fixture's directory, so Options.HostDir points the ops at it.
func TestRealKernel(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	for _, ex := range expectations {
		t.Run(ex.fixture+"/"+ex.base, func(t *testing.T) {
			host := fixtureNamed(t, ex.fixture).build(t)
			f, err := nvidia.Gather(host, amd64)
			if err != nil {
				t.Fatal(err)
			}
			ops, err := nvidia.Expand(f, nvidia.Options{Root: plan.Scratch, Base: ex.base, HostDir: host})
			if err != nil {
				t.Fatal(err)
			}
			prog := &plan.Program{Profile: "real_test", Ops: append(append(bootstrap(),
				plan.Op{Kind: plan.Bind, Recursive: true, Source: "/", Target: plan.Scratch + nvidia.HostFS}),
				ops...)}

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
			var sys linux.Linux
			res, err := executor.Execute(prog, sys, executor.Options{ScratchPattern: work + "/rootfs_XXXXXX"})
			if err != nil {
				t.Fatalf("%v\nprogram:\n%s", err, prog.Text())
			}
			checkReal(t, sys, res.Scratch, ex)
		})
	}
}

// checkReal checks ex inside the new root at scratch: contents of the
// visible files, absence of the others, and read-only farms.
func checkReal(t *testing.T, sys linux.Linux, scratch string, ex expectation) {
	t.Helper()
	for p, hostPath := range ex.visible {
		snapPath := path.Join(nvidia.LibDir, p)
		resolved, release, err := sys.Resolve(scratch, snapPath)
		if err != nil {
			t.Errorf("%s is not visible in the snap: %v", snapPath, err)
			continue
		}
		data, err := os.ReadFile(resolved)
		release()
		if err != nil {
			t.Errorf("cannot read %s in the snap: %v", snapPath, err)
		} else if got, want := string(data), contents(hostPath); got != want {
			t.Errorf("%s in the snap holds %q, want %q", snapPath, got, want)
		}
	}
	for _, p := range ex.absent {
		snapPath := path.Join(nvidia.LibDir, p)
		if _, release, err := sys.Resolve(scratch, snapPath); err == nil {
			release()
			t.Errorf("%s is visible in the snap, want it absent", snapPath)
		} else if !errors.Is(err, unix.ENOENT) {
			t.Errorf("looking up %s in the snap: %v, want ENOENT", snapPath, err)
		}
	}
	info, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, farm := range []string{"gl", "gl32", "vulkan", "glvnd"} {
		dir := scratch + path.Join(nvidia.LibDir, farm)
		if _, err := os.Lstat(dir); err != nil {
			continue
		}
		if err := os.Mkdir(dir+"/probe", 0o755); !errors.Is(err, unix.EROFS) {
			t.Errorf("mkdir in %s: %v, want EROFS (a read-only mount)", farm, err)
		}
		want := "ro,nodev,noexec" // a farm
		if f := ex.fixture; strings.HasPrefix(f, "legacy") || strings.HasSuffix(f, "legacy") {
			if farm == "gl" || farm == "gl32" {
				want = "ro" // a bind of the legacy directory
			}
		}
		found := false
		for _, line := range strings.Split(string(info), "\n") {
			// mountinfo: ID PARENT MAJ:MIN ROOT POINT OPTIONS ...
			if fields := strings.Fields(line); len(fields) > 5 && fields[4] == dir {
				found = true
				if opts := fields[5]; !strings.HasPrefix(opts, want) {
					t.Errorf("%s is mounted %s, want %s", farm, opts, want)
				}
			}
		}
		if !found {
			t.Errorf("%s is not a mount point", farm)
		}
	}
}
