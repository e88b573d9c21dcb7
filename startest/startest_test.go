package startest

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"confine/profiles"
	"confine/stdlib"
)

// run runs the test files of fsys (every *_test.star) and returns the
// report and the summary.
func run(t *testing.T, fsys fstest.MapFS) (string, Summary) {
	t.Helper()
	files, err := Embedded(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sum := Run(Config{Profiles: profiles.FS, Stdlib: stdlib.FS, Out: &out}, files)
	return out.String(), sum
}

// The shipped contracts pass on the shipped profiles.
func TestShippedContracts(t *testing.T) {
	files, err := Embedded(profiles.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("Embedded(profiles.FS) = %d files, want the classic, core and merged-usr contracts", len(files))
	}
	var out bytes.Buffer
	sum := Run(Config{Profiles: profiles.FS, Stdlib: stdlib.FS, Out: &out}, files)
	if sum.ExitStatus() != 0 || sum.Passed == 0 {
		t.Errorf("shipped contracts: got %+v, want all passing:\n%s", sum, out.String())
	}
}

// The contracts catch the seed's bug: the merged-usr profile with
// /run/media before /run fails exactly the /run/media contract, and says
// which direction broke.
func TestContractsCatchTheSeedBug(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{"seed-bug.star", "seed_bug_test.star"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	out, sum := run(t, fsys)
	if sum.Failed != 1 || sum.Errors != 0 || sum.Passed != 6 {
		t.Errorf("seed bug: got %+v, want 6 passed and exactly 1 failed:\n%s", sum, out)
	}
	for _, want := range []string{
		"FAIL  seed_bug_test.star: test_run_media_both_ways\n",
		"seed_bug_test.star:9 > @stdlib//contracts.star:",
		"/run/media must propagate snap -> host: a mount the snap made at /run/media/both-from-snap does not reach the host",
		"ok    seed_bug_test.star: test_media_alias_both_ways\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("seed bug report lacks %q:\n%s", want, out)
		}
	}
}

func TestAssertions(t *testing.T) {
	src := `
def test_pass(t):
    t.eq(1 + 1, 2)
    t.true([1])
    t.contains("abc", "b")
    t.contains([1, 2], 2)
    t.fails(lambda: fail("boom"), "bo+m")

def test_eq_fails(t):
    t.eq(1, 2, "numbers")

def test_eq_diff(t):
    t.eq("a\nb\nc\n", "a\nB\nc\n")

def test_fails_fails(t):
    t.fails(lambda: 1, "x")
    t.fails(lambda: fail("other"), "^x$")

def test_contains_fails(t):
    t.contains([1], 3)
`
	out, sum := run(t, fstest.MapFS{"a_test.star": {Data: []byte(src)}})
	if sum.Passed != 1 || sum.Failed != 4 || sum.Errors != 0 || sum.ExitStatus() != 1 {
		t.Errorf("got %+v, want 1 passed, 4 failed:\n%s", sum, out)
	}
	for _, want := range []string{
		"ok    a_test.star: test_pass\n",
		"a_test.star:10: t.eq: numbers\n        got 1, want 2\n",
		"-B\n",
		"+b\n",
		"lambda succeeded, want an error matching \"x\"",
		`error "fail: other" does not match "^x$"`,
		"[1] does not contain 3",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// Tests that cannot run are errors (exit status 2), each with a message
// that names the problem.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "def test_x(t):\n    t.eq(1,\n", "e_test.star:3:1: got outdent"},
		{"unknown fact", "def test_x(t):\n    t.simulate(profile = \"classic\", facts = {\"clasic\": True})\n", `clasic`},
		{"relative path", "def test_x(t):\n    t.simulate(profile = \"classic\").visible(\"media\")\n", `"media": path must be absolute`},
		{"unknown host", "def test_x(t):\n    t.simulate(profile = \"classic\", host = \"gentoo\")\n", `unknown host "gentoo"`},
		{"unknown profile", "def test_x(t):\n    t.simulate(profile = \"suse\")\n", `profile "suse": no such shipped profile`},
		{"profile outside", "def test_x(t):\n    t.simulate(profile = \"../x.star\")\n", "inside its directory"},
		{"no tests", "x = 1\n", "no test_* functions"},
		{"bad load", "load(\"../x.star\", \"y\")\ndef test_x(t):\n    pass\n", "only @stdlib//NAME.star and sibling"},
	}
	for _, test := range tests {
		out, sum := run(t, fstest.MapFS{"e_test.star": {Data: []byte(test.src)}})
		if sum.ExitStatus() != 2 || !strings.Contains(out, test.want) {
			t.Errorf("%s: got %+v, want exit status 2 and %q in:\n%s", test.name, sum, test.want, out)
		}
	}
}

func TestRunFilter(t *testing.T) {
	src := "def test_a(t):\n    pass\n\ndef test_b(t):\n    t.eq(1, 2)\n"
	files, _ := Embedded(fstest.MapFS{"f_test.star": {Data: []byte(src)}})
	var out bytes.Buffer
	sum := Run(Config{Out: &out, Run: regexp.MustCompile("_a$")}, files)
	if sum.Passed != 1 || sum.Failed != 0 {
		t.Errorf("Run with a filter: got %+v, want only test_a:\n%s", sum, out.String())
	}
}

func TestDiscover(t *testing.T) {
	if _, err := Discover([]string{"testdata"}); err != nil {
		t.Errorf("Discover(testdata): %v", err)
	}
	if _, err := Discover([]string{"."}); err == nil || !strings.Contains(err.Error(), "no *_test.star files") {
		t.Errorf("Discover(.) = %v, want an error saying there are no test files", err)
	}
	if _, err := Discover([]string{"missing"}); err == nil {
		t.Errorf("Discover(missing): got no error, want one")
	}
}
