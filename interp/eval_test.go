package interp

import (
	"strings"
	"testing"
	"testing/fstest"

	"confine/facts"
)

// evalSrc evaluates files (the first key named by profile) with a small
// stdlib.
func evalSrc(t *testing.T, profile string, files, stdlib map[string]string, f facts.Facts) (string, error) {
	t.Helper()
	pfs := fstest.MapFS{}
	for name, src := range files {
		pfs[name] = &fstest.MapFile{Data: []byte(src)}
	}
	sfs := fstest.MapFS{}
	for name, src := range stdlib {
		sfs[name] = &fstest.MapFile{Data: []byte(src)}
	}
	prog, err := Eval(Config{Profile: pfs, File: profile, Stdlib: sfs, Facts: f, MaxSteps: 100000})
	if err != nil {
		return "", err
	}
	return prog.Text(), nil
}

func TestEvalRecordsInOrder(t *testing.T) {
	stdlib := map[string]string{
		"boot.star": `
S = scratch_dir()
def bootstrap(root):
    make_shared("/", recursive = True)
    bind(S, S)
    make_unbindable(S)
    rbind(root, S)
`,
	}
	files := map[string]string{
		"p.star": `load("@stdlib//boot.star", "bootstrap", "S")
bootstrap(facts.base_dir)
mkdir(S + "/var/lib/snapd/hostfs", mode = 0o755)
pivot(S, S + "/var/lib/snapd/hostfs")
`,
	}
	got, err := evalSrc(t, "p.star", files, stdlib, facts.Facts{BaseDir: "/snap/core/current", Classic: true})
	if err != nil {
		t.Fatal(err)
	}
	want := `mount --make-rshared /  # p.star:2 > @stdlib//boot.star:4
mount --bind $SCRATCH $SCRATCH  # p.star:2 > @stdlib//boot.star:5
mount --make-unbindable $SCRATCH  # p.star:2 > @stdlib//boot.star:6
mount --rbind /snap/core/current $SCRATCH  # p.star:2 > @stdlib//boot.star:7
mkdir --mode=0755 $SCRATCH/var/lib/snapd/hostfs  # p.star:3
pivot_root $SCRATCH $SCRATCH/var/lib/snapd/hostfs  # p.star:4
`
	if i := strings.Index(got, "mount --make-rshared"); i < 0 || got[i:] != want {
		t.Errorf("program:\n%s\nwant ops:\n%s", got, want)
	}
}
