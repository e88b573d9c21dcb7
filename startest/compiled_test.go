package startest

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"confine/internal/starc"
	"confine/profiles"
	"confine/stdlib"
)

// TestCompiledUsed checks that the shipped test files and the contracts
// they load are found precompiled under the names tests resolve against
// (confine/internal/precompile compiles them for this package).
func TestCompiledUsed(t *testing.T) {
	check := func(fsys fs.FS, file, name string) {
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			t.Fatal(err)
		}
		if starc.Lookup(starc.Unit{Dialect: options, Name: name, Src: src, Predeclared: PredeclaredNames()}) == nil {
			t.Errorf("%s: no precompiled program matches it (stale? run go generate ./...)", name)
		}
	}
	files, err := Embedded(profiles.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		check(f.FS, f.Path, f.Path)
	}
	check(stdlib.FS, "contracts.star", "@stdlib//contracts.star")
}

// runBoth runs files with the precompiled programs and without, and
// fails unless the reports are the same.
func runBoth(t *testing.T, files []File) string {
	t.Helper()
	var compiled, parsed bytes.Buffer
	cfg := Config{Profiles: profiles.FS, Stdlib: stdlib.FS}
	cfg.Out = &compiled
	sumCompiled := Run(cfg, files)
	prev := starc.SetEnabled(false)
	cfg.Out = &parsed
	sumParsed := Run(cfg, files)
	starc.SetEnabled(prev)
	if compiled.String() != parsed.String() || sumCompiled != sumParsed {
		t.Errorf("got report precompiled\n%s\nwant as parsed\n%s", compiled.String(), parsed.String())
	}
	return compiled.String()
}

func TestCompiledSameReport(t *testing.T) {
	files, err := Embedded(profiles.FS)
	if err != nil {
		t.Fatal(err)
	}
	runBoth(t, files)
}

// TestCompiledContractError fails inside a precompiled contract: the
// backtrace must name the contract's file:line:col as when parsed.
func TestCompiledContractError(t *testing.T) {
	fsys := fstest.MapFS{"x_test.star": {Data: []byte(`load("@stdlib//contracts.star", "both_ways")

def test_bad_namespace(t):
    both_ways(t, None, "/media")
`)}}
	files, err := Embedded(fsys)
	if err != nil {
		t.Fatal(err)
	}
	out := runBoth(t, files)
	if !strings.Contains(out, "ERROR x_test.star: test_bad_namespace") || !strings.Contains(out, "@stdlib//contracts.star:") {
		t.Errorf("got report\n%s\nwant an ERROR whose backtrace names @stdlib//contracts.star:LINE:COL", out)
	}
}
