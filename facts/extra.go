package facts

import (
	"path"

	"golang.org/x/sys/unix"
)

// BaseWatchedPaths are the base snap's paths whose presence BasePaths
// reports: the /etc entries snap-confine takes from the base instead of
// the host (dirs_from_core, snap-confine.md §2.5). snap-confine binds one
// only when the base has it as a directory or a regular file, which a
// profile cannot see from Starlark.
var BaseWatchedPaths = []string{
	"/etc/alternatives",
	"/etc/apparmor",
	"/etc/apparmor.d",
	"/etc/nsswitch.conf",
	"/etc/ssl",
}

// basePaths returns the entries of BaseWatchedPaths that the base at
// baseDir has as a directory or a regular file (not following a final
// symlink, whose target would be read on the host), in the order of
// BaseWatchedPaths.
func basePaths(rel func(string) string, baseDir string) []string {
	var out []string
	var st unix.Stat_t
	for _, p := range BaseWatchedPaths {
		err := ignoringEINTR(func() error { return unix.Lstat(rel(path.Join(baseDir, p)), &st) })
		if t := st.Mode & unix.S_IFMT; err == nil && (t == unix.S_IFDIR || t == unix.S_IFREG) {
			out = append(out, p)
		}
	}
	return out
}
