package nvidia

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"confine/plan"
)

// Paths of the exposed driver, as snaps see them.
const (
	// LibDir holds the farms gl, gl32, vulkan and glvnd.
	LibDir = "/var/lib/snapd/lib"
	// HostFS is where the host's root is found after pivot_root.
	HostFS = "/var/lib/snapd/hostfs"
)

// Options say where Expand puts things.
type Options struct {
	// Root is the new root before pivot_root, usually plan.Scratch; the
	// farms go to Root+LibDir. "" means "/" (a program that runs after
	// the pivot, or a test).
	Root string
	// Base is the snap's base; the host's libglvnd is exposed only to
	// base "core" (snapd PR #11023).
	Base string
	// HostFS is where the links point to reach the host after the pivot;
	// "" means HostFS.
	HostFS string
	// HostDir is where the root the facts were gathered from lies on
	// this machine before the pivot ("" means "/"). A launch leaves it
	// empty; a test that gathered facts from a fixture in a temporary
	// directory sets it to that directory, so that the program reaches
	// the fixture's files.
	HostDir string
}

// Expand returns the ops that expose the driver described by f. It
// returns no op when the module is not loaded, and only the Vulkan and
// EGL vendor farms (if any) when no library was found.
//
// The method is snap-confine's, for the same reasons:
//
//   - Multiarch, Biarch and Loader libraries become a symlink farm: a
//     tmpfs at LibDir/gl (nodev, noexec, mode=755, the spelling
//     mountinfo shows) holding one symlink per library into HostFS,
//     then "mount -o remount,bind,ro,nodev,noexec". That is one mount
//     per directory where per-file binds (the CDI model of
//     peers.md §4.2) would add one
//     mount (and one mountinfo line, and one more propagation target)
//     per library, dozens of them on every launch; the links also let a
//     later source override an earlier one (biarch's
//     "{lib, lib/nvidia*}" order) without stacking mounts. The price is
//     that the links resolve only after pivot_root, when the host's root
//     is at HostFS.
//   - Unlike snap-confine, the remount repeats nodev,noexec: a
//     MS_REMOUNT|MS_BIND call sets the per-mount flags to exactly those
//     given, so snapd's bare MS_RDONLY clears the noexec and nodev it
//     had asked for on the tmpfs (seen on kernel 6.18: the mount goes
//     from "rw,nodev,noexec,relatime" to "ro,relatime"; mount(8) hides
//     this by re-adding the current flags itself).
//   - The Ubuntu Legacy layout binds /usr/lib/nvidia-<major> (and the
//     lib32 twin) on gl (gl32), then remounts it ro,nosuid,nodev, which
//     snap-confine does not do but the farms get. Not noexec: unlike the
//     farms, this mount holds the libraries themselves, and ld.so cannot
//     map a library from a noexec mount.
//   - Vulkan ICDs and EGL vendor files are farmed the same way into
//     vulkan/icd.d and glvnd/egl_vendor.d.
//
// Libglvnd dispatch libraries (f.GLVND) are left out of the farms unless
// o.Base is "core". The ops are ordered mkdir, mount, sub-directories and
// links sorted by name, remount, farm by farm (gl, gl32, vulkan, glvnd),
// so that the same facts always give the same program. Errors report
// facts that contradict themselves (most likely a bad --fact override).
func Expand(f Facts, o Options) ([]plan.Op, error) {
	if f.Version == "" {
		return nil, nil
	}
	if o.HostFS == "" {
		o.HostFS = HostFS
	}
	if o.HostDir == "" {
		o.HostDir = "/"
	}
	if o.Root == "" {
		o.Root = "/"
	}
	withhold := map[string]bool{}
	if o.Base != "core" {
		for _, name := range f.GLVND {
			withhold[name] = true
		}
	}
	e := expander{o: o}
	e.mkdir(LibDir)
	switch f.Layout {
	case Legacy:
		if len(f.GL) > 0 || len(f.GL32) > 0 {
			return nil, fmt.Errorf("fact nvidia.layout: layout %s takes legacy_dir, not gl or gl32 entries", Legacy)
		}
		if err := e.bind(f.LegacyDir, "gl"); err != nil {
			return nil, err
		}
		if err := e.bind(f.LegacyDir32, "gl32"); err != nil {
			return nil, err
		}
	case Multiarch, Biarch, Loader, None:
		if f.LegacyDir != "" || f.LegacyDir32 != "" {
			return nil, fmt.Errorf("fact nvidia.layout: layout %s takes no legacy_dir", f.Layout)
		}
		if f.Layout == None && (len(f.GL) > 0 || len(f.GL32) > 0) {
			return nil, fmt.Errorf("fact nvidia.layout: layout %s takes no gl or gl32 entries", None)
		}
		if err := e.farm("gl", "gl", f.GL, withhold); err != nil {
			return nil, err
		}
		if err := e.farm("gl32", "gl32", f.GL32, withhold); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("fact nvidia.layout: got %q, want %s, %s, %s, %s or %s", f.Layout, Multiarch, Legacy, Biarch, Loader, None)
	}
	if err := e.farm("vulkan", "vulkan", f.Vulkan, nil); err != nil {
		return nil, err
	}
	if err := e.farm("egl_vendor", "glvnd", f.EGLVendor, nil); err != nil {
		return nil, err
	}
	if len(e.ops) == 1 {
		// Only the mkdir of LibDir: nothing to expose (LXD, PR #2881).
		return nil, nil
	}
	return e.ops, nil
}

// expander accumulates the ops of one expansion.
type expander struct {
	o   Options
	ops []plan.Op
}

// target is p (under LibDir or LibDir itself) inside the new root.
func (e *expander) target(p string) string {
	if e.o.Root == "/" {
		return p
	}
	return e.o.Root + p
}

func (e *expander) mkdir(p string) {
	e.ops = append(e.ops, plan.Op{Kind: plan.Mkdir, Target: e.target(p), Mode: 0o755})
}

// bind exposes a whole host directory (the Legacy layout).
func (e *expander) bind(dir, farm string) error {
	if dir == "" {
		return nil
	}
	if !path.IsAbs(dir) || path.Clean(dir) != dir {
		return fmt.Errorf("fact nvidia.legacy_dir: %q is not clean and absolute", dir)
	}
	t := e.target(path.Join(LibDir, farm))
	e.mkdir(path.Join(LibDir, farm))
	e.ops = append(e.ops,
		plan.Op{Kind: plan.Bind, Source: path.Join(e.o.HostDir, dir), Target: t},
		plan.Op{Kind: plan.Remount, Target: t, Options: "ro,nosuid,nodev"})
	return nil
}

// farm builds a tmpfs of symlinks named after items at LibDir/farm.
func (e *expander) farm(fact, farm string, items []string, withhold map[string]bool) error {
	byName := map[string]Entry{}
	for _, item := range items {
		entry, err := ParseEntry(item)
		if err != nil {
			return fmt.Errorf("fact nvidia.%s: %w", fact, err)
		}
		if !withhold[entry.Name] {
			byName[entry.Name] = entry // a later source replaces an earlier one
		}
	}
	if len(byName) == 0 {
		return nil
	}
	names := make([]string, 0, len(byName))
	dirs := map[string]bool{}
	for name := range byName {
		names = append(names, name)
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for d := range dirs {
		if _, ok := byName[d]; ok {
			return fmt.Errorf("fact nvidia.%s: %q is both a file and a directory", fact, d)
		}
		names = append(names, d+"/")
	}
	sort.Strings(names)
	t := e.target(path.Join(LibDir, farm))
	e.mkdir(path.Join(LibDir, farm))
	e.ops = append(e.ops, plan.Op{Kind: plan.Mount, FSType: "tmpfs", Source: "none", Target: t, Options: "nodev,noexec,mode=755"})
	for _, name := range names {
		if d, ok := strings.CutSuffix(name, "/"); ok {
			e.ops = append(e.ops, plan.Op{Kind: plan.Mkdir, Target: t + "/" + d, Mode: 0o755})
			continue
		}
		entry := byName[name]
		e.ops = append(e.ops, plan.Op{Kind: plan.Symlink, Source: e.linkText(entry), Target: t + "/" + name})
	}
	e.ops = append(e.ops, plan.Op{Kind: plan.Remount, Target: t, Options: "ro,nodev,noexec"})
	return nil
}

// linkText is what a farm link holds: a regular file is reached through
// HostFS, an absolute symlink's target likewise, and a relative symlink
// keeps its text, resolving among its neighbours in the farm.
func (e *expander) linkText(entry Entry) string {
	switch {
	case !entry.Symlink:
		return path.Join(e.o.HostFS, e.o.HostDir, entry.Path)
	case path.IsAbs(entry.Target):
		return path.Join(e.o.HostFS, e.o.HostDir, entry.Target)
	}
	return entry.Target
}
