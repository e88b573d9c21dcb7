package cli

import (
	"fmt"
	"io"

	"confine/launch"
)

func init() {
	register(command{name: "discard", summary: "remove a snap's preserved mount namespace (root)", run: runDiscard})
}

// runDiscard is confine discard SNAP: the next confine run SNAP builds a
// new namespace. A snap without one is not an error.
func runDiscard(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("discard", "usage: confine discard SNAP", stderr)
	rest, status, ok := parse(fs, args)
	if !ok {
		return status
	}
	if len(rest) != 1 {
		fs.Usage()
		return exitUsage
	}
	if err := launch.Discard(rest[0], ""); err != nil {
		fmt.Fprintf(stderr, "confine: %v\n", err)
		if launch.IsUsage(err) {
			return exitUsage
		}
		return exitFindings
	}
	return exitOK
}
