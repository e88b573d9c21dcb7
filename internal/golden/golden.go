// Package golden compares test output with golden files in testdata and
// rewrites them under the -update flag, so that every package's tests
// review generated text the same way: go test ./PKG -update, then read
// the git diff like code.
//
// Importing the package registers -update in the test binary; a test
// binary that imports it must not register its own -update flag.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
)

var update = flag.Bool("update", false, "rewrite golden files (and other expected output) instead of comparing with them")

// Update reports whether the test binary runs with -update, for tests
// that keep their expected output somewhere Check does not write (txtar
// archives, tables captured from the kernel).
func Update() bool { return *update }

// Check compares got with the file at path. Under -update it writes got
// there instead, creating the directories it needs. A missing file or a
// difference fails the test with a unified diff (want against got) and
// the command that rewrites the file.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run %s to create it)", err, command())
		return // for a testing.TB whose Fatalf returns
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (review, then %s rewrites it):\n%s", path, command(), diff.Diff(path, want, "got", []byte(got)))
	}
}

// command is the go test command line that rewrites this package's
// golden files: the test runs in its package's directory, so the
// package is that directory relative to the module root (the nearest
// directory above with a go.mod).
func command() string {
	dir, err := os.Getwd()
	if err != nil {
		return "go test -update"
	}
	for root := dir; ; {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				break
			}
			if rel == "." {
				return "go test . -update"
			}
			return "go test ./" + filepath.ToSlash(rel) + " -update"
		}
		parent := filepath.Dir(root)
		if parent == root {
			break
		}
		root = parent
	}
	return "go test -update"
}
