package nvidia_test

import (
	"strings"
	"testing"

	"confine/internal/golden"
	"confine/nvidia"
	"confine/plan"
)

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
			golden.Check(t, "testdata/"+fx.name+".golden", b.String())
		})
	}
}
