package cli

import (
	"flag"
	"fmt"
	"io"
)

func init() {
	register(command{name: "plan", summary: "print the mount program a profile records", run: runPlan})
}

// runPlan is confine plan [--profile NAME|PATH] [--fact KEY=VALUE]...
// [--facts-root DIR] [--snap NAME] [--json]: evaluate the profile and
// print its program, as text (mount(8) syntax, one op per line) or JSON.
func runPlan(args []string, stdout, stderr io.Writer) int {
	var pf profileFlags
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pf.Register(fs, "demo")
	asJSON := fs.Bool("json", false, "print the program as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: confine plan [--profile NAME|PATH] [--fact KEY=VALUE]... [--facts-root DIR] [--snap NAME] [--json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "confine: plan: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	prog, err := pf.Program()
	if err != nil {
		return reportError(stderr, err)
	}
	if *asJSON {
		data, err := prog.JSON()
		if err != nil {
			return reportError(stderr, err)
		}
		_, err = stdout.Write(data)
		if err != nil {
			return exitFindings
		}
		return exitOK
	}
	if err := prog.Format(stdout); err != nil {
		return exitFindings
	}
	return exitOK
}
