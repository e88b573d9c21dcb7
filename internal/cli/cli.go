// Package cli is confine's command line: Main parses the subcommand and
// hands over to it. It lives outside cmd/confine so that the script tests
// in tests/ can run it in-process (testscript) and other tools can embed it.
//
// This package holds only the launch side (run, discard, version) and what
// every subcommand shares (flags, profile selection and evaluation, exit
// statuses). The commands that inspect programs without mounting (plan,
// check, simulate, test, explain, apparmor) live in cli/inspect and
// register themselves when it is imported: they link the fake kernel,
// afero and through it net/http, whose package initialisation and size
// would cost every app start about a millisecond, and none of which the
// binary that may run setuid should carry. Nor does this package link
// the Starlark interpreter: cli/evaluate installs it (see Evaluator), and
// a binary without it has the confine binary beside it evaluate a
// profile on a program-cache miss. cmd/confine links all three;
// cmd/confine-launch links this package alone.
package cli

import (
	"fmt"
	"io"
	"sort"
)

// Exit statuses, the contract of every subcommand.
const (
	ExitOK       = 0 // success
	ExitFindings = 1 // findings, failing tests, or a failed launch
	ExitUsage    = 2 // usage errors and profile errors
)

// Command is one subcommand. Each lives in its own file and registers
// itself from init with AddCommand, so that subcommands can be added
// without touching this file.
type Command struct {
	Name    string
	Summary string
	// Run runs the subcommand with the arguments after its name and
	// returns the exit status.
	Run func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]Command{}

// AddCommand registers c; a later command of the same name replaces it.
func AddCommand(c Command) { commands[c.Name] = c }

// Main runs confine with args (without the program name) and returns the
// exit status. Tests call it directly.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "confine: unknown command %q\n", args[0])
		usage(stderr)
		return ExitUsage
	}
	return c.Run(args[1:], stdout, stderr)
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
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].Summary)
	}
}
