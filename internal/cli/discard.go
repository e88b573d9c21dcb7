package cli

import (
	"fmt"
	"io"

	"confine/launch"
)

func init() {
	AddCommand(Command{Name: "discard", Summary: "remove a snap's preserved mount namespace (root)", Run: runDiscard})
}

// runDiscard is confine discard SNAP: the next confine run SNAP builds a
// new namespace. A snap without one is not an error.
func runDiscard(args []string, stdout, stderr io.Writer) int {
	fs := NewFlags("discard", "usage: confine discard SNAP", stderr)
	rest, status, ok := ParseFlags(fs, args)
	if !ok {
		return status
	}
	if len(rest) != 1 {
		fs.Usage()
		return ExitUsage
	}
	if err := launch.Discard(rest[0], ""); err != nil {
		fmt.Fprintf(stderr, "confine: %v\n", err)
		if launch.IsUsage(err) {
			return ExitUsage
		}
		return ExitFindings
	}
	return ExitOK
}
