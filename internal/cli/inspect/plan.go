package inspect

import (
	"fmt"
	"io"

	"confine/hosts"
	"confine/internal/cli"
)

func init() {
	cli.AddCommand(cli.Command{Name: "plan", Summary: "print the mount program a profile records", Run: runPlan})
}

// runPlan is confine plan [--profile NAME|PATH] [--fact KEY=VALUE]...
// [--facts-root DIR] [--host NAME] [--snap NAME] [--json]: evaluate the
// profile and print its program, as text (mount(8) syntax, one op per
// line) or JSON. --host takes the facts from a host fixture, so that any
// platform's program can be planned on any machine.
func runPlan(args []string, stdout, stderr io.Writer) int {
	var pf cli.ProfileFlags
	fs := cli.NewFlags("plan", "usage: confine plan [--profile NAME|PATH] [--fact KEY=VALUE]... [--facts-root DIR] [--host NAME] [--snap NAME] [--json]", stderr)
	pf.Register(fs, "demo")
	asJSON := fs.Bool("json", false, "print the program as JSON")
	host := fs.String("host", "", "take the facts from host `NAME` (a fixture, live, or a mountinfo file) instead of this machine")
	if status, ok := cli.ParseNoArgs(fs, args); !ok {
		return status
	}
	if *host != "" && pf.FactsRoot != "/" && pf.FactsRoot != "" {
		fmt.Fprintln(stderr, "confine: plan: --host and --facts-root both name where the facts come from; give one")
		return cli.ExitUsage
	}
	f, err := checkFacts(&pf, *host)
	if err != nil {
		return cli.ReportError(stderr, err)
	}
	prog, err := pf.ProgramWith(f)
	if err != nil {
		status := cli.ReportError(stderr, err)
		if ps := platformHosts[pf.Profile]; *host == "" && len(ps) > 0 && ps[0] != hosts.Live {
			fmt.Fprintf(stderr, "confine: hint: this machine's facts may not fit %s; plan it for its platform with --host %s\n", pf.Profile, ps[0])
		}
		return status
	}
	if *asJSON {
		data, err := prog.JSON()
		if err != nil {
			return cli.ReportError(stderr, err)
		}
		_, err = stdout.Write(data)
		if err != nil {
			return cli.ExitFindings
		}
		return cli.ExitOK
	}
	if err := prog.Format(stdout); err != nil {
		return cli.ExitFindings
	}
	return cli.ExitOK
}
