package cli

import (
	"confine/profiles"
	"confine/stdlib"
)

// The shipped profiles and the stdlib are built into the binary, so that
// what confine evaluates (and, as root, executes) is what was built and
// reviewed, never a file someone could swap on the disk.
func init() {
	ShippedProfiles = profiles.FS
	StdlibFS = stdlib.FS
}
