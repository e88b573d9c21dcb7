// Command confine builds a snap's mount namespace from a Starlark profile:
// it prints, checks, simulates and executes the mount program the profile
// records. See README.md for the commands.
package main

import (
	"os"

	"confine/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
