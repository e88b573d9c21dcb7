package cli

import (
	"flag"
	"fmt"
	"io"
)

// newFlags returns the flag set of subcommand name: errors and usage go to
// stderr, and the usage is the line usage followed by the flags and their
// defaults (nothing more for a subcommand without flags).
func NewFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args with fs and returns the arguments after the flags.
// When ok is false the subcommand is done and returns status: ExitOK
// after -h or --help (the usage has been printed), ExitUsage after a bad
// flag (the flag package has printed the error and the usage).
func ParseFlags(fs *flag.FlagSet, args []string) (rest []string, status int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil, ExitOK, false
		}
		return nil, ExitUsage, false
	}
	return fs.Args(), ExitOK, true
}

// parseNoArgs is parse for a subcommand that takes only flags: an
// argument left after them is a usage error, reported with the usage.
func ParseNoArgs(fs *flag.FlagSet, args []string) (status int, ok bool) {
	rest, status, ok := ParseFlags(fs, args)
	if !ok {
		return status, false
	}
	if len(rest) > 0 {
		fmt.Fprintf(fs.Output(), "confine: %s: unexpected argument %q\n", fs.Name(), rest[0])
		fs.Usage()
		return ExitUsage, false
	}
	return ExitOK, true
}
