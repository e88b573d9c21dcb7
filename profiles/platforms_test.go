package profiles

import (
	"strings"

	"confine/facts"
)

// Fixed host facts for the golden plans: one typical host per platform,
// written out here rather than gathered, so that the goldens do not depend
// on the machine that runs the tests.

// coreEntries is the top level of the core snap (UC16-era core and the
// core22 layout differ; core's is what classic and merged-usr hosts use
// as the fallback base).
var coreEntries = entries(
	"bin/ boot/ dev/ etc/ home/ lib/ lib64/ media/ meta/ mnt/ opt/ proc/ root/ run/ sbin/ snap/ srv/ sys/ tmp/ usr/ var/ writable/")

// coreEtc are the /etc items of the core snap that snap-confine may take
// from the base.
var coreEtc = []string{"/etc/alternatives", "/etc/apparmor", "/etc/apparmor.d", "/etc/nsswitch.conf", "/etc/ssl"}

// entries parses "name/" (directory), "name@target" (symlink) and "name"
// (regular file) words.
func entries(spec string) []facts.Entry {
	var out []facts.Entry
	for _, w := range strings.Fields(spec) {
		switch {
		case strings.HasSuffix(w, "/"):
			out = append(out, facts.Entry{Name: strings.TrimSuffix(w, "/"), Type: "dir"})
		case strings.Contains(w, "@"):
			name, target, _ := strings.Cut(w, "@")
			out = append(out, facts.Entry{Name: name, Type: "symlink", Target: target})
		default:
			out = append(out, facts.Entry{Name: w, Type: "file"})
		}
	}
	return out
}

// platforms maps each shipped profile to the facts of the host it is for.
var platforms = map[string]facts.Facts{
	"classic": {
		Classic: true, SnapMountDir: "/snap", Base: "core", BaseDir: "/snap/core/current",
		BaseEntries: coreEntries, BasePaths: coreEtc, Distro: "ubuntu", DistroVersion: "24.04", SnapName: "demo",
		HostPaths: []string{"/etc/alternatives", "/etc/apparmor", "/etc/apparmor.d", "/etc/nsswitch.conf",
			"/etc/ssl", "/home", "/lib/firmware", "/lib/modules", "/media", "/mnt", "/root", "/run/netns",
			"/usr/src", "/var/lib/snapd/hostfs", "/var/log", "/var/snap"},
		Arch: "amd64", ArchTriplet: "x86_64-linux-gnu", BiarchTriplet: "i386-linux-gnu",
	},
	"core": {
		Classic: false, SnapMountDir: "/snap", Base: "core", BaseDir: "/snap/core/current",
		BaseEntries: coreEntries, BasePaths: coreEtc, Distro: "ubuntu-core", DistroVersion: "16", SnapName: "demo",
		HostPaths: []string{"/etc/alternatives", "/etc/apparmor", "/etc/apparmor.d", "/etc/nsswitch.conf",
			"/etc/ssl", "/home", "/lib/firmware", "/lib/modules", "/media", "/mnt", "/root", "/run/netns",
			"/var/lib/extrausers", "/var/lib/snapd/hostfs", "/var/log", "/var/snap", "/writable"},
		Arch: "amd64", ArchTriplet: "x86_64-linux-gnu", BiarchTriplet: "i386-linux-gnu",
	},
	"merged-usr": {
		Classic: true, MergedUsr: true, SnapMountDir: "/var/lib/snapd/snap", Base: "core",
		BaseDir: "/var/lib/snapd/snap/core/current", BaseEntries: coreEntries, BasePaths: coreEtc,
		Distro: "fedora", DistroVersion: "40", SnapName: "demo",
		HostPaths: []string{"/etc/alternatives", "/etc/nsswitch.conf", "/etc/ssl", "/home", "/lib/firmware",
			"/lib/modules", "/media", "/mnt", "/root", "/run/media", "/usr/src", "/var/log"},
		Arch: "amd64", ArchTriplet: "x86_64-linux-gnu",
	},
	"default": {
		Classic: true, MergedUsr: true, SnapMountDir: "/var/lib/snapd/snap",
		Distro: "debian", DistroVersion: "12", SnapName: "demo",
		HostPaths: []string{"/etc/alternatives", "/etc/ssl", "/home", "/lib/modules", "/media", "/mnt",
			"/root", "/usr/src", "/var/log"},
		Arch: "amd64", ArchTriplet: "x86_64-linux-gnu", BiarchTriplet: "i386-linux-gnu",
	},
}
