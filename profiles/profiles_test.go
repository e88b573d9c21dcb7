package profiles

import (
	"path/filepath"
	"reflect"
	"testing"

	"confine/internal/golden"
	"confine/interp"
	"confine/plan"
	"confine/stdlib"
)

// eval evaluates the shipped profile name with the facts of its platform.
func eval(t *testing.T, name string) *plan.Program {
	t.Helper()
	f, ok := platforms[name]
	if !ok {
		t.Fatalf("no platform facts for profile %q: add them to platforms_test.go", name)
	}
	p, err := interp.Eval(interp.Config{Profile: FS, File: name + ".star", Name: name, Stdlib: stdlib.FS, Facts: f})
	if err != nil {
		t.Fatalf("evaluating %s: %v", name, err)
	}
	return p
}

func TestNames(t *testing.T) {
	got := Names()
	want := []string{"classic", "core", "default", "merged-usr"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
}

// TestGolden compares each shipped profile's program with its golden plan,
// and checks that evaluation is deterministic.
func TestGolden(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			got := eval(t, name).Text()
			if again := eval(t, name).Text(); again != got {
				t.Fatalf("two evaluations of %s differ:\n%s\n---\n%s", name, got, again)
			}
			golden.Check(t, filepath.Join("testdata", name+".plan"), got)
		})
	}
}
