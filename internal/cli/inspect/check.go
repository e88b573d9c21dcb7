package inspect

import (
	"fmt"
	"io"

	"confine/check"
	"confine/facts"
	"confine/hosts"
	"confine/internal/cli"
)

func init() {
	cli.AddCommand(cli.Command{Name: "check", Summary: "find ordering hazards in profiles' mount programs", Run: runCheck})
}

// platformHosts says which shipped host fixtures each shipped profile is
// checked on when confine check runs without --profile: a profile only
// means something with the facts of its own platform (classic needs a
// core snap, core an all-snap host), and the fixtures are those
// platforms. default is for any host, so it is checked on this one.
var platformHosts = map[string][]string{
	"classic":    {"ubuntu-classic"},
	"core":       {"ubuntu-core"},
	"merged-usr": {"fedora", "arch"},
	"default":    {hosts.Live},
}

// runCheck is confine check [--profile NAME|PATH]... [--fact KEY=VALUE]...
// [--facts-root DIR] [--host NAME] [--snap NAME]: evaluate each profile and
// print the checker's findings, one per line. Exit 1 when there are
// findings, 2 when a profile cannot be evaluated, 0 otherwise.
//
// With --profile, the facts come from --host (a fixture, live or a
// mountinfo file's machine) or else --facts-root; without it, every
// shipped profile is checked on its platform's fixtures (platformHosts).
// --fact overrides apply in both cases.
func runCheck(args []string, stdout, stderr io.Writer) int {
	var pf cli.ProfileFlags
	var specs []string
	fs := cli.NewFlags("check", "usage: confine check [--profile NAME|PATH]... [--fact KEY=VALUE]... [--facts-root DIR] [--host NAME] [--snap NAME]", stderr)
	// The shared flags, except that --profile may be repeated here.
	pf.RegisterFacts(fs, "demo", "snap `NAME` (facts.snap_name)")
	fs.Func("profile", "shipped profile `NAME` or PATH to a .star file (repeatable; default: every shipped profile on its platform)", func(s string) error {
		specs = append(specs, s)
		return nil
	})
	host := fs.String("host", "", "take the facts from host `NAME` (a fixture, live, or a mountinfo file)")
	if status, ok := cli.ParseNoArgs(fs, args); !ok {
		return status
	}

	type job struct{ spec, host string }
	var jobs []job
	if len(specs) == 0 {
		names := cli.ShippedNames()
		if len(names) == 0 {
			fmt.Fprintln(stderr, "confine: check: no profiles are built into this confine; use --profile PATH")
			return cli.ExitUsage
		}
		for _, name := range names {
			on := platformHosts[name]
			if *host != "" || len(on) == 0 {
				on = []string{*host}
			}
			for _, h := range on {
				jobs = append(jobs, job{name, h})
			}
		}
	} else {
		for _, spec := range specs {
			jobs = append(jobs, job{spec, *host})
		}
	}

	status := cli.ExitOK
	cache := map[string]facts.Facts{}
	for _, j := range jobs {
		f, ok := cache[j.host]
		if !ok {
			var err error
			if f, err = checkFacts(&pf, j.host); err != nil {
				cli.ReportError(stderr, err)
				return cli.ExitUsage
			}
			cache[j.host] = f
		}
		prog, err := cli.EvalProfile(j.spec, f)
		if err != nil {
			cli.ReportError(stderr, err)
			status = cli.ExitUsage
			continue
		}
		findings := check.Check(prog)
		for _, finding := range findings {
			fmt.Fprintln(stdout, finding)
		}
		where := ""
		if j.host != "" {
			where = " on " + j.host
		}
		switch {
		case len(findings) > 0:
			fmt.Fprintf(stderr, "confine: check: %s%s: %s\n", j.spec, where, plural(len(findings), "finding"))
			if status == cli.ExitOK {
				status = cli.ExitFindings
			}
		default:
			fmt.Fprintf(stdout, "%s%s: no findings\n", j.spec, where)
		}
	}
	return status
}

// checkFacts gathers the facts for one check: from host when named (a
// fixture poses as its distribution), else from --facts-root; then --snap
// and the --fact overrides.
func checkFacts(pf *cli.ProfileFlags, host string) (facts.Facts, error) {
	if host == "" {
		return pf.Facts()
	}
	h, err := hosts.Load(host)
	if err != nil {
		return facts.Facts{}, err
	}
	f, err := h.Facts()
	if err != nil {
		return facts.Facts{}, err
	}
	return pf.Override(f)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
