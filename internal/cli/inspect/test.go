package inspect

import (
	"fmt"
	"io"
	"regexp"

	"confine/internal/cli"
	"confine/startest"
)

func init() {
	cli.AddCommand(cli.Command{Name: "test", Summary: "run Starlark tests of profiles (*_test.star)", Run: runTest})
}

// runTest is confine test [--run REGEXP] [PATH…]: it runs the test_*
// functions of the *_test.star files named (a directory stands for its
// *_test.star files), or of the shipped profiles' tests when no PATH is
// given. One line per test; exit 1 when a test fails, 2 when one cannot
// run (syntax errors, unknown facts, relative paths, profile errors).
func runTest(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlags("test", "usage: confine test [--run REGEXP] [PATH...]", stderr)
	run := fs.String("run", "", "run only the tests whose name matches `REGEXP`")
	paths, status, ok := cli.ParseFlags(fs, args)
	if !ok {
		return status
	}
	cfg := startest.Config{Profiles: cli.ShippedProfiles, Stdlib: cli.StdlibFS, Out: stdout}
	if *run != "" {
		re, err := regexp.Compile(*run)
		if err != nil {
			return cli.ReportError(stderr, fmt.Errorf("--run: %w", err))
		}
		cfg.Run = re
	}
	var files []startest.File
	var err error
	if len(paths) == 0 {
		if cli.ShippedProfiles == nil {
			return cli.ReportError(stderr, fmt.Errorf("test: no shipped profiles in this build; name the test files"))
		}
		files, err = startest.Embedded(cli.ShippedProfiles)
	} else {
		files, err = startest.Discover(paths)
	}
	if err != nil {
		return cli.ReportError(stderr, err)
	}
	if len(files) == 0 {
		return cli.ReportError(stderr, fmt.Errorf("test: no *_test.star files"))
	}
	return startest.Run(cfg, files).ExitStatus()
}
