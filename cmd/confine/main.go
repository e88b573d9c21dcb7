// Command confine builds a snap's mount namespace from a Starlark profile:
// it prints, checks, simulates and executes the mount program the profile
// records. See README.md for the commands.
//
// This is the whole command line. cmd/confine-launch is the same launcher
// without the inspecting subcommands, for installing as the privileged
// binary that sits on every app start.
package main

import (
	"os"

	"confine/internal/cli"
	_ "confine/internal/cli/evaluate" // the Starlark interpreter, in process
	_ "confine/internal/cli/inspect"  // plan, check, simulate, test, explain, apparmor
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
