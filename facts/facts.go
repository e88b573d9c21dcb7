package facts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
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
func Gather(root string) (Facts, error) {
	var f Facts
	if root == "" {
		return f, errors.New("facts: empty root directory")
	}
	if fi, err := os.Stat(root); err != nil {
		return f, fmt.Errorf("facts: %w", err)
	} else if !fi.IsDir() {
		return f, fmt.Errorf("facts: %s: not a directory", root)
	}
	host := hostRoot(root)
	rel, resolve := host.lpath, host.path

	osr, err := readOSRelease(host)
	if err != nil {
		return f, err
	}
	f.Distro = osr.ID
	f.DistroVersion = osr.VersionID
	f.DistroVariant = osr.VariantID
	f.Classic = !(osr.ID == "ubuntu-core" || (osr.ID == "ubuntu" && osr.VariantID == "snappy"))

	if target, err := os.Readlink(rel("/lib")); err == nil {
		f.MergedUsr = path.Clean(strings.TrimPrefix(target, "/")) == "usr/lib"
	}

	f.SnapMountDir, err = snapMountDir(rel)
	if err != nil {
		return f, err
	}
	for _, base := range []string{"core", "ubuntu-core"} {
		dir := path.Join(f.SnapMountDir, base, "current")
		if fi, err := host.stat(dir); err == nil && fi.IsDir() {
			f.Base, f.BaseDir = base, dir
			break
		}
	}
	if f.BaseDir != "" {
		if f.BaseEntries, err = readEntries(resolve(f.BaseDir)); err != nil {
			return f, err
		}
		f.BasePaths = basePaths(rel, f.BaseDir)
	}
	if f.RootEntries, err = readEntries(root); err != nil {
		return f, err
	}
	for _, p := range WatchedPaths {
		if _, err := host.stat(p); err == nil {
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
// since 2024 (snap-dir.c): /snap a directory means /snap; absent means
// /var/lib/snapd/snap; a symlink must point at /var/lib/snapd/snap.
func snapMountDir(rel func(string) string) (string, error) {
	fi, err := os.Lstat(rel(SnapMountDirDefault))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return SnapMountDirAlt, nil
	case err != nil:
		return "", fmt.Errorf("facts: snap mount dir: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(rel(SnapMountDirDefault))
		if err != nil {
			return "", fmt.Errorf("facts: snap mount dir: %w", err)
		}
		if path.Clean("/"+target) != SnapMountDirAlt {
			return "", fmt.Errorf("facts: snap mount dir: /snap is a symlink to %q, want %s", target, SnapMountDirAlt)
		}
		return SnapMountDirAlt, nil
	case fi.IsDir():
		return SnapMountDirDefault, nil
	default:
		return "", fmt.Errorf("facts: snap mount dir: /snap is neither a directory nor a symlink")
	}
}

// readEntries lists the top-level entries of dir, sorted by name.
func readEntries(dir string) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("facts: %w", err)
	}
	entries := make([]Entry, 0, len(des))
	for _, de := range des {
		e := Entry{Name: de.Name(), Type: "other"}
		switch t := de.Type(); {
		case t.IsDir():
			e.Type = "dir"
		case t.IsRegular():
			e.Type = "file"
		case t&fs.ModeSymlink != 0:
			e.Type = "symlink"
			if e.Target, err = os.Readlink(filepath.Join(dir, de.Name())); err != nil {
				return nil, fmt.Errorf("facts: %w", err)
			}
		}
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries, nil
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
