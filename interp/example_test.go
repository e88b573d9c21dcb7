package interp_test

import (
	"fmt"
	"testing/fstest"

	"confine/facts"
	"confine/interp"
)

// Evaluate a profile that loads a stdlib module, then print its program.
// A profile on disk works the same way with os.DirFS(dir) and the file's
// base name; shipped profiles pass their embed.FS.
func ExampleEval() {
	profile := fstest.MapFS{"demo.star": {Data: []byte(`
load("@stdlib//lib.star", "slave_bind")
S = scratch_dir()
rbind(facts.base_dir, S)
slave_bind("/dev", S + "/dev")
`)}}
	stdlib := fstest.MapFS{"lib.star": {Data: []byte(`
def slave_bind(src, dst):
    rbind(src, dst)
    make_slave(dst, recursive = True)
`)}}
	prog, err := interp.Eval(interp.Config{
		Profile: profile,
		File:    "demo.star",
		Stdlib:  stdlib,
		Facts:   facts.Facts{Classic: true, BaseDir: "/snap/core/current"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, op := range prog.Ops {
		fmt.Println(op.Line())
	}
	// Output:
	// mount --rbind /snap/core/current $SCRATCH  # demo.star:4
	// mount --rbind /dev $SCRATCH/dev  # demo.star:5 > @stdlib//lib.star:3
	// mount --make-rslave $SCRATCH/dev  # demo.star:5 > @stdlib//lib.star:4
}

// Profile errors are *interp.Error values naming file:line:col.
func ExampleError() {
	profile := fstest.MapFS{"bad.star": {Data: []byte(`bind("/a", "relative")` + "\n")}}
	_, err := interp.Eval(interp.Config{Profile: profile, File: "bad.star"})
	fmt.Println(err)
	// Output:
	// bad.star:1:5: bind: for parameter dst: "relative": path must be absolute or start with $SCRATCH/
}
