package interp

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzEval evaluates arbitrary profile text (with one sibling module and
// one stdlib module) and checks that evaluation never panics, that every
// failure is an *Error naming a position or a plain configuration error,
// and that a successful program is deterministic and valid.
func FuzzEval(f *testing.F) {
	for _, seed := range []string{
		`bind("/a", "/b")`,
		`rbind("/dev", "$SCRATCH/dev", optional = True)`,
		`load("@stdlib//lib.star", "f")` + "\nf()",
		`load("h.star", "g")` + "\ng(\"/x\")",
		`mount("tmpfs", "tmpfs", "/tmp", options = "mode=1777,size=10%")`,
		`[mkdir("/d%d" % i, mode = 0o700) for i in range(3)]`,
		`pivot(scratch_dir(), scratch_dir() + "/var/lib/snapd/hostfs")`,
		`umount("/x", lazy = True, no_follow = True); remount("/x", "ro")`,
		`symlink("usr/lib", "/lib") if facts.merged_usr else make_private("/", recursive = True)`,
		`x = [i for i in range(10000000)]`,
		`load("p.star", "x")`,
		`def f(): f()` + "\nf()",
		`bind("/a", 1)`,
		`fail("x")`,
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		profile := fstest.MapFS{
			"p.star": {Data: []byte(src)},
			"h.star": {Data: []byte("def g(p):\n    make_slave(p)\n")},
		}
		stdlib := fstest.MapFS{"lib.star": {Data: []byte("def f():\n    bind(\"/s\", \"$SCRATCH/s\")\n")}}
		cfg := Config{Profile: profile, File: "p.star", Stdlib: stdlib, Facts: testFacts(), MaxSteps: 20000}
		prog, err := Eval(cfg)
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) {
				t.Fatalf("got %T %v, want *interp.Error", err, err)
			}
			if ie.Pos.File == "" || ie.Pos.Line <= 0 {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		if len(prog.Ops) == 0 {
			t.Fatal("got a program without ops")
		}
		for _, op := range prog.Ops {
			if op.Target == "" || strings.ContainsAny(op.Target+op.Source, " \n\t") {
				t.Fatalf("recorded a bad op: %q", op.String())
			}
			if len(op.Stack) == 0 || op.Stack[len(op.Stack)-1] != op.Pos {
				t.Fatalf("op %q: stack %v does not end at %v", op.String(), op.Stack, op.Pos)
			}
		}
		again, err := Eval(cfg)
		if err != nil || again.Text() != prog.Text() {
			t.Fatalf("second evaluation differs: %v\n%s\nvs\n%s", err, again.Text(), prog.Text())
		}
	})
}
