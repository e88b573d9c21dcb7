package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"confine/facts"
	"confine/plan"
)

// ShippedProfiles and StdlibFS are the profiles and the stdlib built into
// confine. embedded.go (written with the profiles) assigns them from
// confine/profiles and confine/stdlib; while they are nil, only
// --profile PATH works and @stdlib loads fail with a clear error.
var (
	ShippedProfiles fs.FS
	StdlibFS        fs.FS
)

// printOutput receives what profiles print() (debugging output for
// profile authors, prefixed with file:line:col), never stdout, which
// holds the program.
var printOutput io.Writer = os.Stderr

// ProfileFlags are the flags shared by every subcommand that evaluates a
// profile (plan, check, simulate, explain, run, apparmor):
//
//	--profile NAME|PATH   a shipped profile's name, or a path to a .star file
//	--fact KEY=VALUE      override one fact (repeatable)
//	--facts-root DIR      gather facts as if DIR were /
//	--snap NAME           the snap's name (facts.snap_name)
//
// Use it as:
//
//	var pf ProfileFlags
//	fs := NewFlags("plan", "usage: confine plan ...", stderr)
//	pf.Register(fs, "demo")
//	if status, ok := ParseNoArgs(fs, args); !ok { return status }
//	prog, err := pf.Program()
//	if err != nil { return ReportError(stderr, err) }
//
// Program gathers the facts once, applies the --fact overrides, picks the
// profile (selectProfile when --profile is absent) and evaluates it.
type ProfileFlags struct {
	Profile   string
	FactPairs []string
	FactsRoot string
	Snap      string
}

// Register adds the flags to fs; defaultSnap is --snap's default ("" to
// leave facts.snap_name empty unless given; run sets it from its argument).
func (p *ProfileFlags) Register(fs *flag.FlagSet, defaultSnap string) {
	fs.StringVar(&p.Profile, "profile", "", "shipped profile `NAME` or PATH to a .star file (default: chosen from the host's facts)")
	p.RegisterFacts(fs, defaultSnap, "snap `NAME` (facts.snap_name)")
}

// registerFacts adds the shared flags but --profile (--fact, --facts-root
// and --snap, whose help is snapUsage), for the subcommands where
// --profile may be repeated (check, apparmor) and which define it
// themselves.
func (p *ProfileFlags) RegisterFacts(fs *flag.FlagSet, defaultSnap, snapUsage string) {
	fs.Func("fact", "override a fact as `KEY=VALUE` (repeatable)", func(s string) error {
		p.FactPairs = append(p.FactPairs, s)
		return nil
	})
	fs.StringVar(&p.FactsRoot, "facts-root", "/", "gather facts as if `DIR` were /")
	fs.StringVar(&p.Snap, "snap", defaultSnap, snapUsage)
}

// Facts gathers the host facts under --facts-root, then applies --snap and
// the --fact overrides in order.
func (p *ProfileFlags) Facts() (facts.Facts, error) {
	root := p.FactsRoot
	if root == "" {
		root = "/"
	}
	f, err := facts.Gather(root)
	if err != nil {
		return f, err
	}
	return p.Override(f)
}

// override applies --snap and the --fact overrides, in order, to facts
// gathered elsewhere (this host, --facts-root, or a host fixture).
func (p *ProfileFlags) Override(f facts.Facts) (facts.Facts, error) {
	if p.Snap != "" {
		f.SnapName = p.Snap
	}
	for _, kv := range p.FactPairs {
		if err := f.SetPair(kv); err != nil {
			return f, fmt.Errorf("--fact: %w", err)
		}
	}
	return f, nil
}

// Program gathers the facts and evaluates the chosen profile with them.
func (p *ProfileFlags) Program() (*plan.Program, error) {
	f, err := p.Facts()
	if err != nil {
		return nil, err
	}
	return p.ProgramWith(f)
}

// ProgramWith evaluates the chosen profile with facts f (for callers that
// need the facts themselves too): in this process when it has an
// evaluator, otherwise by the confine binary installed beside it, which
// gathers the same facts from the same flags (see evalExternal).
func (p *ProfileFlags) ProgramWith(f facts.Facts) (*plan.Program, error) {
	spec := p.Profile
	if spec == "" {
		spec = SelectProfile(f)
	}
	if evaluator == nil {
		return p.evalExternal(spec, f)
	}
	return EvalProfile(spec, f)
}

// selectProfile picks the shipped profile for a host, the rule both plan
// and run use when --profile is absent:
//
//   - all-snap (Ubuntu Core) → "core";
//   - snaps under /var/lib/snapd/snap, or a merged /usr → "merged-usr";
//   - classic with a base snap → "classic";
//   - no snapd or base at all → "default" (the host's root as the base).
func SelectProfile(f facts.Facts) string {
	switch {
	case !f.Classic:
		return "core"
	case f.BaseDir != "" && (f.SnapMountDir == facts.SnapMountDirAlt || f.MergedUsr):
		return "merged-usr"
	case f.BaseDir != "":
		return "classic"
	}
	return "default"
}

// isProfilePath reports whether --profile names a file rather than a
// shipped profile.
func IsProfilePath(spec string) bool {
	return strings.ContainsRune(spec, os.PathSeparator) || strings.Contains(spec, "/") || strings.HasSuffix(spec, ".star")
}

// evalProfile evaluates a profile named by spec (a shipped name or a
// path) with facts f. A path's siblings are loadable; nothing else of its
// directory is read.
func EvalProfile(spec string, f facts.Facts) (*plan.Program, error) {
	if evaluator == nil {
		return nil, errNoEvaluator
	}
	cfg := Evaluation{Stdlib: StdlibFS, Facts: f, Name: spec, Print: func(msg string) { fmt.Fprintln(printOutput, msg) }}
	if IsProfilePath(spec) {
		abs, err := filepath.Abs(spec)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %w", spec, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			if name := strings.TrimSuffix(spec, ".star"); !strings.Contains(spec, "/") && contains(ShippedNames(), name) {
				return nil, fmt.Errorf("profile %s: %w (the shipped profile is --profile %s)", spec, errors.Unwrap(err), name)
			}
			return nil, fmt.Errorf("profile %s: %w", spec, errors.Unwrap(err))
		}
		if fi.IsDir() {
			return nil, fmt.Errorf("profile %s: is a directory", spec)
		}
		cfg.Profile = os.DirFS(filepath.Dir(abs))
		cfg.File = filepath.Base(abs)
	} else {
		names := ShippedNames()
		if !contains(names, spec) {
			if len(names) == 0 {
				return nil, fmt.Errorf("profile %s: no profiles are built into this confine; use --profile PATH", spec)
			}
			return nil, fmt.Errorf("profile %s: no such shipped profile (have %s; or give a PATH to a .star file)", spec, strings.Join(names, ", "))
		}
		cfg.Profile = ShippedProfiles
		cfg.File = spec + ".star"
	}
	return evaluator.Eval(cfg)
}

// shippedNames lists the shipped profiles, *_test.star files left out.
func ShippedNames() []string {
	if ShippedProfiles == nil {
		return nil
	}
	files, _ := fs.Glob(ShippedProfiles, "*.star")
	var names []string
	for _, file := range files {
		if !strings.HasSuffix(file, "_test.star") {
			names = append(names, strings.TrimSuffix(file, ".star"))
		}
	}
	sort.Strings(names)
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ReportError prints err for the user, prefixed "confine: ", with the
// Starlark backtrace of a profile error, and returns ExitUsage: profile
// and fact errors are usage errors (exit status 2). An error the external
// evaluator has already printed is not printed again; its status stands.
func ReportError(stderr io.Writer, err error) int {
	var reported *reportedError
	if errors.As(err, &reported) {
		return reported.status
	}
	fmt.Fprintf(stderr, "confine: %v\n", err)
	if evaluator != nil && evaluator.Backtrace != nil {
		if bt := evaluator.Backtrace(err); bt != "" {
			fmt.Fprintln(stderr, bt)
		}
	}
	return ExitUsage
}
