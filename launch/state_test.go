package launch

import (
	"testing"

	"confine/plan"
)

// TestProgramHash pins what makes a preserved namespace stale: its ops,
// not the facts header or the profile lines that recorded them.
func TestProgramHash(t *testing.T) {
	base := func() *plan.Program {
		return &plan.Program{Profile: "default", Facts: []string{"host_paths=/media"}, Ops: []plan.Op{
			{Kind: plan.Bind, Source: "/", Target: "$SCRATCH", Recursive: true, Pos: plan.Pos{File: "default.star", Line: 3}},
			{Kind: plan.Bind, Source: "/mnt", Target: "$SCRATCH/mnt", Recursive: true, Optional: true, Pos: plan.Pos{File: "default.star", Line: 4}},
		}}
	}
	want := programHash(base())
	for _, test := range []struct {
		name  string
		edit  func(*plan.Program)
		stale bool
	}{
		{"same program", func(*plan.Program) {}, false},
		{"a fact that changes no op", func(p *plan.Program) { p.Facts = []string{"host_paths=/media,/var/lib/snapd/hostfs"} }, false},
		{"profile lines moved", func(p *plan.Program) { p.Ops[0].Pos.Line = 30 }, false},
		{"an op changed", func(p *plan.Program) { p.Ops[0].Source = "/snap/core/current" }, true},
		{"an op no longer optional", func(p *plan.Program) { p.Ops[1].Optional = false }, true},
		{"an op added", func(p *plan.Program) {
			p.Ops = append(p.Ops, plan.Op{Kind: plan.Pivot, Target: "$SCRATCH", Source: "$SCRATCH/h"})
		}, true},
	} {
		p := base()
		test.edit(p)
		if got := programHash(p) != want; got != test.stale {
			t.Errorf("%s: stale = %v, want %v", test.name, got, test.stale)
		}
	}
}
