package nvidia_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"confine/check"
	"confine/hosts"
	"confine/interp"
	"confine/nvidia"
	"confine/plan"
	"confine/profiles"
	"confine/stdlib"
)

// TestShippedProfiles evaluates the shipped profiles that call nvidia()
// on their platform's host fixture with a driver from one of our
// fixtures: the expansion must appear where the profile calls nvidia(),
// stamped with that line, between the hostfs preparation and pivot_root,
// and the static checker must find nothing wrong with it.
func TestShippedProfiles(t *testing.T) {
	for _, test := range []struct{ profile, host, fixture string }{
		{"classic", "ubuntu-classic", "multiarch-123.456"},
		{"classic", "ubuntu-classic", "legacy-123.456"},
		{"merged-usr", "fedora", "biarch-fedora-440.33.01"},
		{"merged-usr", "arch", "biarch-arch-123.456"},
	} {
		t.Run(test.profile+"/"+test.fixture, func(t *testing.T) {
			h, err := hosts.Load(test.host)
			if err != nil {
				t.Fatal(err)
			}
			f, err := h.Facts()
			if err != nil {
				t.Fatal(err)
			}
			f.SnapName = "demo"
			if f.NVIDIA, err = nvidia.Gather(fixtureNamed(t, test.fixture).build(t), amd64); err != nil {
				t.Fatal(err)
			}
			file := test.profile + ".star"
			prog, err := interp.Eval(interp.Config{Profile: profiles.FS, File: file, Stdlib: stdlib.FS, Facts: f})
			if err != nil {
				t.Fatal(err)
			}
			want, err := nvidia.Expand(f.NVIDIA, nvidia.Options{Root: plan.Scratch, Base: f.Base})
			if err != nil {
				t.Fatal(err)
			}
			where := fmt.Sprintf("%s:%d", file, callLine(t, file))
			var got []plan.Op
			first, pivot := -1, -1
			for i, op := range prog.Ops {
				if op.Where() == where {
					got = append(got, op)
					if first < 0 {
						first = i
					}
				}
				if op.Kind == plan.Pivot && pivot < 0 {
					pivot = i
				}
			}
			if g, w := render(got), render(want); g != w {
				t.Errorf("ops stamped %s:\n%s\nwant\n%s", where, g, w)
			}
			if first < 0 || pivot < first || prog.Ops[pivot-1].Where() != where {
				t.Errorf("nvidia ops start at op %d, pivot_root is op %d: want them right before pivot_root", first, pivot)
			}
			for _, finding := range check.Check(prog) {
				t.Errorf("got finding %s, want none", finding)
			}
		})
	}
}

// callLine is the line of the profile's nvidia( call.
func callLine(t *testing.T, file string) int {
	src, err := fs.ReadFile(profiles.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "nvidia(") {
			return i + 1
		}
	}
	t.Fatalf("%s does not call nvidia()", file)
	return 0
}
