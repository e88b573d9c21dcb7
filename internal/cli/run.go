package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"confine/launch"
)

func init() {
	register(command{name: "run", summary: "launch a command in a snap's mount namespace (root)", run: runRun})
}

// runRun is confine run [--profile NAME|PATH] [--fact KEY=VALUE]...
// [--facts-root DIR] [--user USER] SNAP -- CMD [ARG...]: evaluate the
// profile for SNAP (facts gathered once, program frozen), then hand the
// program to launch.Run, which joins or builds the namespace and execs CMD.
// On success it does not return. CONFINE_DEBUG=1 traces every op.
//
// Run as root (sudo), the command stays root unless --user names a user;
// from a setuid-root binary it runs as the invoking user. Such a user may
// only use shipped profiles with the host's own facts: --profile PATH,
// --fact and --facts-root would let them choose what root mounts.
func runRun(args []string, stdout, stderr io.Writer) int {
	var pf profileFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pf.Register(fs, "")
	user := fs.String("user", "", "run the command as `USER` (name or uid; root only)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: confine run [--profile NAME|PATH] [--fact KEY=VALUE]... [--facts-root DIR] [--user USER] SNAP -- CMD [ARG...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprintln(stderr, "confine: run: missing SNAP")
		fs.Usage()
		return exitUsage
	}
	snap, cmd := rest[0], rest[1:]
	if len(cmd) > 0 && cmd[0] == "--" {
		cmd = cmd[1:]
	}
	if len(cmd) == 0 {
		fmt.Fprintln(stderr, "confine: run: missing CMD after SNAP --")
		fs.Usage()
		return exitUsage
	}
	if os.Getuid() != 0 && (isProfilePath(pf.Profile) || len(pf.FactPairs) > 0 || pf.FactsRoot != "/") {
		fmt.Fprintln(stderr, "confine: run: --profile PATH, --fact and --facts-root are for root only")
		return exitUsage
	}
	pf.Snap = snap
	prog, err := pf.Program()
	if err != nil {
		return reportError(stderr, err)
	}
	cfg := launch.Config{Snap: snap, Program: prog, Command: cmd, User: *user}
	if os.Getenv("CONFINE_DEBUG") == "1" {
		cfg.Trace = stderr
	}
	err = launch.Run(cfg)
	fmt.Fprintf(stderr, "confine: %v\n", err)
	if launch.IsUsage(err) {
		return exitUsage
	}
	return exitFindings
}
