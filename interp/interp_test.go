package interp

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"confine/builtins"
	"confine/facts"
	"confine/internal/golden"

	"go.starlark.net/starlark"

	"github.com/rogpeppe/go-internal/txtar"
)

// testFacts are the facts every case starts from: a classic Ubuntu host
// with the core snap.
func testFacts() facts.Facts {
	return facts.Facts{
		Classic:      true,
		SnapMountDir: "/snap",
		Base:         "core",
		BaseDir:      "/snap/core/current",
		Distro:       "ubuntu",
		SnapName:     "demo",
		HostPaths:    []string{"/etc/alternatives", "/media"},
		BaseEntries: []facts.Entry{
			{Name: "bin", Type: "dir"},
			{Name: "lib64", Type: "symlink", Target: "usr/lib64"},
		},
	}
}

// evalCase is one testdata/*.txtar case.
type evalCase struct {
	ar              *txtar.Archive
	profile, stdlib fstest.MapFS
	facts           facts.Facts
	want, wantErr   *txtar.File
}

func loadCase(t *testing.T, file string) *evalCase {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c := &evalCase{ar: ar, profile: fstest.MapFS{}, stdlib: fstest.MapFS{}, facts: testFacts()}
	for i := range ar.Files {
		af := &ar.Files[i]
		switch {
		case af.Name == "want":
			c.want = af
		case af.Name == "error":
			c.wantErr = af
		case af.Name == "facts":
			for _, kv := range strings.Fields(string(af.Data)) {
				if err := c.facts.SetPair(kv); err != nil {
					t.Fatal(err)
				}
			}
		case strings.HasPrefix(af.Name, "stdlib/"):
			c.stdlib[strings.TrimPrefix(af.Name, "stdlib/")] = &fstest.MapFile{Data: af.Data}
		default:
			c.profile[af.Name] = &fstest.MapFile{Data: af.Data}
		}
	}
	return c
}

func (c *evalCase) config() Config {
	return Config{Profile: c.profile, File: "p.star", Stdlib: c.stdlib, Facts: c.facts, MaxSteps: 10000}
}

// TestEval runs each testdata/*.txtar case: the profile p.star, its
// siblings, stdlib/*.star as the stdlib, optional "facts" (KEY=VALUE
// lines), and either "want" (the program text; -update rewrites it) or
// "error" (a regexp the error's text must match, one per line, each
// matching somewhere in "file:line:col: message\nbacktrace").
func TestEval(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			c := loadCase(t, file)
			ar, want, wantErr := c.ar, c.want, c.wantErr
			prog, err := Eval(c.config())
			if wantErr != nil {
				if err == nil {
					t.Fatalf("got program\n%s\nwant an error", prog.Text())
				}
				var ie *Error
				if !errors.As(err, &ie) {
					t.Fatalf("got %T %v, want *interp.Error", err, err)
				}
				text := err.Error() + "\n" + ie.Backtrace
				for _, pattern := range strings.Split(strings.TrimSpace(string(wantErr.Data)), "\n") {
					if !regexp.MustCompile(pattern).MatchString(text) {
						t.Errorf("got error\n%s\nwant match for %q", text, pattern)
					}
				}
				return
			}
			if err != nil {
				var ie *Error
				if errors.As(err, &ie) {
					t.Fatalf("%v\n%s", err, ie.Backtrace)
				}
				t.Fatal(err)
			}
			// The facts header is covered by the facts package; leaving
			// it out keeps these goldens stable as facts are added.
			prog.Facts = nil
			got := prog.Text()
			if golden.Update() && want != nil {
				want.Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want == nil {
				t.Fatalf("no want or error section; program:\n%s", got)
			}
			if got != string(want.Data) {
				t.Errorf("got program\n%s\nwant\n%s", got, want.Data)
			}
		})
	}
}

func TestEvalDeterministic(t *testing.T) {
	profile := fstest.MapFS{"p.star": {Data: []byte(`
d = {"/b": 1, "/a": 2, "/c": 3}
[bind(k, "$SCRATCH" + k) for k in d]
[rbind(k, "/x" + k) for k in sorted(d)]
`)}}
	cfg := Config{Profile: profile, File: "p.star", Facts: testFacts()}
	first, err := Eval(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := first.JSON()
	for i := 0; i < 5; i++ {
		prog, err := Eval(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := prog.JSON(); string(got) != string(want) {
			t.Fatalf("run %d: got\n%s\nwant\n%s", i, got, want)
		}
	}
}

func TestEvalProvenance(t *testing.T) {
	profile := fstest.MapFS{
		"profiles/p.star":  {Data: []byte("load(\"h.star\", \"f\")\nf()\n")},
		"profiles/h.star":  {Data: []byte("def f():\n    make_slave(\"/x\")\n")},
		"elsewhere/h.star": {Data: []byte("def f():\n    pass\n")},
	}
	prog, err := Eval(Config{Profile: profile, File: "profiles/p.star", Name: "custom"})
	if err != nil {
		t.Fatal(err)
	}
	if prog.Profile != "custom" {
		t.Errorf("got Profile %q, want %q", prog.Profile, "custom")
	}
	if len(prog.Ops) != 1 {
		t.Fatalf("got %d ops, want 1", len(prog.Ops))
	}
	op := prog.Ops[0]
	if got, want := op.Pos.String(), "h.star:2:15"; got != want {
		t.Errorf("got Pos %s, want %s", got, want)
	}
	if len(op.Stack) != 2 || op.Stack[0].String() != "p.star:2:2" || op.Stack[1] != op.Pos {
		t.Errorf("got Stack %v, want [p.star:2:2 h.star:2:15]", op.Stack)
	}
}

func TestEvalBadConfig(t *testing.T) {
	profile := fstest.MapFS{"p.star": {Data: []byte("bind(\"/a\", \"/b\")\n")}}
	for _, test := range []struct {
		cfg  Config
		want string
	}{
		{Config{File: "p.star"}, "interp: no profile file system"},
		{Config{Profile: profile}, `interp: invalid profile file name ""`},
		{Config{Profile: profile, File: "../p.star"}, `interp: invalid profile file name "../p.star"`},
		{Config{Profile: profile, File: "q.star"}, "profile q.star: open q.star: file does not exist"},
	} {
		_, err := Eval(test.cfg)
		if err == nil || err.Error() != test.want {
			t.Errorf("Eval(%+v) = %v, want %s", test.cfg.File, err, test.want)
		}
	}
}

func TestEvalNoStdlib(t *testing.T) {
	profile := fstest.MapFS{"p.star": {Data: []byte("load(\"@stdlib//x.star\", \"x\")\n")}}
	_, err := Eval(Config{Profile: profile, File: "p.star"})
	if want := "p.star:1:1: cannot load @stdlib//x.star: no module @stdlib//x.star: no stdlib in this build"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestEvalPrint(t *testing.T) {
	profile := fstest.MapFS{"p.star": {Data: []byte("print(facts.snap_name)\nbind(\"/a\", \"/b\")\n")}}
	var got []string
	if _, err := Eval(Config{Profile: profile, File: "p.star", Facts: testFacts(), Print: func(msg string) { got = append(got, msg) }}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "p.star:1:6: demo" {
		t.Errorf("got prints %q, want [p.star:1:6: demo]", got)
	}
}

func TestFactsValue(t *testing.T) {
	v, err := FactsValue(testFacts())
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct{ expr, want string }{
		{"facts.classic", "True"},
		{"facts.base_dir", `"/snap/core/current"`},
		{"facts.host_paths", `["/etc/alternatives", "/media"]`},
		{"facts.base_entries[1].target", `"usr/lib64"`},
		{"facts.nvidia.version", `""`},
		{"type(facts.nvidia)", `"struct"`},
	} {
		got, err := starlark.EvalOptions(options, &starlark.Thread{}, "expr", test.expr, starlark.StringDict{"facts": v})
		if err != nil {
			t.Errorf("%s: %v", test.expr, err)
			continue
		}
		if got.String() != test.want {
			t.Errorf("%s = %s, want %s", test.expr, got, test.want)
		}
	}
}

func TestEvalSetsFacts(t *testing.T) {
	var got *facts.Facts
	testHookPredeclared = func(d starlark.StringDict) {
		d["probe"] = starlark.NewBuiltin("probe", func(thread *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			got = builtins.Facts(thread)
			return starlark.None, nil
		})
	}
	defer func() { testHookPredeclared = nil }()
	profile := fstest.MapFS{"p.star": {Data: []byte("probe()\nbind(\"/a\", \"/b\")\n")}}
	if _, err := Eval(Config{Profile: profile, File: "p.star", Facts: testFacts()}); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.BaseDir != "/snap/core/current" {
		t.Fatalf("builtins.Facts during Eval = %v, want the configured facts", got)
	}
	if builtins.Facts(&starlark.Thread{}) != nil {
		t.Error("builtins.Facts on a bare thread is not nil")
	}
}

func TestToStarlark(t *testing.T) {
	type inner struct {
		N int `fact:"n"`
	}
	n := 7
	for _, test := range []struct {
		v    any
		want string
	}{
		{map[string]int{"b": 2, "a": 1}, `{"a": 1, "b": 2}`},
		{(*inner)(nil), "None"},
		{&inner{N: 3}, "struct(n = 3)"},
		{&n, "7"},
		{[]inner{{1}}, "[struct(n = 1)]"},
		{uint32(5), "5"},
	} {
		got, err := toStarlark(reflect.ValueOf(test.v), "x")
		if err != nil {
			t.Errorf("toStarlark(%#v): %v", test.v, err)
			continue
		}
		if got.String() != test.want {
			t.Errorf("toStarlark(%#v) = %s, want %s", test.v, got, test.want)
		}
	}
	if _, err := toStarlark(reflect.ValueOf(map[int]int{1: 1}), "x"); err == nil || err.Error() != "interp: x: cannot convert a Go map[int]int to Starlark" {
		t.Errorf("toStarlark(map[int]int) error = %v", err)
	}
}

// TestEvalConcurrent evaluates one profile from several goroutines: Eval
// keeps all its state per call, so callers (the simulator, tests) may run
// evaluations in parallel. Run with -race.
func TestEvalConcurrent(t *testing.T) {
	profile := fstest.MapFS{"p.star": {Data: []byte("load(\"@stdlib//l.star\", \"f\")\nf(facts.base_dir)\n")}}
	stdlib := fstest.MapFS{"l.star": {Data: []byte("def f(p):\n    rbind(p, \"$SCRATCH\")\n")}}
	cfg := Config{Profile: profile, File: "p.star", Stdlib: stdlib, Facts: testFacts()}
	want, err := Eval(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	for i := 0; i < 8; i++ {
		go func() {
			prog, err := Eval(cfg)
			if err != nil {
				done <- err.Error()
				return
			}
			done <- prog.Text()
		}()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; got != want.Text() {
			t.Errorf("concurrent Eval: got\n%s\nwant\n%s", got, want.Text())
		}
	}
}
