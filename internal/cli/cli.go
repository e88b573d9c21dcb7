// Package cli is confine's command line: Main parses the subcommand and
// hands over to it. It lives outside cmd/confine so that the script tests
// in tests/ can run it in-process (testscript) and other tools can embed it.
package cli

import (
	"fmt"
	"io"
	"sort"
)

// Exit statuses, the contract of every subcommand.
const (
	exitOK       = 0 // success
	exitFindings = 1 // findings, failing tests, or a failed launch
	exitUsage    = 2 // usage errors and profile errors
)

// command is one subcommand. Each lives in its own file and registers
// itself from init, so that subcommands can be added without touching this
// file.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// Main runs confine with args (without the program name) and returns the
// exit status. Tests call it directly.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "confine: unknown command %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: confine COMMAND [ARGS]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].summary)
	}
}
