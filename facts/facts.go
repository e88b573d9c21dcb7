package facts

import (
	"errors"
	"fmt"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
)

// Facts is everything about the host that a profile may depend on. Each
// field's `fact` tag is its name in Starlark (facts.NAME) and on the
// command line (--fact NAME=VALUE).
type Facts struct {
	// Classic is false on all-snap systems (Ubuntu Core).
	Classic bool `fact:"classic"`
	// MergedUsr is true when /lib is a symlink to usr/lib.
	MergedUsr bool `fact:"merged_usr"`
	// SnapMountDir is where snaps are mounted: /snap or /var/lib/snapd/snap.
	SnapMountDir string `fact:"snap_mount_dir"`
	// Base is the name of the base snap ("core", "ubuntu-core"), "" when
	// none is installed.
	Base string `fact:"base"`
	// BaseDir is the root file system of the base as the host sees it,
	// e.g. /snap/core/current; "" when there is none.
	BaseDir string `fact:"base_dir"`
	// BaseEntries are the top-level entries of BaseDir, sorted by name,
	// so that a profile can replicate the base on a tmpfs root the way
	// snap-confine does (Starlark cannot read directories).
	BaseEntries []Entry `fact:"base_entries"`
	// BasePaths lists which of BaseWatchedPaths the base has as a
	// directory or a file (extra.go), for the /etc items taken from it.
	BasePaths []string `fact:"base_paths"`
	// RootEntries are the top-level entries of the host's /, for profiles
	// that use the host itself as the base.
	RootEntries []Entry `fact:"root_entries"`
	// Distro, DistroVersion and DistroVariant are ID, VERSION_ID and
	// VARIANT_ID from os-release(5).
	Distro        string `fact:"distro"`
	DistroVersion string `fact:"distro_version"`
	DistroVariant string `fact:"distro_variant"`
	// SnapName is the snap being launched (set by the command line).
	SnapName string `fact:"snap_name"`
	// HostPaths lists which of WatchedPaths exist on the host, in the
	// order of WatchedPaths, so that a profile can gate an op on a host
	// path the way snap-confine gates on access(2).
	HostPaths []string `fact:"host_paths"`
	// Arch is the Debian architecture name; ArchTriplet and BiarchTriplet
	// are the multiarch triplets of the native and (where there is one)
	// the 32-bit compatible userspace.
	Arch          string `fact:"arch"`
	ArchTriplet   string `fact:"arch_triplet"`
	BiarchTriplet string `fact:"biarch_triplet"`
	// NVIDIA is the host's NVIDIA driver.
	NVIDIA NVIDIA `fact:"nvidia"`
}

// Entry is one top-level entry of a directory.
type Entry struct {
	Name string `fact:"name"`
	// Type is "dir", "file", "symlink" or "other".
	Type string `fact:"type"`
	// Target is the link text of a symlink, "" otherwise.
	Target string `fact:"target"`
}

// WatchedPaths are the host paths whose existence HostPaths reports.
// They are the optional and host-gated entries of snap-confine's mount
// list (snap-confine.md §1.4, §2.2).
var WatchedPaths = []string{
	"/etc/alternatives",
	"/etc/apparmor",
	"/etc/apparmor.d",
	"/etc/nsswitch.conf",
	"/etc/ssl",
	"/home",
	"/lib/firmware",
	"/lib/modules",
	"/media",
	"/mnt",
	"/root",
	"/run/media",
	"/run/netns",
	"/usr/src",
	"/var/lib/extrausers",
	"/var/log",
	"/var/snap",
	"/writable",
}

// Snap mount directories (snap-confine.md §2.7).
const (
	SnapMountDirDefault = "/snap"
	SnapMountDirAlt     = "/var/lib/snapd/snap"
)

// Gather reads the facts of the host whose root directory is root ("/"
// normally). A missing file means the fact takes its default; only a
// host that contradicts itself (say, /snap a symlink to somewhere odd)
// is an error.
//
// It runs at the start of every launch, so it asks the kernel as little
// as it can: one read of the root directory answers, from each entry's
// type, whether /lib and /snap are symlinks and which top-level watched
// paths exist, and files are read with plain system calls, no os.File.
func Gather(root string) (Facts, error) {
	var f Facts
	if root == "" {
		return f, errors.New("facts: empty root directory")
	}
	if root != "/" {
		if fi, err := os.Stat(root); err != nil {
			return f, fmt.Errorf("facts: %w", err)
		} else if !fi.IsDir() {
			return f, fmt.Errorf("facts: %s: not a directory", root)
		}
	}
	host := hostRoot(root)

	osr, err := readOSRelease(host)
	if err != nil {
		return f, err
	}
	f.Distro = osr.ID
	f.DistroVersion = osr.VersionID
	f.DistroVariant = osr.VariantID
	f.Classic = !(osr.ID == "ubuntu-core" || (osr.ID == "ubuntu" && osr.VariantID == "snappy"))

	if f.RootEntries, err = readEntries(root); err != nil {
		return f, err
	}
	if lib, ok := findEntry(f.RootEntries, "lib"); ok && lib.Type == "symlink" {
		f.MergedUsr = path.Clean(strings.TrimPrefix(lib.Target, "/")) == "usr/lib"
	}
	if f.SnapMountDir, err = snapMountDir(f.RootEntries); err != nil {
		return f, err
	}
	for _, base := range []string{"core", "ubuntu-core"} {
		dir := path.Join(f.SnapMountDir, base, "current")
		if host.isDir(dir) {
			f.Base, f.BaseDir = base, dir
			break
		}
	}
	if f.BaseDir != "" {
		if f.BaseEntries, err = readEntries(host.path(f.BaseDir)); err != nil {
			return f, err
		}
		f.BasePaths = basePaths(host.lpath, f.BaseDir)
	}
	for _, p := range WatchedPaths {
		if host.existsIn(f.RootEntries, p) {
			f.HostPaths = append(f.HostPaths, p)
		}
	}
	f.Arch, f.ArchTriplet, f.BiarchTriplet = archOf(runtime.GOARCH)
	if f.NVIDIA, err = gatherNVIDIA(root); err != nil {
		return f, fmt.Errorf("facts: nvidia: %w", err)
	}
	return f, nil
}

// snapMountDir probes the snap mount directory the way snap-confine has
// since 2024 (snap-dir.c), from the entries of the root directory: /snap
// a directory means /snap; absent means /var/lib/snapd/snap; a symlink
// must point at /var/lib/snapd/snap.
func snapMountDir(rootEntries []Entry) (string, error) {
	e, ok := findEntry(rootEntries, SnapMountDirDefault[1:])
	switch {
	case !ok:
		return SnapMountDirAlt, nil
	case e.Type == "symlink":
		if path.Clean("/"+e.Target) != SnapMountDirAlt {
			return "", fmt.Errorf("facts: snap mount dir: /snap is a symlink to %q, want %s", e.Target, SnapMountDirAlt)
		}
		return SnapMountDirAlt, nil
	case e.Type == "dir":
		return SnapMountDirDefault, nil
	default:
		return "", fmt.Errorf("facts: snap mount dir: /snap is neither a directory nor a symlink")
	}
}

// findEntry finds name in entries sorted by name.
func findEntry(entries []Entry, name string) (Entry, bool) {
	i, ok := slices.BinarySearchFunc(entries, name, func(e Entry, name string) int { return strings.Compare(e.Name, name) })
	if !ok {
		return Entry{}, false
	}
	return entries[i], true
}

// archOf maps a Go architecture to its Debian name and multiarch triplets.
func archOf(goarch string) (arch, triplet, biarch string) {
	switch goarch {
	case "amd64":
		return "amd64", "x86_64-linux-gnu", "i386-linux-gnu"
	case "386":
		return "i386", "i386-linux-gnu", ""
	case "arm64":
		return "arm64", "aarch64-linux-gnu", ""
	case "arm":
		return "armhf", "arm-linux-gnueabihf", ""
	case "ppc64le":
		return "ppc64el", "powerpc64le-linux-gnu", ""
	case "s390x":
		return "s390x", "s390x-linux-gnu", ""
	case "riscv64":
		return "riscv64", "riscv64-linux-gnu", ""
	}
	return goarch, "", ""
}
