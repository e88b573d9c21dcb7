package profiles

import (
	"os"
	"strings"
	"testing"

	"confine/check"
	"confine/interp"
	"confine/stdlib"
)

// TestShippedProfilesCheckClean runs the static checker over every
// shipped profile on its platform: a finding in a shipped profile is a bug
// in the profile (or a false positive in the checker; fix whichever).
func TestShippedProfilesCheckClean(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			for _, f := range check.Check(eval(t, name)) {
				t.Errorf("got finding %s, want none", f)
			}
		})
	}
}

// TestReorderedRunIsFlagged evaluates the seed's bug, /run rbound after
// /run/media, and expects the checker to name the /run rbind and the
// /run/media mount it hides, and nothing else.
func TestReorderedRunIsFlagged(t *testing.T) {
	p, err := interp.Eval(interp.Config{Profile: os.DirFS("testdata"), File: "reordered-run.star",
		Stdlib: stdlib.FS, Facts: platforms["merged-usr"]})
	if err != nil {
		t.Fatal(err)
	}
	fs := check.Check(p)
	var hidden []check.Finding
	for _, f := range fs {
		if f.Kind != check.Hidden {
			t.Errorf("got finding %s, want only %s findings", f, check.Hidden)
			continue
		}
		hidden = append(hidden, f)
	}
	if len(hidden) != 2 {
		t.Fatalf("got %d %s findings, want 2 (/run/media and /run/netns): %v", len(hidden), check.Hidden, fs)
	}
	want := "reordered-run.star:14: mount --rbind /run $SCRATCH/run hides $SCRATCH/run/media mounted at reordered-run.star:12 (mount --rbind /run/media $SCRATCH/run/media)"
	if got := hidden[0].String(); !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}
