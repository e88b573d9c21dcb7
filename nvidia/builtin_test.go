package nvidia_test

import (
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"confine/facts"
	"confine/interp"
	"confine/nvidia"
	"confine/plan"
)

// eval evaluates a profile with the given facts and returns its program.
func eval(t *testing.T, src string, f facts.Facts) *plan.Program {
	t.Helper()
	prog, err := interp.Eval(interp.Config{
		Profile: fstest.MapFS{"profile.star": {Data: []byte(src)}},
		File:    "profile.star",
		Facts:   f,
	})
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

// TestBuiltin evaluates nvidia() from a profile: the ops are Expand's
// for facts.nvidia and facts.base, each stamped with the call's line.
func TestBuiltin(t *testing.T) {
	root := fixtureNamed(t, "multiarch-123.456").build(t)
	driver, err := nvidia.Gather(root, amd64)
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct {
		name, call, base string
		opts             nvidia.Options
	}{
		{"facts base core", "nvidia(root)", "core", nvidia.Options{Root: plan.Scratch, Base: "core"}},
		{"facts base other", "nvidia(root)", "", nvidia.Options{Root: plan.Scratch}},
		{"base parameter", `nvidia(root, base="core22")`, "core", nvidia.Options{Root: plan.Scratch, Base: "core22"}},
		{"hostfs parameter", `nvidia(root=root, hostfs="/oldroot")`, "core", nvidia.Options{Root: plan.Scratch, Base: "core", HostFS: "/oldroot"}},
	} {
		t.Run(test.name, func(t *testing.T) {
			prog := eval(t, "root = scratch_dir()\n"+test.call+"\n", facts.Facts{Base: test.base, NVIDIA: driver})
			want, err := nvidia.Expand(driver, test.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := render(prog.Ops), render(want); got != want {
				t.Errorf("program =\n%s\nwant\n%s", got, want)
			}
			for _, op := range prog.Ops {
				if got := op.Where(); got != "profile.star:2" {
					t.Errorf("%s is stamped %s, want profile.star:2", op, got)
					break
				}
			}
		})
	}
}

// TestBuiltinNoDriver: without a loaded module nvidia() records nothing.
func TestBuiltinNoDriver(t *testing.T) {
	// A profile must record something, hence the mkdir.
	prog := eval(t, "mkdir(\"/x\")\nnvidia(scratch_dir())\n", facts.Facts{Base: "core"})
	if len(prog.Ops) != 1 {
		t.Errorf("program =\n%s\nwant only the mkdir", render(prog.Ops))
	}
}

// TestBuiltinFactOverride: --fact nvidia.KEY=VALUE (facts.Set) alone can
// describe a driver, lists comma-separated.
func TestBuiltinFactOverride(t *testing.T) {
	var f facts.Facts
	for _, kv := range []string{
		"nvidia.version=550.54.14",
		"nvidia.layout=biarch",
		"nvidia.gl=libcuda.so.1=/usr/lib64/libcuda.so.1->libcuda.so.550.54.14,libcuda.so.550.54.14=/usr/lib64/libcuda.so.550.54.14",
	} {
		if err := f.SetPair(kv); err != nil {
			t.Fatal(err)
		}
	}
	prog := eval(t, "nvidia(scratch_dir())\n", f)
	got := render(prog.Ops)
	for _, want := range []string{
		"ln -s libcuda.so.550.54.14 $SCRATCH/var/lib/snapd/lib/gl/libcuda.so.1\n",
		"ln -s /var/lib/snapd/hostfs/usr/lib64/libcuda.so.550.54.14 $SCRATCH/var/lib/snapd/lib/gl/libcuda.so.550.54.14\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("program =\n%s\nwant it to contain %q", got, want)
		}
	}
}

// TestBuiltinErrors: bad parameters and contradictory facts are errors
// naming the builtin.
func TestBuiltinErrors(t *testing.T) {
	bad := facts.Facts{NVIDIA: nvidia.Facts{Version: "1.2", Layout: "fancy"}}
	for _, test := range []struct {
		src string
		f   facts.Facts
		err string
	}{
		{"nvidia()\n", facts.Facts{}, "nvidia: missing argument for root"},
		{"nvidia(\"tmp\")\n", facts.Facts{}, "nvidia: for parameter root"},
		{"nvidia(scratch_dir(), base=1)\n", facts.Facts{}, "nvidia: for parameter base: got int, want string or None"},
		{"nvidia(scratch_dir(), hostfs=\"x\")\n", facts.Facts{}, "nvidia: for parameter hostfs"},
		{"nvidia(scratch_dir())\n", bad, `nvidia: fact nvidia.layout: got "fancy"`},
	} {
		_, err := interp.Eval(interp.Config{
			Profile: fstest.MapFS{"p.star": {Data: []byte(test.src)}},
			File:    "p.star",
			Facts:   test.f,
		})
		if err == nil || !strings.Contains(err.Error(), test.err) {
			t.Errorf("%q: error = %v, want one containing %q", test.src, err, test.err)
		}
	}
}

// TestFactsGather: the facts package gathers facts.nvidia with this
// package for the machine's own architecture.
func TestFactsGather(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the fixture is an amd64 host; this is %s", runtime.GOARCH)
	}
	root := fixtureNamed(t, "multiarch-440.33.01-no32").build(t)
	f, err := facts.Gather(root)
	if err != nil {
		t.Fatal(err)
	}
	want, err := nvidia.Gather(root, amd64)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(f.NVIDIA.Lines(), "\n"), strings.Join(want.Lines(), "\n"); got != want {
		t.Errorf("facts.Gather(...).NVIDIA =\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(strings.Join(f.List(), "\n"), "nvidia.version=440.33.01") {
		t.Errorf("facts.List() = %q, want nvidia.version=440.33.01 in it", f.List())
	}
}
