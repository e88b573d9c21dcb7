// Package interp evaluates a Starlark profile into a mount program.
//
// Evaluation is a pure function of the profile source, the modules it
// loads and the host facts: the profile sees only the builtins, the frozen
// value facts and struct; it cannot read files, the clock, the environment
// or randomness, and runs in the strict dialect (no while, no recursion,
// no top-level if or for) under a step limit, so it always terminates.
// The same inputs give a byte-identical program.
//
// Files whose bytecode was compiled ahead of time (the embedded stdlib and
// shipped profiles; see confine/internal/precompile) are run from it
// instead of being parsed, when its key proves it is what parsing would
// give; everything else is parsed. Results and errors are the same.
package interp

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"confine/builtins"
	"confine/facts"
	"confine/internal/starc"
	"confine/plan"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
)

// DefaultMaxSteps bounds evaluation when Config.MaxSteps is zero. Shipped
// profiles take a few thousand steps; a million leaves room for any
// honest profile and stops a runaway comprehension in milliseconds.
const DefaultMaxSteps = 1_000_000

// Config is everything one evaluation depends on.
type Config struct {
	// Profile holds the profile file and its sibling modules: an
	// embed.FS of shipped profiles, or os.DirFS of the directory of a
	// profile named by path.
	Profile fs.FS
	// File is the profile's name within Profile, e.g. "classic.star".
	File string
	// Name is recorded as plan.Program.Profile; File when empty.
	Name string
	// Stdlib holds the modules loaded as @stdlib//NAME.star; nil means
	// none are available.
	Stdlib fs.FS
	// Facts are the host facts, predeclared as the frozen value facts.
	Facts facts.Facts
	// MaxSteps bounds the Starlark execution steps (DefaultMaxSteps
	// when zero).
	MaxSteps uint64
	// Print receives the output of Starlark's print, prefixed with the
	// position of the call ("p.star:3:6: msg"); it is discarded when nil.
	Print func(msg string)
}

// stepLimitReason is the cancellation reason when the step limit is hit.
const stepLimitReason = "step limit"

// testHookPredeclared lets tests add builtins that probe the thread.
var testHookPredeclared func(starlark.StringDict)

// options is the strict dialect: the zero FileOptions.
var options = &syntax.FileOptions{}

// Eval evaluates the profile and returns its program. Errors in the
// profile are *Error values naming file:line:col. Eval keeps its state
// per call, so concurrent calls are safe.
func Eval(cfg Config) (*plan.Program, error) {
	if cfg.Profile == nil {
		return nil, errors.New("interp: no profile file system")
	}
	if cfg.File == "" || !fs.ValidPath(cfg.File) {
		return nil, fmt.Errorf("interp: invalid profile file name %q", cfg.File)
	}
	name := cfg.Name
	if name == "" {
		name = cfg.File
	}
	src, err := fs.ReadFile(cfg.Profile, cfg.File)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", name, err)
	}
	prog := &plan.Program{Profile: name, Facts: cfg.Facts.List()}

	factsValue, err := FactsValue(cfg.Facts)
	if err != nil {
		return nil, err
	}
	predeclared := newPredeclared(factsValue)
	if testHookPredeclared != nil {
		testHookPredeclared(predeclared)
	}

	l := &loader{
		profile:     cfg.Profile,
		profileDir:  path.Dir(cfg.File),
		stdlib:      cfg.Stdlib,
		predeclared: predeclared,
		cache:       map[string]*module{},
	}
	display := path.Base(cfg.File)
	l.stack = []string{display}
	l.cache[display] = nil // loading the profile itself is a cycle
	thread := &starlark.Thread{Name: name, Load: l.load}
	thread.Print = func(th *starlark.Thread, msg string) {
		if cfg.Print != nil {
			cfg.Print(posOf(th.CallFrame(1).Pos).String() + ": " + msg)
		}
	}
	maxSteps := cfg.MaxSteps
	if maxSteps == 0 {
		maxSteps = DefaultMaxSteps
	}
	thread.SetMaxExecutionSteps(maxSteps)
	thread.OnMaxSteps = func(th *starlark.Thread) {
		l.stepsExceeded = true
		th.Cancel(stepLimitReason)
	}
	builtins.SetProgram(thread, prog)
	f := cfg.Facts
	builtins.SetFacts(thread, &f)

	l.maxSteps = maxSteps
	l.known = append(predeclared.Keys(), starlark.Universe.Keys()...)
	if _, err := starc.Exec(options, thread, display, src, predeclared); err != nil {
		return nil, l.newError(err, 0)
	}
	if len(prog.Ops) == 0 {
		pos := plan.Pos{File: display, Line: 1, Col: 1}
		return nil, &Error{Pos: pos, Origin: pos, Msg: "profile records no operations"}
	}
	return prog, nil
}

// newPredeclared returns the names every profile and module sees, with
// facts bound to factsValue.
func newPredeclared(factsValue starlark.Value) starlark.StringDict {
	predeclared := builtins.Predeclared()
	predeclared["facts"] = factsValue
	predeclared["struct"] = starlark.NewBuiltin("struct", starlarkstruct.Make)
	return predeclared
}

// Dialect returns the syntax options profiles and modules are parsed
// with (a copy), for compiling them ahead of time.
func Dialect() *syntax.FileOptions {
	o := *options
	return &o
}

// PredeclaredNames returns the predeclared names a profile or module is
// resolved against, sorted, for compiling them ahead of time.
func PredeclaredNames() []string {
	return newPredeclared(starlark.None).Keys()
}

// ModuleName is the name a file of the stdlib carries in positions and
// error messages when a profile loads it.
func ModuleName(file string) string { return stdlibPrefix + file }
