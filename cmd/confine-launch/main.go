// Command confine-launch is confine's launcher alone: the run, discard and
// version subcommands of confine, with the same flags and behaviour,
// without the subcommands that inspect programs (plan, check, simulate,
// test, explain, apparmor).
//
// It is the binary to install as root's or the setuid launcher: it links
// no fake kernel, host fixtures, afero or net/http, and no Starlark
// interpreter, so it carries less code into a privileged process and
// starts 1.3 ms sooner on every app start (bench/README.md). Install
// confine in the same directory: on a program-cache miss (the first
// launch after an upgrade or a change of facts) the launcher runs
// `confine plan --json` from there, with an empty environment, to
// evaluate the profile, and refuses one that anybody but root could have
// changed.
package main

import (
	"os"

	"confine/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
