package builtins

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"confine/internal/chunked"
	"confine/plan"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarktest"
	"go.starlark.net/syntax"
)

// testPredeclared is the builtins plus test-only helpers:
// program() returns the ops recorded so far as mount(8) text, lines()
// returns them as program text lines (with provenance), and reset()
// forgets them.
func testPredeclared() starlark.StringDict {
	d := Predeclared()
	d["program"] = starlark.NewBuiltin("program", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		var out []starlark.Value
		for _, op := range Program(thread).Ops {
			out = append(out, starlark.String(op.String()))
		}
		return starlark.NewList(out), nil
	})
	d["lines"] = starlark.NewBuiltin("lines", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		var out []starlark.Value
		for _, op := range Program(thread).Ops {
			out = append(out, starlark.String(op.Line()))
		}
		return starlark.NewList(out), nil
	})
	d["reset"] = starlark.NewBuiltin("reset", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		Program(thread).Ops = nil
		return starlark.None, nil
	})
	return d
}

// newThread returns a thread recording into a fresh program, with
// assert.star loadable.
func newThread(t *testing.T) *starlark.Thread {
	thread := &starlark.Thread{Load: func(_ *starlark.Thread, module string) (starlark.StringDict, error) {
		if module == "assert.star" {
			return starlarktest.LoadAssertModule()
		}
		return nil, errors.New("no such module")
	}}
	starlarktest.SetReporter(thread, t)
	SetProgram(thread, &plan.Program{})
	return thread
}

// TestExecFile runs the Starlark-level specifications in testdata.
func TestExecFile(t *testing.T) {
	files, err := filepath.Glob("testdata/*.star")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if filepath.Base(file) == "errors.star" {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			thread := newThread(t)
			opts := &syntax.FileOptions{}
			if _, err := starlark.ExecFileOptions(opts, thread, file, nil, testPredeclared()); err != nil {
				var evalErr *starlark.EvalError
				if errors.As(err, &evalErr) {
					t.Fatal(evalErr.Backtrace())
				}
				t.Fatal(err)
			}
		})
	}
}

// TestErrors runs the chunks of testdata/errors.star; each must fail
// exactly where its ### comment says.
func TestErrors(t *testing.T) {
	for _, chunk := range chunked.Read("testdata/errors.star", t) {
		thread := newThread(t)
		_, err := starlark.ExecFileOptions(&syntax.FileOptions{}, thread, "errors.star", chunk.Source, testPredeclared())
		var evalErr *starlark.EvalError
		switch {
		case err == nil:
		case errors.As(err, &evalErr):
			line := 0
			for _, fr := range evalErr.CallStack {
				if fr.Pos.Filename() != "<builtin>" {
					line = int(fr.Pos.Line)
				}
			}
			chunk.GotError(line, evalErr.Msg)
		default:
			t.Errorf("%s: %v", chunk, err)
		}
		chunk.Done()
	}
}

func TestProgramPanicsWithoutSetProgram(t *testing.T) {
	defer func() {
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, "internal error") {
			t.Errorf("got panic %v, want an internal error", r)
		}
	}()
	Program(&starlark.Thread{})
}

func TestNamesSorted(t *testing.T) {
	for i := 1; i < len(registry); i++ {
		if registry[i-1].name >= registry[i].name {
			t.Errorf("registry: %q before %q, want sorted", registry[i-1].name, registry[i].name)
		}
	}
	want := []string{"bind", "rbind", "make_shared", "make_slave", "make_private", "make_unbindable",
		"mount", "umount", "mkdir", "symlink", "pivot", "scratch_dir", "nvidia", "remount", "move", "rmdir"}
	d := Predeclared()
	for _, name := range want {
		if _, ok := d[name]; !ok {
			t.Errorf("Predeclared() lacks %s", name)
		}
	}
}
