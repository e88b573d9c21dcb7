package cli

import (
	"errors"
	"os"
	"testing"

	"confine/interp"
	"confine/plan"
	"confine/profiles"
	"confine/stdlib"
)

// TestMain installs the in-process evaluator that
// confine/internal/cli/evaluate installs in cmd/confine (which this
// package's own tests cannot import: it imports this package). Tests of
// the external evaluator uninstall it.
func TestMain(m *testing.M) {
	SetEvaluator(Evaluator{
		Eval: func(e Evaluation) (*plan.Program, error) {
			return interp.Eval(interp.Config{Profile: e.Profile, File: e.File, Name: e.Name, Stdlib: e.Stdlib, Facts: e.Facts, Print: e.Print})
		},
		Backtrace: func(err error) string {
			var ie *interp.Error
			if errors.As(err, &ie) {
				return ie.Backtrace
			}
			return ""
		},
		Profiles: profiles.FS,
		Stdlib:   stdlib.FS,
	})
	os.Exit(m.Run())
}
