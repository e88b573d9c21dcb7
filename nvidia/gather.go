package nvidia

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Arch says where the host keeps its libraries, by architecture.
type Arch struct {
	// Triplet and Triplet32 are the multiarch triplets of the native and
	// the 32-bit compatible userspace ("x86_64-linux-gnu",
	// "i386-linux-gnu"); Triplet32 is "" where there is none.
	Triplet   string
	Triplet32 string
	// Is64 selects a 32-bit library directory on biarch hosts.
	Is64 bool
}

// Gather reads the NVIDIA facts of the host whose root directory is root.
//
// It reads /sys/module/nvidia/version and stops there when the module is
// not loaded. Otherwise it picks the layout the way a snapd package built
// for the host would:
//
//   - a host with /usr/lib/<triplet> is Debian-like: Multiarch when the
//     canary /usr/lib/<triplet>/libnvidia-glcore.so.<version> exists
//     (its 32-bit twin decides gl32), else Legacy when
//     /usr/lib/nvidia-<major> or /usr/lib32/nvidia-<major> exists, else
//     None (module loaded without matching userspace: LXD, or a driver
//     upgraded without a reboot);
//   - any other host is Biarch: the 64-bit library directory (/usr/lib64
//     when it is a real directory, else /usr/lib) and its nvidia*
//     sub-directories feed gl, the 32-bit one (/usr/lib32, else /usr/lib)
//     feeds gl32 on 64-bit hosts; None when nothing matches;
//   - where that finds nothing, a directory of the dynamic loader's
//     configuration holding the canary makes the Loader layout (beyond
//     snap-confine; see Loader).
//
// Only the directories named above (and their tls/, vdpau/, gbm/
// sub-directories) are read, once each, and names are matched with an
// index of the glob list, so gathering stays cheap enough for every
// launch. Everything returned is sorted or in snapd's source order, so
// the same tree always gives the same facts.
func Gather(root string, arch Arch) (Facts, error) {
	var f Facts
	var err error
	if f.Version, err = readVersion(root); err != nil || f.Version == "" {
		return f, err
	}
	f.Layout = None
	var gl, gl32 []Entry
	if arch.Triplet != "" && isDirIn(root, "/usr/lib/"+arch.Triplet) {
		gl, gl32, err = gatherDebian(root, arch, &f)
	} else {
		gl, gl32, err = gatherBiarch(root, arch, &f)
	}
	if err != nil {
		return f, err
	}
	if f.Layout == None {
		if dir := loaderLayout(root, f.Version); dir != "" {
			f.Layout = Loader
			if gl, err = scan(root, dir, libMatcher()); err != nil {
				return f, err
			}
		}
	}
	f.GL, f.GL32 = encode(gl), encode(gl32)
	f.GLVND = glvndNames(gl, gl32)
	vulkan, err := scan(root, "/usr/share/vulkan", vulkanMatcher())
	if err != nil {
		return f, err
	}
	egl, err := scan(root, "/usr/share/glvnd", eglVendorMatcher())
	if err != nil {
		return f, err
	}
	f.Vulkan, f.EGLVendor = encode(vulkan), encode(egl)
	return f, nil
}

// gatherDebian picks Multiarch, Legacy or None on a Debian-like host.
func gatherDebian(root string, arch Arch, f *Facts) (gl, gl32 []Entry, err error) {
	canary := "libnvidia-glcore.so." + f.Version
	dir := "/usr/lib/" + arch.Triplet
	if existsIn(root, path.Join(dir, canary)) {
		f.Layout = Multiarch
		if gl, err = scan(root, dir, libMatcher()); err != nil {
			return nil, nil, err
		}
		dir32 := "/usr/lib/" + arch.Triplet32
		if arch.Triplet32 != "" && existsIn(root, path.Join(dir32, canary)) {
			if gl32, err = scan(root, dir32, libMatcher()); err != nil {
				return nil, nil, err
			}
		}
		return gl, gl32, nil
	}
	legacy := "/usr/lib/nvidia-" + f.Major()
	legacy32 := "/usr/lib32/nvidia-" + f.Major()
	if isDirIn(root, legacy) {
		f.LegacyDir = legacy
	}
	if isDirIn(root, legacy32) {
		f.LegacyDir32 = legacy32
	}
	if f.LegacyDir != "" || f.LegacyDir32 != "" {
		f.Layout = Legacy
	}
	return nil, nil, nil
}

// gatherBiarch picks Biarch or None on any other host. The 64-bit library
// directory is /usr/lib64 when it is a real directory (Fedora, openSUSE,
// Solus), else /usr/lib (Arch, where lib64 is a link to lib); the 32-bit
// one is /usr/lib32 when it is a real directory, else /usr/lib.
func gatherBiarch(root string, arch Arch, f *Facts) (gl, gl32 []Entry, err error) {
	libdir, lib32dir := "/usr/lib", "/usr/lib32"
	if realDir(root, "/usr/lib64") {
		libdir = "/usr/lib64"
		if !realDir(root, lib32dir) {
			lib32dir = "/usr/lib"
		}
	}
	if gl, err = scanBiarch(root, libdir); err != nil {
		return nil, nil, err
	}
	if arch.Is64 {
		if gl32, err = scanBiarch(root, lib32dir); err != nil {
			return nil, nil, err
		}
	}
	if len(gl) > 0 || len(gl32) > 0 {
		f.Layout = Biarch
	}
	return gl, gl32, nil
}

// scanBiarch scans a biarch library directory, then each of its nvidia*
// sub-directories in name order (snap-confine's "{dir, dir/nvidia*}").
func scanBiarch(root, dir string) ([]Entry, error) {
	entries, err := scan(root, dir, libMatcher())
	if err != nil {
		return nil, err
	}
	_, des, err := readDirIn(root, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	for _, de := range des {
		sub := path.Join(dir, de.Name())
		if !strings.HasPrefix(de.Name(), "nvidia") || !isDirIn(root, sub) {
			continue
		}
		more, err := scan(root, sub, libMatcher())
		if err != nil {
			return nil, err
		}
		entries = append(entries, more...)
	}
	return entries, nil
}

// scan lists the files of the host directory dir (and of the
// sub-directories the globs name) that m matches. Regular files and
// symlinks are kept, anything else is ignored, as snap-confine does.
// Names that cannot be stored in a fact list (they hold '=', ',' or "->")
// are skipped.
func scan(root, dir string, m *matcher) ([]Entry, error) {
	var entries []Entry
	for _, sub := range m.dirs {
		d := path.Join(dir, sub)
		real, des, err := readDirIn(root, d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d, err)
		}
		for _, de := range des {
			name := de.Name()
			if !m.match(sub, name) {
				continue
			}
			e := Entry{Name: path.Join(sub, name), Path: path.Join(d, name)}
			switch t := de.Type(); {
			case t.IsRegular():
			case t&fs.ModeSymlink != 0:
				var err error
				if e.Target, err = os.Readlink(filepath.Join(real, name)); err != nil {
					return nil, fmt.Errorf("%s: %w", e.Path, err)
				}
				e.Symlink = true
			default:
				continue
			}
			if !encodable(e.Name) || !encodable(e.Path) || (e.Symlink && !encodable(e.Target)) {
				continue
			}
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// encode renders entries as fact list items.
func encode(entries []Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.String())
	}
	return out
}

// glvndNames lists, sorted and once each, the farm names among entries
// that are libglvnd dispatch libraries.
func glvndNames(lists ...[]Entry) []string {
	seen := map[string]bool{}
	var names []string
	for _, entries := range lists {
		for _, e := range entries {
			dir, base := path.Split(e.Name)
			if !seen[e.Name] && glvndMatcher().match(strings.TrimSuffix(dir, "/"), base) {
				seen[e.Name] = true
				names = append(names, e.Name)
			}
		}
	}
	sortStrings(names)
	return names
}
