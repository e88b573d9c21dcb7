// Command confine-launch is confine's launcher alone: the run, discard and
// version subcommands of confine, with the same flags and behaviour,
// without the subcommands that inspect programs (plan, check, simulate,
// test, explain, apparmor).
//
// It is the binary to install as root's or the setuid launcher: it links
// no fake kernel, host fixtures, afero or net/http, so it carries less code
// into a privileged process and starts about a millisecond sooner on
// every app start (bench/README.md).
package main

import (
	"os"

	"confine/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
