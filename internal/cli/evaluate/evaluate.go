// Package evaluate puts the Starlark interpreter behind confine's command
// line: importing it installs an in-process evaluator (cli.SetEvaluator)
// with the profiles and stdlib built into the binary. cmd/confine and the
// inspecting commands import it; cmd/confine-launch does not, so the
// launcher links no interpreter and has the confine binary beside it
// evaluate instead (internal/cli's evalExternal).
package evaluate

import (
	"errors"

	"confine/internal/cli"
	"confine/interp"
	"confine/plan"
	"confine/profiles"
	"confine/stdlib"
)

// The shipped profiles and the stdlib are built into the binary, so that
// what confine evaluates (and, as root, executes) is what was built and
// reviewed, never a file someone could swap on the disk.
func init() {
	cli.SetEvaluator(cli.Evaluator{Eval: Eval, Backtrace: Backtrace, Profiles: profiles.FS, Stdlib: stdlib.FS})
}

// Eval evaluates e with the interpreter.
func Eval(e cli.Evaluation) (*plan.Program, error) {
	return interp.Eval(interp.Config{Profile: e.Profile, File: e.File, Name: e.Name, Stdlib: e.Stdlib, Facts: e.Facts, Print: e.Print})
}

// Backtrace is the Starlark backtrace of a profile error, "" for any
// other error.
func Backtrace(err error) string {
	var ie *interp.Error
	if errors.As(err, &ie) {
		return ie.Backtrace
	}
	return ""
}
