package nvidia_test

import (
	"errors"
	"path"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/kernel"
	"confine/kernel/fake"
	"confine/nvidia"
	"confine/plan"
)

// TestFakeKernel simulates each fixture's program on the fake kernel, the
// way snapd's interfaces-opengl-nvidia test runs a snap: the host's
// namespace holds the fixture's files, the snap's namespace is unshared
// from it, and the program is the nvidia expansion between a tmpfs new
// root and pivot_root, so the farm's links resolve through hostfs as
// they do in a snap. Each visible path must reach the very host file
// (same device and inode) the expectation names.
func TestFakeKernel(t *testing.T) {
	for _, ex := range expectations {
		t.Run(ex.fixture+"/"+ex.base, func(t *testing.T) {
			fx := fixtureNamed(t, ex.fixture)
			f, err := nvidia.Gather(fx.build(t), amd64)
			if err != nil {
				t.Fatal(err)
			}
			ops, err := nvidia.Expand(f, nvidia.Options{Root: plan.Scratch, Base: ex.base})
			if err != nil {
				t.Fatal(err)
			}
			prog := &plan.Program{Profile: "fake_test", Ops: append(append(bootstrap(), ops...),
				plan.Op{Kind: plan.Pivot, Target: plan.Scratch, Source: plan.Scratch + nvidia.HostFS})}

			host := fake.New().Init()
			seed(t, host, fx)
			snap, err := host.Unshare()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := executor.Execute(prog, snap, executor.Options{}); err != nil {
				t.Fatalf("%v\nprogram:\n%s", err, prog.Text())
			}
			checkFake(t, host, snap, ex)
		})
	}
}

// seed creates the fixture's files in the host's namespace of the fake,
// parents first. Regular files are empty: the fake compares identities,
// not contents.
func seed(t *testing.T, host *fake.Proc, fx fixture) {
	t.Helper()
	mkdirs := func(p string) {
		for i := 1; i <= len(p); i++ {
			if i == len(p) || p[i] == '/' {
				if err := host.Mkdir(p[:i], 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
					t.Fatal(err)
				}
			}
		}
	}
	mkdirs("/tmp")
	paths := make([]string, 0, len(fx.files))
	for p := range fx.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		v := fx.files[p]
		if strings.HasSuffix(p, "/") {
			mkdirs(strings.TrimSuffix(p, "/"))
			continue
		}
		mkdirs(path.Dir(p))
		var err error
		if target, ok := strings.CutPrefix(v, "-> "); ok {
			err = host.Symlink(target, p)
		} else {
			err = host.CreateFile(p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// identity resolves name (following symlinks) in proc and returns the
// device and inode of the file found.
func identity(proc kernel.Syscalls, name string) (kernel.Stat, error) {
	resolved, release, err := proc.Resolve("", name)
	if err != nil {
		return kernel.Stat{}, err
	}
	defer release()
	return proc.Lstat(resolved)
}

// checkFake checks ex in the snap's namespace after pivot_root.
func checkFake(t *testing.T, host, snap kernel.Syscalls, ex expectation) {
	t.Helper()
	for p, hostPath := range ex.visible {
		snapPath := path.Join(nvidia.LibDir, p)
		got, err := identity(snap, snapPath)
		if err != nil {
			t.Errorf("%s is not visible in the snap: %v", snapPath, err)
			continue
		}
		want, err := identity(host, hostPath)
		if err != nil {
			t.Fatalf("host file %s: %v", hostPath, err)
		}
		if !got.Mode.IsRegular() || got.Dev != want.Dev || got.Ino != want.Ino {
			t.Errorf("%s in the snap is %v, dev %d ino %d, want the host's %s, %v, dev %d ino %d",
				snapPath, got.Mode, got.Dev, got.Ino, hostPath, want.Mode, want.Dev, want.Ino)
		}
	}
	for _, p := range ex.absent {
		snapPath := path.Join(nvidia.LibDir, p)
		if _, err := identity(snap, snapPath); err == nil {
			t.Errorf("%s is visible in the snap, want it absent", snapPath)
		} else if !errors.Is(err, unix.ENOENT) {
			t.Errorf("looking up %s in the snap: %v, want ENOENT", snapPath, err)
		}
	}
	info, err := snap.MountInfo()
	if err != nil {
		t.Fatal(err)
	}
	for _, farm := range []string{"gl", "gl32", "vulkan", "glvnd"} {
		dir := path.Join(nvidia.LibDir, farm)
		if _, err := snap.Lstat(dir); err != nil {
			continue
		}
		if err := snap.Mkdir(dir+"/probe", 0o755); !errors.Is(err, unix.EROFS) {
			t.Errorf("mkdir in %s: %v, want EROFS (a read-only mount)", farm, err)
		}
		found := false
		for _, line := range strings.Split(string(info), "\n") {
			if fields := strings.Fields(line); len(fields) > 5 && fields[4] == dir {
				found = true
				want := "ro,nodev,noexec," // a farm: a tmpfs of links
				if fields[3] != "/" {
					want = "ro,nosuid,nodev," // a bind of a legacy directory
				}
				if !strings.HasPrefix(fields[5]+",", want) {
					t.Errorf("%s is mounted %s, want %s...", farm, fields[5], want)
				}
			}
		}
		if !found {
			t.Errorf("%s is not a mount point in the snap", farm)
		}
	}
	// The host never sees the farms: they were mounted in the snap's
	// namespace only, under the scratch directory (or under a slave
	// rbind of the host's /var/lib/snapd, in the shipped profiles).
	hostInfo, err := host.MountInfo()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(hostInfo), "\n") {
		if fields := strings.Fields(line); len(fields) > 5 && strings.HasPrefix(fields[4], nvidia.LibDir) {
			t.Errorf("the host has a mount at %s, want the snap's mounts kept from it", fields[4])
		}
	}
}
