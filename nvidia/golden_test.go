package nvidia_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"confine/nvidia"
	"confine/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
// Use go test ./nvidia -update to create or update the golden files.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./nvidia -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test ./nvidia -update after checking):\ngot:\n%s\nwant:\n%s", file, got, want)
	}
}

// render writes ops one per line in mount(8) syntax.
func render(ops []plan.Op) string {
	if len(ops) == 0 {
		return "(no ops)\n"
	}
	var b strings.Builder
	for _, op := range ops {
		b.WriteString(op.String() + "\n")
	}
	return b.String()
}

// TestGolden gathers each fixture's facts and expands them for a snap on
// base core (host glvnd exposed) and on core22 (withheld), under
// $SCRATCH as snap-confine's bootstrap does before pivot_root.
func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			f, err := nvidia.Gather(fx.build(t), amd64)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString("# facts\n" + strings.Join(f.Lines(), "\n") + "\n")
			for _, base := range []string{"core", "core22"} {
				ops, err := nvidia.Expand(f, nvidia.Options{Root: plan.Scratch, Base: base})
				if err != nil {
					t.Fatal(err)
				}
				b.WriteString("# ops, base " + base + "\n" + render(ops))
			}
			golden(t, fx.name+".golden", b.String())
		})
	}
}
