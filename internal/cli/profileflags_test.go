package cli

import (
	"bytes"
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
		if got := selectProfile(test.f); got != test.want {
			t.Errorf("selectProfile(classic=%v smd=%q merged=%v base=%q) = %q, want %q",
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
		if got := isProfilePath(test.spec); got != test.want {
			t.Errorf("isProfilePath(%q) = %v, want %v", test.spec, got, test.want)
		}
	}
}

// TestShippedProfile evaluates a shipped profile by name, and picks one
// from the facts when --profile is absent.
func TestShippedProfile(t *testing.T) {
	saved, savedStd := shippedProfiles, stdlibFS
	defer func() { shippedProfiles, stdlibFS = saved, savedStd }()
	shippedProfiles = fstest.MapFS{
		"classic.star":      {Data: []byte("load(\"@stdlib//lib.star\", \"go\")\ngo(facts.base_dir)\n")},
		"default.star":      {Data: []byte("rbind(\"/\", \"$SCRATCH\")\n")},
		"classic_test.star": {Data: []byte("x = 1\n")},
	}
	stdlibFS = fstest.MapFS{"lib.star": {Data: []byte("def go(root):\n    rbind(root, \"$SCRATCH\")\n")}}

	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "snap/core/current"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct {
		args []string
		want string
	}{
		{[]string{"--facts-root", root}, "# profile: classic\n"},
		{[]string{"--facts-root", root, "--profile", "default"}, "mount --rbind / $SCRATCH  # default.star:1\n"},
		{[]string{"--facts-root", root}, "mount --rbind /snap/core/current $SCRATCH  # classic.star:2 > @stdlib//lib.star:2\n"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(append([]string{"plan"}, test.args...), &stdout, &stderr); code != exitOK {
			t.Fatalf("plan %q: exit %d, stderr %s", test.args, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), test.want) {
			t.Errorf("plan %q: got\n%s\nwant a line %q", test.args, stdout.String(), test.want)
		}
	}

	var stdout, stderr bytes.Buffer
	if code := Main([]string{"plan", "--facts-root", root, "--profile", "classic_test"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("plan --profile classic_test: exit %d, want %d", code, exitUsage)
	}
	if want := "confine: profile classic_test: no such shipped profile (have classic, default; or give a PATH to a .star file)\n"; stderr.String() != want {
		t.Errorf("got stderr %q, want %q", stderr.String(), want)
	}
}
