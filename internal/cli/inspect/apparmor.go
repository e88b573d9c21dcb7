package inspect

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"

	"confine/apparmor"
	"confine/facts"
	"confine/internal/cli"
	"confine/plan"
)

func init() {
	cli.AddCommand(cli.Command{Name: "apparmor", Summary: "print the AppArmor policy the launcher needs for the programs", Run: runAppArmor})
}

// anySnap is the snap name profiles are evaluated with when no --snap is
// given; the generator widens it to "*" so that the policy fits every
// snap. It is a valid snap name that no real path contains by accident.
const anySnap = "confine-any-snap"

// regenerate is the one command that rewrites the shipped policy.
const regenerate = "go run ./cmd/confine apparmor --all-platforms > confine.apparmor"

// runAppArmor is confine apparmor [--profile NAME|PATH]... [--fact
// KEY=VALUE]... [--facts-root DIR] [--snap NAME] [--all-platforms]: print
// one AppArmor profile for the launcher that allows every op of the named
// programs (the profile chosen from the host's facts when none is named),
// or, with --all-platforms, of every shipped profile on every platform it
// is meant for.
func runAppArmor(args []string, stdout, stderr io.Writer) int {
	var pf cli.ProfileFlags
	var profiles []string
	fs := cli.NewFlags("apparmor", "usage: confine apparmor [--profile NAME|PATH]... [--fact KEY=VALUE]... [--facts-root DIR] [--snap NAME] [--all-platforms]", stderr)
	// The shared flags, except that --profile may be repeated here.
	fs.Func("profile", "shipped profile `NAME` or PATH to a .star file (repeatable; default: chosen from the host's facts)", func(s string) error {
		profiles = append(profiles, s)
		return nil
	})
	pf.RegisterFacts(fs, anySnap, "snap `NAME` (facts.snap_name); the default stands for every snap")
	all := fs.Bool("all-platforms", false, "cover every shipped profile on every platform (the policy shipped as confine.apparmor)")
	if status, ok := cli.ParseNoArgs(fs, args); !ok {
		return status
	}
	var pol *apparmor.Policy
	var err error
	if *all {
		if len(profiles) > 0 || len(pf.FactPairs) > 0 || pf.FactsRoot != "/" || pf.Snap != anySnap {
			fmt.Fprintln(stderr, "confine: apparmor: --all-platforms takes no --profile, --fact, --facts-root or --snap")
			return cli.ExitUsage
		}
		pol, err = allPlatformsPolicyValue()
	} else {
		pol, err = namedPolicy(&pf, profiles)
		if pol != nil {
			pol.Command = strings.TrimSpace("confine apparmor " + strings.Join(args, " "))
		}
	}
	if err != nil {
		return cli.ReportError(stderr, err)
	}
	if err := pol.Format(stdout); err != nil {
		return cli.ExitFindings
	}
	return cli.ExitOK
}

// allPlatformsCache holds the --all-platforms policy: it does not depend on
// the machine, and evaluating the whole matrix takes a while.
var allPlatformsCache struct {
	sync.Once
	pol *apparmor.Policy
	err error
}

// allPlatformsPolicyValue is the policy for every shipped profile on
// every platform of the matrix (apparmor_platforms.go). Callers must not
// modify it.
func allPlatformsPolicyValue() (*apparmor.Policy, error) {
	c := &allPlatformsCache
	c.Do(func() {
		progs, baseDirs, err := allPlatforms(anySnap)
		if err != nil {
			c.err = err
			return
		}
		pol, err := apparmor.NewPolicy(policyConfig(anySnap, baseDirs), progs...)
		if err != nil {
			c.err = err
			return
		}
		pol.Command = regenerate
		pol.FactsNote = "each program's host fixture (package hosts), with snap_name " + anySnap +
			" and a stand-in NVIDIA driver " + nvidiaVersion + " where the host has one, both widened to globs," +
			" and the base snap's directory widened to every base"
		c.pol = pol
	})
	return c.pol, c.err
}

// namedPolicy evaluates each --profile (or the host's own profile) with
// the host's facts and makes their policy.
func namedPolicy(pf *cli.ProfileFlags, profiles []string) (*apparmor.Policy, error) {
	progs, baseDirs, err := namedPrograms(pf, profiles)
	if err != nil {
		return nil, err
	}
	return apparmor.NewPolicy(policyConfig(pf.Snap, baseDirs), progs...)
}

// namedPrograms evaluates each --profile (or the host's own profile) with
// the host's facts.
func namedPrograms(pf *cli.ProfileFlags, profiles []string) ([]*plan.Program, []string, error) {
	f, err := pf.Facts()
	if err != nil {
		return nil, nil, err
	}
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	var progs []*plan.Program
	for _, spec := range profiles {
		pf.Profile = spec
		prog, err := pf.ProgramWith(f)
		if err != nil {
			return nil, nil, err
		}
		progs = append(progs, prog)
	}
	return progs, []string{f.BaseDir}, nil
}

// policyConfig widens the values that were fixed for evaluation but vary
// between launches: the stand-in snap name, the stand-in NVIDIA driver
// version (see nvidiaFacts), and the base snap's directory
// (SNAP_MOUNT_DIR/core/current becomes SNAP_MOUNT_DIR/*/*: every snap has
// its own base, and "current" is a symlink that the kernel resolves to the
// revision, SNAP_MOUNT_DIR/core/16928, before AppArmor sees the path; so
// snap-confine's policy allows any base and revision too).
func policyConfig(snap string, baseDirs []string) apparmor.Config {
	var c apparmor.Config
	// Longest first, so that /var/lib/snapd/snap/core/current is widened
	// before /snap/core/current, which it contains.
	sort.Slice(baseDirs, func(i, j int) bool { return len(baseDirs[i]) > len(baseDirs[j]) })
	seen := map[string]bool{}
	for _, d := range baseDirs {
		parent, name := path.Split(strings.TrimSuffix(d, "/current"))
		if d == "" || seen[d] || !strings.HasSuffix(d, "/current") || name == "" {
			continue
		}
		seen[d] = true
		c.Vary = append(c.Vary, apparmor.Vary{Literal: d, Glob: apparmor.Escape(parent) + "*/*"})
	}
	if snap == anySnap {
		c.Vary = append(c.Vary, apparmor.Vary{Literal: anySnap, Glob: "*"})
	}
	c.Vary = append(c.Vary,
		apparmor.Vary{Literal: "nvidia-" + nvidiaMajor, Glob: "nvidia-[0-9]*"},
		apparmor.Vary{Literal: nvidiaVersion, Glob: "[0-9]*"})
	return c
}

// withSnap returns f for the snap named snap.
func withSnap(f facts.Facts, snap string) facts.Facts {
	f.SnapName = snap
	return f
}
