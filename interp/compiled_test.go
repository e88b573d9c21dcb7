package interp

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"confine/hosts"
	"confine/internal/starc"
	"confine/profiles"
	"confine/stdlib"

	"go.starlark.net/starlark"
)

// The precompiled programs (package starc) must change nothing but the
// time evaluation takes: these tests evaluate with them and without
// them (parsing every file, as before they existed) and compare.

// evalBoth evaluates cfg with the precompiled programs and without, and
// fails unless both give the same program or the same error.
func evalBoth(t *testing.T, cfg Config) (*Error, error) {
	t.Helper()
	compiled, errCompiled := Eval(cfg)
	prev := starc.SetEnabled(false)
	parsed, errParsed := Eval(cfg)
	starc.SetEnabled(prev)
	if (errCompiled == nil) != (errParsed == nil) {
		t.Fatalf("got error %v precompiled and %v parsed, want the same", errCompiled, errParsed)
	}
	if errCompiled != nil {
		if got, want := errCompiled.Error(), errParsed.Error(); got != want {
			t.Errorf("got error %q precompiled, want %q as parsed", got, want)
		}
		var ec, ep *Error
		if errors.As(errCompiled, &ec) != errors.As(errParsed, &ep) {
			t.Fatalf("got %T precompiled and %T parsed, want the same", errCompiled, errParsed)
		}
		if ec != nil && (ec.Pos != ep.Pos || ec.Origin != ep.Origin || ec.Backtrace != ep.Backtrace) {
			t.Errorf("got precompiled error at %v (origin %v), backtrace\n%s\nwant as parsed at %v (origin %v)\n%s",
				ec.Pos, ec.Origin, ec.Backtrace, ep.Pos, ep.Origin, ep.Backtrace)
		}
		return ec, errCompiled
	}
	if !reflect.DeepEqual(compiled, parsed) {
		got, _ := compiled.JSON()
		want, _ := parsed.JSON()
		t.Errorf("got program precompiled\n%s\nwant as parsed\n%s", got, want)
	}
	return nil, nil
}

// shippedFacts are the host fixtures the shipped profiles are written for.
func shippedFacts(t *testing.T, profile string) Config {
	t.Helper()
	host := map[string]string{"classic": "ubuntu-classic", "core": "ubuntu-core", "merged-usr": "arch", "default": "ubuntu-classic"}[profile]
	if host == "" {
		t.Fatalf("shipped profile %s has no host fixture here", profile)
	}
	h, err := hosts.Load(host)
	if err != nil {
		t.Fatal(err)
	}
	f, err := h.Facts()
	if err != nil {
		t.Fatal(err)
	}
	f.SnapName = "demo"
	if profile == "default" {
		f.Base, f.BaseDir, f.BaseEntries = "", "", nil
	}
	return Config{Profile: profiles.FS, File: profile + ".star", Name: profile, Stdlib: stdlib.FS, Facts: f}
}

func TestCompiledShippedProfiles(t *testing.T) {
	for _, name := range profiles.Names() {
		t.Run(name, func(t *testing.T) {
			if _, err := evalBoth(t, shippedFacts(t, name)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCompiledUsed checks that every shipped profile and stdlib module
// is found precompiled under the names Eval resolves against, so that a
// change to the predeclared names or the loader's naming cannot quietly
// send every evaluation back to parsing.
func TestCompiledUsed(t *testing.T) {
	var seen []string
	testHookPredeclared = func(d starlark.StringDict) { seen = d.Keys() }
	defer func() { testHookPredeclared = nil }()
	if _, err := Eval(shippedFacts(t, "classic")); err != nil {
		t.Fatal(err)
	}
	if got, want := seen, PredeclaredNames(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Eval resolves against %v, PredeclaredNames returns %v; precompile must see what Eval sees", got, want)
	}
	check := func(fsys fs.FS, file, name string) {
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			t.Fatal(err)
		}
		if starc.Lookup(starc.Unit{Dialect: options, Name: name, Src: src, Predeclared: seen}) == nil {
			t.Errorf("%s: no precompiled program matches it (stale? run go generate ./...)", name)
		}
	}
	for _, name := range profiles.Names() {
		check(profiles.FS, name+".star", name+".star")
	}
	modules, _ := fs.Glob(stdlib.FS, "*.star")
	for _, file := range modules {
		check(stdlib.FS, file, ModuleName(file))
	}
}

// TestCompiledStdlibError fails inside a precompiled stdlib function: the
// error must name the stdlib's file:line:col and the builtin, exactly as
// when the module is parsed.
func TestCompiledStdlibError(t *testing.T) {
	profile := fstest.MapFS{"p.star": {Data: []byte(`load("@stdlib//bootstrap.star", "slave_scratch")
slave_scratch("relative")
`)}}
	e, err := evalBoth(t, Config{Profile: profile, File: "p.star", Stdlib: stdlib.FS, Facts: testFacts()})
	if e == nil {
		t.Fatalf("got %v, want an *Error", err)
	}
	want := regexp.MustCompile(`^p\.star:2:14 > @stdlib//bootstrap\.star:\d+:\d+: make_slave: .*must be absolute`)
	if !want.MatchString(err.Error()) {
		t.Errorf("got %q, want match for %s", err, want)
	}
	if !strings.Contains(e.Backtrace, "in slave_scratch") {
		t.Errorf("got backtrace\n%s\nwant it through slave_scratch", e.Backtrace)
	}
}

// TestCompiledCases runs every testdata case (errors in modules, step
// limits, load cycles, ...) through precompiled programs of its own
// files and compares with parsing them.
func TestCompiledCases(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			c := loadCase(t, file)
			names := PredeclaredNames()
			var entries []starc.Entry
			var main *starc.Unit
			add := func(fsys fstest.MapFS, name func(string) string) {
				for file, f := range fsys {
					u := starc.Unit{Dialect: options, Name: name(file), Src: f.Data, Predeclared: names}
					code, err := starc.Compile(u)
					if err != nil {
						continue // parsed at evaluation, with this error
					}
					entries = append(entries, starc.Entry{Key: starc.KeyOf(u, "test"), Code: code})
					if file == "p.star" {
						main = &u
					}
				}
			}
			add(c.profile, func(f string) string { return f })
			add(c.stdlib, ModuleName)
			starc.Register(string(starc.Archive("test", entries)))
			if main != nil && starc.Lookup(*main) == nil {
				t.Fatal("p.star compiled but not found precompiled")
			}
			evalBoth(t, c.config())
		})
	}
}

// TestCompiledConcurrent evaluates a shipped profile from many
// goroutines: the archives are parsed once and shared (run with -race).
func TestCompiledConcurrent(t *testing.T) {
	cfg := shippedFacts(t, "classic")
	want, err := Eval(cfg)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := Eval(cfg)
			if err == nil && !reflect.DeepEqual(got, want) {
				err = errors.New("got a different program")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// BenchmarkModuleProgram compares the two ways to get bootstrap.star's
// program: parsing, resolving and compiling its source, or computing its
// key and decoding the precompiled bytecode.
func BenchmarkModuleProgram(b *testing.B) {
	src, err := fs.ReadFile(stdlib.FS, "bootstrap.star")
	if err != nil {
		b.Fatal(err)
	}
	u := starc.Unit{Dialect: options, Name: ModuleName("bootstrap.star"), Src: src, Predeclared: PredeclaredNames()}
	set := map[string]bool{}
	for _, name := range u.Predeclared {
		set[name] = true
	}
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := starlark.SourceProgramOptions(u.Dialect, u.Name, u.Src, func(name string) bool { return set[name] }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("precompiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if starc.Lookup(u) == nil {
				b.Fatal("no precompiled program")
			}
		}
	})
}
