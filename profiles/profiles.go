// Package profiles holds the profiles confine ships, one per platform,
// embedded so that the launcher evaluates exactly what was built:
//
//   - classic: Ubuntu and Debian with snapd; the core (or ubuntu-core)
//     base on a tmpfs root, snapd's modern mount list, NVIDIA.
//   - core: all-snap Ubuntu Core; the host's root is the snap's root and
//     only /media and /run/netns are bidirectional (legacy mode).
//   - merged-usr: Fedora, Arch and other merged-/usr distributions;
//     snaps under /var/lib/snapd/snap, removable media in /run/media with
//     a /media alias, NVIDIA.
//   - default: hosts without snapd or a base snap; the host's own root is
//     the base, and whatever the host lacks is skipped.
//
// Files named *_test.star next to them are Starlark tests of the profiles
// (run by confine test), not profiles; Names leaves them out.
package profiles

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// FS holds the shipped profiles and their tests, by file name.
//
//go:embed *.star
var FS embed.FS

// The bytecode of the files above (compiled.starc, registered by
// compiled.go) saves parsing them on every evaluation.
//
//go:generate go run confine/internal/precompile

// Names lists the shipped profiles by name (file name without .star),
// sorted, leaving out *_test.star files.
func Names() []string {
	files, err := fs.Glob(FS, "*.star")
	if err != nil {
		// Glob fails only on a malformed pattern, and this one is fixed.
		panic("internal error: profiles: " + err.Error())
	}
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.star") {
			continue
		}
		names = append(names, strings.TrimSuffix(f, ".star"))
	}
	sort.Strings(names)
	return names
}
