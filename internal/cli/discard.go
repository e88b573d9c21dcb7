package cli

import (
	"flag"
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
	fs := flag.NewFlagSet("discard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: confine discard SNAP") }
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	if err := launch.Discard(fs.Arg(0), ""); err != nil {
		fmt.Fprintf(stderr, "confine: %v\n", err)
		if launch.IsUsage(err) {
			return exitUsage
		}
		return exitFindings
	}
	return exitOK
}
