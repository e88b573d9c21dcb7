package cli

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X confine/internal/cli.version=..."; without
// it, the module's build information is used.
var version = ""

func init() {
	AddCommand(Command{Name: "version", Summary: "print the version", Run: runVersion})
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	v := version
	if v == "" {
		v = "devel"
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
	}
	fmt.Fprintf(stdout, "confine %s\n", v)
	return ExitOK
}
