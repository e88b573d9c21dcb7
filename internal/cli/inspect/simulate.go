package inspect

import (
	"flag"
	"fmt"
	"io"

	"confine/facts"
	"confine/hosts"
	"confine/internal/cli"
	"confine/plan"
	"confine/sim"
)

func init() {
	cli.AddCommand(cli.Command{Name: "simulate", Summary: "run a profile's program on the fake kernel and print the namespace", Run: runSimulate})
}

// simFlags are the flags simulate and explain share: the profile flags
// and the host to start the fake kernel from.
type simFlags struct {
	pf   cli.ProfileFlags
	host string
}

func (s *simFlags) addFlags(fs *flag.FlagSet) {
	s.pf.Register(fs, sim.DefaultSnap)
	fs.StringVar(&s.host, "host", "", "start from host `NAME`: a fixture ("+joinNames(hosts.Fixtures())+"), live, or a captured mountinfo FILE (default: the profile's platform, else live)")
}

// load picks the host, gathers its facts (the host's own, not this
// machine's, so that a fixture poses as its distribution), applies --snap
// and --fact, and evaluates the profile.
func (s *simFlags) load() (*hosts.Host, *plan.Program, error) {
	if s.pf.FactsRoot != "/" && s.pf.FactsRoot != "" {
		return nil, nil, fmt.Errorf("--facts-root: the facts come from --host here (a fixture poses as its distribution); use --fact to change one")
	}
	name := s.host
	if name == "" {
		name = hosts.Live
		if ps := platformHosts[s.pf.Profile]; len(ps) > 0 {
			name = ps[0]
		}
	}
	h, err := hosts.Load(name)
	if err != nil {
		return nil, nil, err
	}
	f, err := hostFacts(&s.pf, h)
	if err != nil {
		return nil, nil, err
	}
	prog, err := s.pf.ProgramWith(f)
	if err != nil {
		return nil, nil, err
	}
	return h, prog, nil
}

// hostFacts gathers h's facts and applies --snap and --fact.
func hostFacts(pf *cli.ProfileFlags, h *hosts.Host) (facts.Facts, error) {
	f, err := sim.Facts(h, nil)
	if err != nil {
		return f, err
	}
	return pf.Override(f)
}

// runSimulate is confine simulate [--profile …] [--fact …] [--host
// NAME|live|FILE] [--format mountinfo|tree|json|steps] [--side snap|host]: it
// evaluates the profile, unshares the snap's namespace from the host's on
// the fake kernel, runs every op (the snap's command is not run) and
// prints one side's mount table. A failing op is reported on stderr with
// its profile line and exits 1, after printing the table as the failure
// left it.
func runSimulate(args []string, stdout, stderr io.Writer) int {
	var sf simFlags
	fs := cli.NewFlags("simulate", "usage: confine simulate [--profile NAME|PATH] [--fact KEY=VALUE]... [--host NAME|live|FILE] [--format mountinfo|tree|json|steps] [--side snap|host]", stderr)
	sf.addFlags(fs)
	format := fs.String("format", "mountinfo", "output `FORMAT`: mountinfo, tree, json, or steps (what each op did to the snap's table)")
	sideName := fs.String("side", "snap", "which namespace to print: snap or host")
	rest, status, ok := cli.ParseFlags(fs, args)
	if !ok {
		return status
	}
	if len(rest) > 0 {
		// Unlike parseNoArgs, without the usage (as it always was).
		fmt.Fprintf(stderr, "confine: simulate: unexpected argument %q\n", rest[0])
		return cli.ExitUsage
	}
	side, err := sim.ParseSide(*sideName)
	if err != nil {
		return cli.ReportError(stderr, fmt.Errorf("--side: %w", err))
	}
	if *format != "mountinfo" && *format != "tree" && *format != "json" && *format != "steps" {
		return cli.ReportError(stderr, fmt.Errorf("--format %q: want mountinfo, tree, json or steps", *format))
	}
	h, prog, err := sf.load()
	if err != nil {
		return cli.ReportError(stderr, err)
	}
	s, err := sim.Run(prog, h, sim.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "confine: simulate: %v\n", err)
		return cli.ExitFindings
	}
	var out []byte
	switch *format {
	case "mountinfo":
		var text string
		text, err = s.MountInfo(side)
		out = []byte(text)
	case "tree":
		table, terr := s.Table(side)
		err = terr
		out = []byte(sim.Tree(table))
	case "json":
		out, err = s.JSON(side)
	case "steps":
		out = []byte(s.StepsText())
	}
	if err != nil {
		fmt.Fprintf(stderr, "confine: simulate: %v\n", err)
		return cli.ExitFindings
	}
	stdout.Write(out)
	if s.Err != nil {
		fmt.Fprintf(stderr, "confine: simulate on %s: %v\n", h.Name, s.Err)
		return cli.ExitFindings
	}
	return cli.ExitOK
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}
