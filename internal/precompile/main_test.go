package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// generated are the packages whose .star files go generate compiles,
// with the -stdlib flag of their //go:generate line.
var generated = []struct {
	dir, pkg string
	stdlib   bool
}{
	{"../../stdlib", "stdlib", true},
	{"../../profiles", "profiles", false},
}

// TestUpToDate fails when a committed archive no longer matches its
// sources: interp would still be right (it parses what it cannot match)
// but every evaluation would be slower again.
func TestUpToDate(t *testing.T) {
	for _, g := range generated {
		t.Run(g.pkg, func(t *testing.T) {
			want, err := build(g.dir, g.stdlib)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(g.dir, archiveFile))
			if err != nil {
				t.Fatalf("%v: run go generate ./...", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s/%s is stale (a .star file, the builtins or go.starlark.net changed): run go generate ./...", g.pkg, archiveFile)
			}
			gotGo, err := os.ReadFile(filepath.Join(g.dir, goFile))
			if err != nil {
				t.Fatalf("%v: run go generate ./...", err)
			}
			if !bytes.Equal(gotGo, goSource(g.pkg)) {
				t.Errorf("%s/%s is stale: run go generate ./...", g.pkg, goFile)
			}
		})
	}
}

// moduleDir returns a directory holding a go.mod that requires
// go.starlark.net.
func moduleDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module m\nrequire go.starlark.net v1.2.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunWritesBoth(t *testing.T) {
	dir := moduleDir(t)
	if err := os.WriteFile(filepath.Join(dir, "a.star"), []byte("A = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a_test.star"), []byte("this is not starlark\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(dir, "", false); err == nil {
		t.Errorf("run without GOPACKAGE: got no error, want one")
	}
	if err := run(dir, "x", false); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{archiveFile, goFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("got %v, want %s written", err, f)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	for _, test := range []struct {
		name, src string
	}{
		{"syntax", "def f(:\n"},
		{"undefined", "x = no_such_builtin()\n"},
	} {
		t.Run(test.name, func(t *testing.T) {
			dir := moduleDir(t)
			if err := os.WriteFile(filepath.Join(dir, "bad.star"), []byte(test.src), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := build(dir, false); err == nil {
				t.Errorf("got no error, want the compile error of bad.star")
			}
		})
	}
	if _, err := build(moduleDir(t), false); err == nil {
		t.Errorf("empty directory: got no error, want one")
	}
}

func TestStarlarkVersion(t *testing.T) {
	for _, test := range []struct {
		gomod, want string
	}{
		{"module m\n\nrequire (\n\tgo.starlark.net v0.0.0-2026 // c\n)\n", "v0.0.0-2026"},
		{"module m\nrequire go.starlark.net v1.2.3\n", "v1.2.3"},
		{"module m\nrequire go.starlark.net v1.2.3\nreplace go.starlark.net => ../starlark\n", "=> ../starlark "},
		{"module m\nrequire go.starlark.net v1.2.3\nreplace go.starlark.net v1.2.3 => example.com/fork v1.0.0\n", "=> example.com/fork v1.0.0"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(test.gomod), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := starlarkVersion(dir); err != nil || got != test.want {
			t.Errorf("starlarkVersion(%q) = %q, %v, want %q", test.gomod, got, err, test.want)
		}
	}
}
