package startest

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"confine/internal/starc"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
)

// Config is what a test run needs from its caller.
type Config struct {
	// Profiles holds the shipped profiles (profile = "classic" in a test).
	Profiles fs.FS
	// Stdlib holds the @stdlib//NAME.star modules.
	Stdlib fs.FS
	// Out receives one line per test and the failure details.
	Out io.Writer
	// Run, when set, selects the tests (by function name) to run.
	Run *regexp.Regexp
}

// Summary counts the outcomes of a run.
type Summary struct {
	Passed, Failed, Errors int
}

// ExitStatus is the command's exit status for the summary: 2 when a test
// or file had an error, 1 when a test failed, 0 otherwise.
func (s Summary) ExitStatus() int {
	switch {
	case s.Errors > 0:
		return 2
	case s.Failed > 0:
		return 1
	}
	return 0
}

// File is one test file to run: its name as reported, the file system
// holding it (and the profiles and modules it names by relative path),
// and its path there.
type File struct {
	Display string
	FS      fs.FS
	Path    string
}

// Discover turns command-line arguments into test files: a file is taken
// as it is, a directory contributes its *_test.star files (not
// recursively), sorted.
func Discover(args []string) ([]File, error) {
	var files []File
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("test: %w", err)
		}
		if !fi.IsDir() {
			abs, err := filepath.Abs(arg)
			if err != nil {
				return nil, fmt.Errorf("test: %w", err)
			}
			files = append(files, File{Display: arg, FS: os.DirFS(filepath.Dir(abs)), Path: filepath.Base(abs)})
			continue
		}
		matches, err := filepath.Glob(filepath.Join(arg, "*_test.star"))
		if err != nil {
			return nil, fmt.Errorf("test: %w", err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("test: %s: no *_test.star files", arg)
		}
		sort.Strings(matches)
		abs, err := filepath.Abs(arg)
		if err != nil {
			return nil, fmt.Errorf("test: %w", err)
		}
		for _, m := range matches {
			files = append(files, File{Display: m, FS: os.DirFS(abs), Path: filepath.Base(m)})
		}
	}
	return files, nil
}

// Embedded lists the *_test.star files at the top of fsys (the shipped
// contracts next to the profiles).
func Embedded(fsys fs.FS) ([]File, error) {
	matches, err := fs.Glob(fsys, "*_test.star")
	if err != nil {
		return nil, err
	}
	sort.Strings(matches)
	var files []File
	for _, m := range matches {
		files = append(files, File{Display: m, FS: fsys, Path: m})
	}
	return files, nil
}

// Run runs every test of files in order and reports on cfg.Out.
func Run(cfg Config, files []File) Summary {
	var sum Summary
	for _, f := range files {
		runFile(cfg, f, &sum)
	}
	switch status := sum.ExitStatus(); status {
	case 0:
		fmt.Fprintf(cfg.Out, "PASS: %d tests\n", sum.Passed)
	default:
		fmt.Fprintf(cfg.Out, "FAIL: %d passed, %d failed, %d errors\n", sum.Passed, sum.Failed, sum.Errors)
	}
	return sum
}

// options is the strict dialect profiles use (interp): no top-level
// control flow, no while, no recursion.
var options = &syntax.FileOptions{}

// newPredeclared returns the names a test file and the modules it loads
// see besides Starlark's universe.
func newPredeclared() starlark.StringDict {
	return starlark.StringDict{"struct": starlark.NewBuiltin("struct", starlarkstruct.Make)}
}

// PredeclaredNames returns the predeclared names test files and their
// modules are resolved against, sorted, for compiling them ahead of time
// (confine/internal/precompile); they run in interp's dialect.
func PredeclaredNames() []string { return newPredeclared().Keys() }

// maxSteps bounds each test file's Starlark (the simulations it starts
// are Go and not counted).
const maxSteps = 10_000_000

func runFile(cfg Config, f File, sum *Summary) {
	src, err := fs.ReadFile(f.FS, f.Path)
	if err != nil {
		fmt.Fprintf(cfg.Out, "ERROR %s\n    %v\n", f.Display, err)
		sum.Errors++
		return
	}
	env := &env{cfg: cfg, file: f, dir: path.Dir(f.Path), display: path.Base(f.Path)}
	thread := env.thread("load")
	predeclared := newPredeclared()
	env.predeclared = predeclared
	globals, err := starc.Exec(options, thread, env.display, src, predeclared)
	if err != nil {
		fmt.Fprintf(cfg.Out, "ERROR %s\n%s", f.Display, indent(errorText(err)))
		sum.Errors++
		return
	}
	var names []string
	for name, v := range globals {
		if _, ok := v.(starlark.Callable); ok && strings.HasPrefix(name, "test_") {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		fmt.Fprintf(cfg.Out, "ERROR %s\n    no test_* functions\n", f.Display)
		sum.Errors++
		return
	}
	sort.Slice(names, func(i, j int) bool { return line(globals[names[i]]) < line(globals[names[j]]) })
	for _, name := range names {
		if cfg.Run != nil && !cfg.Run.MatchString(name) {
			continue
		}
		runTest(env, name, globals[name].(starlark.Callable), sum)
	}
}

// line is where a test function is defined, so tests run in file order.
func line(v starlark.Value) int32 {
	if fn, ok := v.(*starlark.Function); ok {
		return fn.Position().Line
	}
	return 0
}

func runTest(env *env, name string, fn starlark.Callable, sum *Summary) {
	t := &testContext{env: env, name: name}
	thread := env.thread(name)
	_, err := starlark.Call(thread, fn, starlark.Tuple{t}, nil)
	label := env.file.Display + ": " + name
	switch {
	case err != nil:
		sum.Errors++
		fmt.Fprintf(env.cfg.Out, "ERROR %s\n", label)
		for _, f := range t.failures {
			fmt.Fprint(env.cfg.Out, indent(f))
		}
		fmt.Fprint(env.cfg.Out, indent(errorText(err)))
	case len(t.failures) > 0:
		sum.Failed++
		fmt.Fprintf(env.cfg.Out, "FAIL  %s\n", label)
		for _, f := range t.failures {
			fmt.Fprint(env.cfg.Out, indent(f))
		}
	default:
		sum.Passed++
		fmt.Fprintf(env.cfg.Out, "ok    %s\n", label)
	}
}

// errorText renders a Starlark error with its backtrace, or any other
// error as it is.
func errorText(err error) string {
	if ee, ok := err.(*starlark.EvalError); ok {
		return ee.Backtrace() + "\n"
	}
	return err.Error() + "\n"
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	return "    " + strings.ReplaceAll(s, "\n", "\n    ") + "\n"
}
