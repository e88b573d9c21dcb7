// Package simtest is the Go side of profile simulation for tests: one call
// evaluates a profile with a host fixture's facts, runs its program on
// the fake kernel, and returns a namespace whose queries and propagation
// contracts fail the test on error instead of returning one. It is what
// `confine test` offers Starlark tests (package startest), for Go tests:
//
//	ns := simtest.Simulate(t, "classic", "ubuntu-classic")
//	ns.HostMount("/media/usb")
//	if !ns.SnapSees("/media/usb") {
//		t.Errorf("a stick plugged in on the host does not show up in the snap")
//	}
package simtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"confine/hosts"
	"confine/profiles"
	"confine/sim"
	"confine/stdlib"
)

// NS is a simulated snap namespace next to its host's.
type NS struct {
	*sim.Sim
	t testing.TB
}

// Simulate evaluates profile (a shipped profile's name, or a path to a
// .star file) with host's facts, overridden by facts ("key=value"), runs
// it on the fake kernel and returns the namespaces. Any failure, the
// program's included, fails the test.
func Simulate(t testing.TB, profile, host string, facts ...string) *NS {
	t.Helper()
	h, err := hosts.Load(host)
	if err != nil {
		t.Fatal(err)
	}
	overrides := map[string]string{}
	for _, kv := range facts {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("simtest: fact %q: want KEY=VALUE", kv)
		}
		overrides[k] = v
	}
	p := sim.Profile{FS: profiles.FS, File: profile + ".star", Name: profile}
	if strings.HasSuffix(profile, ".star") || strings.Contains(profile, "/") {
		abs, err := filepath.Abs(profile)
		if err != nil {
			t.Fatal(err)
		}
		p = sim.Profile{FS: os.DirFS(filepath.Dir(abs)), File: filepath.Base(abs), Name: profile}
	}
	prog, err := sim.Evaluate(p, stdlib.FS, h, overrides)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.Run(prog, h, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Err != nil {
		t.Fatalf("simtest: %s on %s: %v", profile, host, s.Err)
	}
	return &NS{Sim: s, t: t}
}

// Visible reports whether path exists in the snap.
func (n *NS) Visible(path string) bool {
	n.t.Helper()
	ok, err := n.Sim.Visible(sim.Snap, path)
	n.check(err)
	return ok
}

// MountAt returns the mount path resolves to in the snap; a missing path
// fails the test.
func (n *NS) MountAt(path string) sim.Mount {
	n.t.Helper()
	m, ok, err := n.Sim.MountAt(sim.Snap, path)
	n.check(err)
	if !ok {
		n.t.Fatalf("simtest: %s does not exist in the snap", path)
	}
	return m
}

// Propagation is the propagation of the snap's mount at path.
func (n *NS) Propagation(path string) string {
	n.t.Helper()
	return n.MountAt(path).Propagation
}

// MountInfo is the snap's table in the kernel's format.
func (n *NS) MountInfo() string {
	n.t.Helper()
	text, err := n.Sim.MountInfo(sim.Snap)
	n.check(err)
	return text
}

// HostMount, HostUmount, SnapMount and SnapUmount are events after the
// launch, on one side; SnapSees and HostSees ask whether the other side
// got them (see sim.Sim.ProbeMount).
func (n *NS) HostMount(path string) {
	n.t.Helper()
	_, err := n.ProbeMount(sim.Host, path)
	n.check(err)
}
func (n *NS) SnapMount(path string) {
	n.t.Helper()
	_, err := n.ProbeMount(sim.Snap, path)
	n.check(err)
}
func (n *NS) HostUmount(path string) { n.t.Helper(); n.check(n.ProbeUmount(sim.Host, path)) }
func (n *NS) SnapUmount(path string) { n.t.Helper(); n.check(n.ProbeUmount(sim.Snap, path)) }

// SnapSees reports whether the snap sees, at path, a mount the host made.
func (n *NS) SnapSees(path string) bool {
	n.t.Helper()
	ok, err := n.Sees(sim.Snap, path)
	n.check(err)
	return ok
}

// HostSees reports whether the host sees, at path, a mount the snap made.
func (n *NS) HostSees(path string) bool {
	n.t.Helper()
	ok, err := n.Sees(sim.Host, path)
	n.check(err)
	return ok
}

// Explain is what confine explain prints for path.
func (n *NS) Explain(path string) string {
	n.t.Helper()
	x, _, err := sim.Explain(n.Program, n.Host, path)
	n.check(err)
	return x.Text()
}

func (n *NS) check(err error) {
	n.t.Helper()
	if err != nil {
		n.t.Fatalf("simtest: %v", err)
	}
}
