package inspect

import (
	"fmt"
	"io"

	"confine/internal/cli"
	"confine/sim"
)

func init() {
	cli.AddCommand(cli.Command{Name: "explain", Summary: "say why a path of the snap's namespace is (or is not) what it is", Run: runExplain})
}

// runExplain is confine explain [--profile …] [--fact …] [--host …] PATH:
// it simulates the program watching PATH and prints which ops (with their
// profile lines) made PATH what it is, the mount it resolves to, and how
// mount events propagate between it and the host; for a missing PATH,
// the op that hid it or that nothing provides it. Exit 1 when the program
// itself fails (the explanation still covers the ops that ran).
func runExplain(args []string, stdout, stderr io.Writer) int {
	var sf simFlags
	fs := cli.NewFlags("explain", "usage: confine explain [--profile NAME|PATH] [--fact KEY=VALUE]... [--host NAME|live|FILE] PATH", stderr)
	sf.addFlags(fs)
	rest, status, ok := cli.ParseFlags(fs, args)
	if !ok {
		return status
	}
	if len(rest) != 1 {
		fs.Usage()
		return cli.ExitUsage
	}
	h, prog, err := sf.load()
	if err != nil {
		return cli.ReportError(stderr, err)
	}
	x, s, err := sim.Explain(prog, h, rest[0])
	if err != nil {
		return cli.ReportError(stderr, fmt.Errorf("explain: %w", err))
	}
	fmt.Fprint(stdout, x.Text())
	if s.Err != nil {
		fmt.Fprintf(stderr, "confine: explain: the program failed on %s: %v\n", h.Name, s.Err)
		return cli.ExitFindings
	}
	return cli.ExitOK
}
