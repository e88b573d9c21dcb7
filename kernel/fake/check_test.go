package fake

import (
	"strings"
	"testing"
)

// TestCheckCatches corrupts a healthy model in each way Check guards
// against and expects the matching complaint.
func TestCheckCatches(t *testing.T) {
	for _, test := range []struct {
		name    string
		corrupt func(k *Kernel, a, b, s *Mount)
		want    string
	}{
		{"freed parent", func(k *Kernel, a, b, s *Mount) { delete(k.mounts, a.parent.ID) }, "does not exist"},
		{"children list", func(k *Kernel, a, b, s *Mount) { a.parent.children = nil }, "missing from parent"},
		{"peer disagrees on group", func(k *Kernel, a, b, s *Mount) { b.group = 99 }, "has group"},
		{"broken ring", func(k *Kernel, a, b, s *Mount) { a.peerNext = a }, "broken peer ring"},
		{"slave not listed", func(k *Kernel, a, b, s *Mount) { a.slaves = nil; b.slaves = nil }, "missing from master"},
		{"master not shared", func(k *Kernel, a, b, s *Mount) {
			removeSlave(s)
			s.master = s.parent
			s.parent.slaves = []*Mount{s}
		}, "not shared"},
		{"propagation cycle", func(k *Kernel, a, b, s *Mount) {
			a.master, b.master = s, s
			s.group, s.master = 77, a
			k.groupRefs[77] = 1
			s.slaves = []*Mount{a, b}
			a.slaves = []*Mount{s}
		}, "cycle"},
		{"group refcount", func(k *Kernel, a, b, s *Mount) { k.groupRefs[a.group]++ }, "refcount"},
	} {
		t.Run(test.name, func(t *testing.T) {
			p := New().Init()
			run(t, p, "mkdir /a", "mkdir /b", "mkdir /s", "tmpfs a /a", "make-shared /a", "bind /a /b",
				"bind /a /s", "make-slave /s")
			var a, b, s *Mount
			for _, m := range p.k.mounts {
				if l, ok := pathOf(loc{m, m.root}, p.root); ok && m.ns == p.ns {
					switch l {
					case "/a":
						a = m
					case "/b":
						b = m
					case "/s":
						s = m
					}
				}
			}
			test.corrupt(p.k, a, b, s)
			err := p.k.Check()
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("Check() = %v, want an error containing %q", err, test.want)
			}
		})
	}
}
