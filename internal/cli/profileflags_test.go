package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"confine/facts"
)

func TestSelectProfile(t *testing.T) {
	for _, test := range []struct {
		f    facts.Facts
		want string
	}{
		{facts.Facts{Classic: false, BaseDir: "/snap/core/current"}, "core"},
		{facts.Facts{Classic: false}, "core"},
		{facts.Facts{Classic: true, SnapMountDir: "/var/lib/snapd/snap", BaseDir: "/var/lib/snapd/snap/core/current"}, "merged-usr"},
		{facts.Facts{Classic: true, SnapMountDir: "/snap", MergedUsr: true, BaseDir: "/snap/core/current"}, "merged-usr"},
		{facts.Facts{Classic: true, SnapMountDir: "/snap", BaseDir: "/snap/core/current"}, "classic"},
		{facts.Facts{Classic: true, SnapMountDir: "/snap"}, "default"},
		{facts.Facts{Classic: true, SnapMountDir: "/var/lib/snapd/snap", MergedUsr: true}, "default"},
	} {
		if got := SelectProfile(test.f); got != test.want {
			t.Errorf("SelectProfile(classic=%v smd=%q merged=%v base=%q) = %q, want %q",
				test.f.Classic, test.f.SnapMountDir, test.f.MergedUsr, test.f.BaseDir, got, test.want)
		}
	}
}

func TestIsProfilePath(t *testing.T) {
	for _, test := range []struct {
		spec string
		want bool
	}{
		{"classic", false}, {"merged-usr", false}, {"classic.star", true}, {"./x", true}, {"/etc/p", true},
	} {
		if got := IsProfilePath(test.spec); got != test.want {
			t.Errorf("IsProfilePath(%q) = %v, want %v", test.spec, got, test.want)
		}
	}
}

// TestShippedProfile evaluates a shipped profile by name, and picks one
// from the facts when --profile is absent.
func TestShippedProfile(t *testing.T) {
	saved, savedStd := ShippedProfiles, StdlibFS
	defer func() { ShippedProfiles, StdlibFS = saved, savedStd }()
	ShippedProfiles = fstest.MapFS{
		"classic.star":      {Data: []byte("load(\"@stdlib//lib.star\", \"go\")\ngo(facts.base_dir)\n")},
		"default.star":      {Data: []byte("rbind(\"/\", \"$SCRATCH\")\n")},
		"classic_test.star": {Data: []byte("x = 1\n")},
	}
	StdlibFS = fstest.MapFS{"lib.star": {Data: []byte("def go(root):\n    rbind(root, \"$SCRATCH\")\n")}}

	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "snap/core/current"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct {
		profile string
		want    string
	}{
		{"", "# profile: classic\n"},
		{"default", "mount --rbind / $SCRATCH  # default.star:1\n"},
		{"", "mount --rbind /snap/core/current $SCRATCH  # classic.star:2 > @stdlib//lib.star:2\n"},
	} {
		pf := ProfileFlags{Profile: test.profile, FactsRoot: root}
		prog, err := pf.Program()
		if err != nil {
			t.Fatalf("--profile %q: %v", test.profile, err)
		}
		if got := prog.Text(); !strings.Contains(got, test.want) {
			t.Errorf("--profile %q: got\n%s\nwant a line %q", test.profile, got, test.want)
		}
	}

	pf := ProfileFlags{Profile: "classic_test", FactsRoot: root}
	_, err := pf.Program()
	if want := "profile classic_test: no such shipped profile (have classic, default; or give a PATH to a .star file)"; err == nil || err.Error() != want {
		t.Errorf("--profile classic_test: got error %v, want %q", err, want)
	}
}
