package cli

import (
	"errors"
	"io/fs"

	"confine/facts"
	"confine/plan"
)

// Evaluation is one profile evaluation, set up by EvalProfile: the
// fields of interp.Config that the command line decides.
type Evaluation struct {
	Profile fs.FS  // the profile file and its loadable siblings
	File    string // the profile's name within Profile
	Name    string // recorded as the program's profile name
	Stdlib  fs.FS  // the @stdlib modules
	Facts   facts.Facts
	Print   func(msg string) // output of the profile's print()
}

// Evaluator evaluates profiles inside this process. Package cli does not
// import the Starlark interpreter itself: confine/internal/cli/evaluate
// installs one (cmd/confine and the inspecting commands link it), and a
// binary without one (cmd/confine-launch) asks the confine binary
// installed beside it instead (see evalExternal), so that the launcher
// that may run setuid carries no interpreter and starts without linking
// one.
type Evaluator struct {
	Eval func(Evaluation) (*plan.Program, error)
	// Backtrace is the Starlark backtrace of an error Eval returned, ""
	// when it has none.
	Backtrace func(error) string
	// Profiles and Stdlib are the sources built into the binary: they
	// become ShippedProfiles and StdlibFS, and the program cache keys them
	// by the executable's identity instead of hashing them.
	Profiles, Stdlib fs.FS
}

var evaluator *Evaluator

// SetEvaluator installs e as this process's evaluator.
func SetEvaluator(e Evaluator) {
	evaluator = &e
	ShippedProfiles, StdlibFS = e.Profiles, e.Stdlib
}

// errNoEvaluator is what EvalProfile returns in a binary built without an
// evaluator; the launch path goes through ProfileFlags, which evaluates
// externally instead.
var errNoEvaluator = errors.New("this binary has no profile evaluator (build cmd/confine)")

// builtinDigest is the program cache's stand-in for hashing fsys when it
// is one of the sources built into this binary: ok is false otherwise.
func builtinDigest(fsys fs.FS) (marker []byte, ok bool) {
	if evaluator == nil || fsys == nil {
		return nil, false
	}
	switch fsys {
	case evaluator.Profiles:
		return []byte("the executable's own built-in profiles"), true
	case evaluator.Stdlib:
		return []byte("the executable's own built-in stdlib"), true
	}
	return nil, false
}
