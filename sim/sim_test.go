package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"

	"confine/hosts"
	"confine/plan"
	"confine/profiles"
	"confine/stdlib"
)

// simulate evaluates a shipped profile on a fixture and runs it; the
// program must not fail.
func simulate(t testing.TB, profile, host string) *Sim {
	t.Helper()
	s := simulateMayFail(t, profile, host)
	if s.Err != nil {
		t.Fatalf("%s on %s: %v", profile, host, s.Err)
	}
	return s
}

// simulateMayFail evaluates a shipped profile on a fixture and runs it,
// leaving a failed op in the Sim's Err.
func simulateMayFail(t testing.TB, profile, host string) *Sim {
	t.Helper()
	h, err := hosts.Load(host)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Evaluate(Profile{FS: profiles.FS, File: profile + ".star", Name: profile}, stdlib.FS, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(prog, h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every mount the program made is attributed to the op that made it.
func TestProvenance(t *testing.T) {
	s := simulate(t, "classic", "ubuntu-classic")
	tests := []struct {
		path string
		want string // the op, in mount(8) syntax
	}{
		{"/media", "mount --rbind /media $SCRATCH/media"},
		{"/run", "mount --rbind /run $SCRATCH/run"},
		{"/", "mount -t tmpfs -o mode=0755 none $SCRATCH"},
		{"/tmp", "mount --bind /tmp/snap-private-tmp/snap.demo/tmp /tmp"},
		{"/etc/nsswitch.conf", "mount --bind /snap/core/current/etc/nsswitch.conf $SCRATCH/etc/nsswitch.conf"},
		// The old root was moved there by pivot_root, not made: it is the
		// copy of the host's root that came with the namespace.
		{"/var/lib/snapd/hostfs", "(none)"},
	}
	for _, test := range tests {
		m, ok, err := s.MountAt(Snap, test.path)
		if err != nil || !ok {
			t.Errorf("MountAt(%s) = %v, %v, want a mount", test.path, ok, err)
			continue
		}
		got := "(none)"
		if m.Op >= 0 {
			got = s.Program.Ops[m.Op].String()
		}
		if got != test.want {
			t.Errorf("op that made %s: got %q, want %q", test.path, got, test.want)
		}
	}
	if len(s.Steps) != len(s.Program.Ops) {
		t.Errorf("got %d steps, want one per op (%d)", len(s.Steps), len(s.Program.Ops))
	}
}

func TestPropagationWords(t *testing.T) {
	tests := []struct {
		optional []string
		want     string
	}{
		{nil, "private"},
		{[]string{"shared:1"}, "shared"},
		{[]string{"master:3"}, "slave"},
		{[]string{"shared:2", "master:1"}, "shared,slave"},
		{[]string{"unbindable"}, "unbindable"},
		{[]string{"master:1", "propagate_from:2"}, "slave"},
	}
	for _, test := range tests {
		if got := Propagation(test.optional); got != test.want {
			t.Errorf("Propagation(%q) = %q, want %q", test.optional, got, test.want)
		}
	}
}

// Path lookup walks the mount tree: a mount whose parent is covered is
// never reached, whatever the table's order.
func TestTopmost(t *testing.T) {
	table := parse(t, `1 0 0:1 / / rw - tmpfs root rw
2 1 0:2 / /run rw - tmpfs a rw
3 1 0:3 / /run/media rw - tmpfs hidden rw
4 2 0:4 / /run rw - tmpfs b rw
5 4 0:5 / /run/media rw - tmpfs c rw
6 5 0:6 / /run/media rw - tmpfs d rw
`)
	tests := []struct{ path, source string }{
		{"/", "root"},
		{"/etc", "root"},
		{"/run", "b"},
		{"/run/x", "b"},
		{"/run/media", "d"},
		{"/run/media/usb", "d"},
	}
	for _, test := range tests {
		e, ok := topmost(table, test.path)
		if !ok || e.Source != test.source {
			t.Errorf("topmost(%s) = %s, %v, want %s", test.path, e.Source, ok, test.source)
		}
	}
}

func TestCheckPath(t *testing.T) {
	s := simulate(t, "core", "ubuntu-core")
	for _, p := range []string{"media", "/media/", "/media/../etc", ""} {
		if _, err := s.Visible(Snap, p); err == nil {
			t.Errorf("Visible(%q): got no error, want one", p)
		}
		if _, err := s.ProbeMount(Host, p); err == nil {
			t.Errorf("ProbeMount(%q): got no error, want one", p)
		}
	}
}

func TestExplainHidden(t *testing.T) {
	h, _ := hosts.Load("ubuntu-classic")
	prog := &plan.Program{Profile: "t", Ops: []plan.Op{
		{Kind: plan.Mkdir, Target: "/tmp/a", Mode: 0o755, Pos: plan.Pos{File: "t.star", Line: 1}},
		{Kind: plan.Mkdir, Target: "/tmp/a/b", Mode: 0o755, Pos: plan.Pos{File: "t.star", Line: 2}},
		{Kind: plan.Mount, FSType: "tmpfs", Source: "cover", Target: "/tmp/a", Pos: plan.Pos{File: "t.star", Line: 3}},
	}}
	x, s, err := Explain(prog, h, "/tmp/a/b")
	if err != nil || s.Err != nil {
		t.Fatal(err, s.Err)
	}
	text := x.Text()
	for _, want := range []string{
		"/tmp/a/b does not exist in the snap",
		"its deepest existing ancestor /tmp/a is on mount",
		"op 2 t.star:2: mkdir --mode=0755 /tmp/a/b\n      made it visible",
		"op 3 t.star:3: mount -t tmpfs cover /tmp/a\n      made it disappear",
		"hidden by op 3 (t.star:3)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
}

func BenchmarkSimulateClassic(b *testing.B) {
	h, _ := hosts.Load("ubuntu-classic")
	prog, err := Evaluate(Profile{FS: profiles.FS, File: "classic.star"}, stdlib.FS, h, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(prog, h, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLeaks(t *testing.T) {
	s := simulate(t, "classic", "ubuntu-classic")
	leaks, err := s.Leaks([]string{"/media", "/run/netns"})
	if err != nil || len(leaks) != 0 {
		t.Errorf("Leaks(/media, /run/netns) on classic = %q, %v, want none", leaks, err)
	}
	s = simulate(t, "classic", "ubuntu-classic")
	leaks, err = s.Leaks(nil)
	want := "[/run/netns/.confine-leak /media/.confine-leak /media/alice/USB/.confine-leak]"
	if err != nil || fmt.Sprint(leaks) != want {
		t.Errorf("Leaks() on classic = %q, %v, want the bidirectional paths %s", leaks, err, want)
	}
	if _, err := s.Leaks([]string{"media"}); err == nil {
		t.Errorf("Leaks([media]): got no error, want one (relative path)")
	}
}

// knownDivergences are fixture lines the fake does not print back yet,
// with the reason; the test fails when one goes away, so the entry is
// removed with the fix.
// (Fedora's btrfs /home, whose subvol= differs from the root's, was one
// until the fake kept super options per seeded mount.)
var knownDivergences = map[string]string{}

// The fake starts from exactly the fixture's table: the host side of a
// fresh world prints the capture back, line for line.
func TestWorldReproducesFixtures(t *testing.T) {
	for _, name := range hosts.Fixtures() {
		h, err := hosts.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		host, _, err := newWorld(h)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, err := host.MountInfo()
		if err != nil {
			t.Fatal(err)
		}
		d := string(diff.Diff("fixture", []byte(h.MountInfo()), "fake", got))
		known, isKnown := knownDivergences[name]
		switch {
		case d == "" && isKnown:
			t.Errorf("%s: the fake now reproduces the fixture: remove its known divergence", name)
		case d != "" && isKnown && strings.Contains(d, known+"\n") && removedLines(d) == 1:
			t.Logf("%s: known divergence: %s", name, known)
		case d != "":
			t.Errorf("%s: the fake's host table differs from the fixture:\n%s", name, d)
		}
	}
}

// removedLines counts the fixture lines a diff says the fake lacks.
func removedLines(d string) int {
	n := 0
	for _, line := range strings.Split(d, "\n") {
		if strings.HasPrefix(line, "-") && !strings.HasPrefix(line, "---") {
			n++
		}
	}
	return n
}
