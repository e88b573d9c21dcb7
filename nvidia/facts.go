package nvidia

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"unicode"
)

// Layouts of the host's NVIDIA userspace (snap-confine.md §3.2).
const (
	// Multiarch is Debian/Ubuntu since 18.04: the libraries live in
	// /usr/lib/<triplet>, recognised by the canary
	// libnvidia-glcore.so.<version>; they are exposed as a symlink farm.
	Multiarch = "multiarch"
	// Legacy is Ubuntu before 18.04: /usr/lib/nvidia-<major> (and
	// /usr/lib32/nvidia-<major>), bound as a whole. It is also the
	// fallback of a multiarch host whose canary is missing.
	Legacy = "legacy"
	// Biarch is Arch, Fedora, openSUSE and Solus: the libraries live in
	// the 64-bit and 32-bit library directories and their nvidia*
	// sub-directories; they are exposed as a symlink farm.
	Biarch = "biarch"
	// None means the kernel module is loaded but no userspace library
	// was found (a container such as LXD, or a half-installed driver).
	None = "none"
)

// Facts is what Gather learns about the host's NVIDIA driver. It is
// stored in the facts package as facts.NVIDIA, so every field carries the
// `fact` tag that names it in Starlark (facts.nvidia.NAME) and on the
// command line (--fact nvidia.NAME=VALUE). Lists are plain strings so
// that all of them can be overridden from the command line.
type Facts struct {
	// Version is the contents of /sys/module/nvidia/version without the
	// trailing newline ("470.82", "440.33.01"); "" when the module is not
	// loaded, in which case every other field is empty.
	Version string `fact:"version"`
	// Layout is Multiarch, Legacy, Biarch, Loader or None.
	Layout string `fact:"layout"`
	// LegacyDir and LegacyDir32 are the directories a Legacy layout binds
	// to gl and gl32 ("" when absent).
	LegacyDir   string `fact:"legacy_dir"`
	LegacyDir32 string `fact:"legacy_dir32"`
	// GL and GL32 are the libraries of a Multiarch, Biarch or Loader
	// layout, in source order (a later entry with the same name replaces
	// an earlier one, as snap-confine's "order is absolutely imperative"
	// rule says), each encoded as Entry.String.
	GL   []string `fact:"gl"`
	GL32 []string `fact:"gl32"`
	// Vulkan are the Vulkan ICD files (/usr/share/vulkan/icd.d/*nvidia*.json).
	Vulkan []string `fact:"vulkan"`
	// EGLVendor are the EGL vendor files
	// (/usr/share/glvnd/egl_vendor.d/*nvidia*.json), exposed in glvnd.
	EGLVendor []string `fact:"egl_vendor"`
	// GLVND names the entries of GL and GL32 that are libglvnd dispatch
	// libraries, withheld from snaps whose base is not "core".
	GLVND []string `fact:"glvnd_libs"`
}

// Entry is one file exposed in a farm: its name inside the farm (a clean
// relative path such as "libcuda.so.1" or "tls/libnvidia-tls.so.470.82"),
// the host path it was found at, and, for a symlink, its link text.
type Entry struct {
	Name    string
	Path    string
	Symlink bool
	Target  string
}

// String encodes the entry as a fact list item: "NAME=PATH" for a file,
// "NAME=PATH->TARGET" for a symlink.
func (e Entry) String() string {
	if e.Symlink {
		return e.Name + "=" + e.Path + "->" + e.Target
	}
	return e.Name + "=" + e.Path
}

// ParseEntry decodes Entry.String and checks that the name cannot leave
// the farm and that the path is absolute.
func ParseEntry(s string) (Entry, error) {
	name, rest, ok := strings.Cut(s, "=")
	if !ok {
		return Entry{}, fmt.Errorf("entry %q: got no '=', want NAME=PATH or NAME=PATH->TARGET", s)
	}
	e := Entry{Name: name, Path: rest}
	if p, target, ok := strings.Cut(rest, "->"); ok {
		e.Path, e.Target, e.Symlink = p, target, true
		if target == "" {
			return Entry{}, fmt.Errorf("entry %q: empty symlink target", s)
		}
	}
	if name == "" || path.IsAbs(name) || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") {
		return Entry{}, fmt.Errorf("entry %q: name %q is not a clean relative path inside the farm", s, name)
	}
	if !path.IsAbs(e.Path) || path.Clean(e.Path) != e.Path {
		return Entry{}, fmt.Errorf("entry %q: path %q is not clean and absolute", s, e.Path)
	}
	return e, nil
}

// encodable reports whether a name, path or link text can be stored in a
// fact list without confusing ParseEntry, the command line's list syntax
// or the one-line text form of the program (no whitespace, no control
// characters). Gather skips files that fail it.
func encodable(s string) bool {
	if s == "" || strings.ContainsAny(s, "=,") || strings.Contains(s, "->") {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '"' || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}

// Driver reports whether the kernel module is loaded.
func (f Facts) Driver() bool { return f.Version != "" }

// Major is the leading integer of the version, "" without a driver.
func (f Facts) Major() string {
	major, _, _ := strings.Cut(f.Version, ".")
	return major
}

// Lines renders the facts one per line in field order, "name=value" for a
// string and one "name+=item" line per list item, for goldens and
// debugging.
func (f Facts) Lines() []string {
	lines := []string{
		"version=" + f.Version,
		"layout=" + f.Layout,
		"legacy_dir=" + f.LegacyDir,
		"legacy_dir32=" + f.LegacyDir32,
	}
	for _, l := range []struct {
		name  string
		items []string
	}{{"gl", f.GL}, {"gl32", f.GL32}, {"vulkan", f.Vulkan}, {"egl_vendor", f.EGLVendor}, {"glvnd_libs", f.GLVND}} {
		if len(l.items) == 0 {
			lines = append(lines, l.name+"=")
		}
		for _, item := range l.items {
			lines = append(lines, l.name+"+="+item)
		}
	}
	return lines
}

func sortStrings(s []string) { sort.Strings(s) }
