package inspect

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"confine/apparmor"
	"confine/hosts"
	"confine/internal/cli"
	"confine/plan"
)

// shippedPolicy is the policy committed at the root of the repository.
var shippedPolicy = filepath.Join("..", "..", "..", "confine.apparmor")

// allPlatformsPolicy runs confine apparmor --all-platforms in-process.
// The policy itself is built once (allPlatformsPolicyValue caches it)
// for all the tests that need it: it evaluates every shipped profile on
// every platform.
func allPlatformsPolicy(t *testing.T) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.Main([]string{"apparmor", "--all-platforms"}, &out, &errOut); code != cli.ExitOK {
		t.Fatalf("confine apparmor --all-platforms: exit %d, want 0\n%s", code, errOut.String())
	}
	return out.String()
}

// TestAppArmorShippedPolicyUpToDate fails when confine.apparmor no longer
// matches what the shipped profiles need.
func TestAppArmorShippedPolicyUpToDate(t *testing.T) {
	got := allPlatformsPolicy(t)
	want, err := os.ReadFile(shippedPolicy)
	if err != nil {
		t.Fatalf("%v; create it with: %s", err, regenerate)
	}
	if got != string(want) {
		t.Errorf("confine.apparmor is out of date with the shipped profiles; regenerate it with: %s\n%s", regenerate, ruleDiff(string(want), got))
	}
}

// ruleDiff lists the lines only in the shipped file (-) and only in the
// generated policy (+), at most 20 of each.
func ruleDiff(shipped, generated string) string {
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	old, cur := set(shipped), set(generated)
	var b strings.Builder
	list := func(text string, other map[string]bool, sign string) {
		n := 0
		for _, l := range strings.Split(text, "\n") {
			if !other[l] && n < 20 {
				b.WriteString(sign + " " + l + "\n")
				n++
			}
		}
	}
	list(shipped, cur, "-")
	list(generated, old, "+")
	return b.String()
}

func TestAppArmorShippedPolicyParses(t *testing.T) {
	err := apparmor.Parse(allPlatformsPolicy(t))
	if errors.Is(err, apparmor.ErrNoParser) {
		t.Skip(err)
	}
	if err != nil {
		t.Errorf("apparmor_parser rejected the --all-platforms policy: %v", err)
	}
}

// TestAppArmorPolicyCoversShippedProfiles checks, with the glob matcher,
// that every call of every shipped profile on every platform of the
// matrix is allowed by the one policy, for values other than the stand-ins
// the policy was made with: another snap name, scratch directory, NVIDIA
// driver version and base snap.
func TestAppArmorPolicyCoversShippedProfiles(t *testing.T) {
	m, cases := allPlatformsMatcher(t)
	values := map[string]string{plan.Scratch: "/tmp/snap.rootfs_Q1w2E3"}
	for _, c := range cases {
		f := c.facts
		f.NVIDIA = nvidiaFacts(c.layout, f.ArchTriplet, f.BiarchTriplet, "535.104.05")
		if f.Base == "core22" {
			f.Base, f.BaseDir = "core24", strings.Replace(f.BaseDir, "core22", "core24", 1)
		}
		prog, err := cli.EvalProfile(c.profile, f)
		if err != nil {
			t.Errorf("profile %s (%s): %v", c.profile, c.host, err)
			continue
		}
		reqs, err := apparmor.Requests(prog, values)
		if err != nil {
			t.Errorf("profile %s (%s): %v", c.profile, c.host, err)
			continue
		}
		if len(reqs) < len(prog.Ops) {
			t.Errorf("profile %s (%s): %d requests for %d ops, want at least one per op", c.profile, c.host, len(reqs), len(prog.Ops))
		}
		for _, r := range reqs {
			if !m.Allows(r.Request) {
				t.Errorf("profile %s (%s): %s: %s: policy denies %s", c.profile, c.host, r.Op.Where(), r.Op, r.Request)
			}
		}
	}
}

// TestAppArmorMatrixCoversEverything fails when a shipped profile or a
// host fixture is added without a row in the --all-platforms matrix.
func TestAppArmorMatrixCoversEverything(t *testing.T) {
	rows := map[string]platform{}
	for _, p := range platforms {
		rows[p.profile] = p
	}
	for _, name := range cli.ShippedNames() {
		if _, ok := rows[name]; !ok {
			t.Errorf("shipped profile %s has no row in the apparmor platforms matrix", name)
		}
	}
	for _, name := range hosts.Fixtures() {
		h, err := hosts.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := h.Facts()
		if err != nil {
			t.Fatal(err)
		}
		want := cli.SelectProfile(f)
		if !slices.Contains(rows[want].hosts, name) {
			t.Errorf("host fixture %s (profile %s) is not in the apparmor platforms matrix", name, want)
		}
	}
}

// TestAppArmorNamedProfile covers the form without --all-platforms: the
// named profiles on this machine's facts, for one snap.
func TestAppArmorNamedProfile(t *testing.T) {
	var out, errOut bytes.Buffer
	args := []string{"apparmor", "--profile", "default", "--profile", "classic",
		"--fact", "base=core", "--fact", "base_dir=/snap/core/current", "--snap", "hello"}
	if code := cli.Main(args, &out, &errOut); code != cli.ExitOK {
		t.Fatalf("confine %s: exit %d, want 0\n%s", strings.Join(args, " "), code, errOut.String())
	}
	for _, want := range []string{
		"# program: default\n",
		"# program: classic\n",
		"snap_name=hello",
		"/tmp/snap-private-tmp/snap.hello/ rw,",
		"pivot_root oldroot=/tmp/snap.rootfs_*/var/lib/snapd/hostfs/ /tmp/snap.rootfs_*/,",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("confine %s: output lacks %q", strings.Join(args, " "), want)
		}
	}
}

func TestAppArmorUsageErrors(t *testing.T) {
	for _, test := range []struct {
		args []string
		want string
	}{
		{[]string{"apparmor", "--all-platforms", "--profile", "classic"}, "--all-platforms takes no --profile"},
		{[]string{"apparmor", "extra"}, `unexpected argument "extra"`},
		{[]string{"apparmor", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"apparmor", "--profile", "nosuch"}, "profile nosuch: no such shipped profile"},
		{[]string{"apparmor", "--fact", "nosuch=1"}, "--fact"},
	} {
		var out, errOut bytes.Buffer
		if code := cli.Main(test.args, &out, &errOut); code != cli.ExitUsage {
			t.Errorf("confine %s: exit %d, want %d", strings.Join(test.args, " "), code, cli.ExitUsage)
		}
		if !strings.Contains(errOut.String(), test.want) {
			t.Errorf("confine %s: stderr = %q, want it to contain %q", strings.Join(test.args, " "), errOut.String(), test.want)
		}
	}
}

// allPlatformsMatcher returns a matcher for the --all-platforms policy and
// the platform cases evaluated for another snap name ("hello") than the
// policy was generated with, so that the snap-name globs are exercised.
func allPlatformsMatcher(t *testing.T) (*apparmor.Matcher, []platformCase) {
	t.Helper()
	pol, err := allPlatformsPolicyValue()
	if err != nil {
		t.Fatal(err)
	}
	m, err := apparmor.NewMatcher(pol.Rules)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := platformCases("hello")
	if err != nil {
		t.Fatal(err)
	}
	return m, cases
}
