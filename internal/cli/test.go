package cli

import (
	"fmt"
	"io"
	"regexp"

	"confine/startest"
)

func init() {
	register(command{name: "test", summary: "run Starlark tests of profiles (*_test.star)", run: runTest})
}

// runTest is confine test [--run REGEXP] [PATH…]: it runs the test_*
// functions of the *_test.star files named (a directory stands for its
// *_test.star files), or of the shipped profiles' tests when no PATH is
// given. One line per test; exit 1 when a test fails, 2 when one cannot
// run (syntax errors, unknown facts, relative paths, profile errors).
func runTest(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("test", "usage: confine test [--run REGEXP] [PATH...]", stderr)
	run := fs.String("run", "", "run only the tests whose name matches `REGEXP`")
	paths, status, ok := parse(fs, args)
	if !ok {
		return status
	}
	cfg := startest.Config{Profiles: shippedProfiles, Stdlib: stdlibFS, Out: stdout}
	if *run != "" {
		re, err := regexp.Compile(*run)
		if err != nil {
			return reportError(stderr, fmt.Errorf("--run: %w", err))
		}
		cfg.Run = re
	}
	var files []startest.File
	var err error
	if len(paths) == 0 {
		if shippedProfiles == nil {
			return reportError(stderr, fmt.Errorf("test: no shipped profiles in this build; name the test files"))
		}
		files, err = startest.Embedded(shippedProfiles)
	} else {
		files, err = startest.Discover(paths)
	}
	if err != nil {
		return reportError(stderr, err)
	}
	if len(files) == 0 {
		return reportError(stderr, fmt.Errorf("test: no *_test.star files"))
	}
	return startest.Run(cfg, files).ExitStatus()
}
