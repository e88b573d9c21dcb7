// Package check finds ordering hazards in a mount program before anything
// runs it: the mistakes that make a snap-confine-style namespace quietly
// wrong rather than failing (a later mount that hides an earlier one, a
// recursive make-rslave that turns a bidirectional mount one-way, an rbind
// of a tree into itself) and the ones the kernel would refuse at the worst
// moment (a pivot_root whose rules are not met).
//
// The checks are static. They run over the program's ops with a small
// symbolic model of the mount table (model.go) in which only the program's
// own mounts and a few mounts every host has are known; no kernel, real or
// fake, is involved, so the checker runs anywhere and in microseconds. It
// is deliberately conservative about what it does not know: a finding
// means the program, as written, relies on something it did not arrange.
package check

import (
	"fmt"

	"confine/plan"
)

// Kind names a class of hazard. The names are stable: tests and tools
// match on them.
type Kind string

// The hazards Check looks for.
const (
	// Hidden: a later mount on an ancestor of an earlier mount's target
	// covers it (the /run after /run/media bug of snap-confine PR #168).
	Hidden Kind = "hidden-mount"
	// LostBidirectional: a later recursive make-rslave/rprivate (or a
	// make-slave/private of the mount itself) on a mount that the program
	// had deliberately left shared inside a slaved tree.
	LostBidirectional Kind = "lost-bidirectional"
	// BindLoop: an rbind of a tree into itself with no unbindable mount
	// in between to stop the copy from copying itself.
	BindLoop Kind = "rbind-loop"
	// PivotNewRoot: pivot_root's new root is not a mount point, or the
	// mount it sits on may be shared.
	PivotNewRoot Kind = "pivot-new-root"
	// PivotPutOld: put_old is not under the new root, or the mount at
	// put_old may be shared.
	PivotPutOld Kind = "pivot-put-old"
	// SecondPivot: more than one pivot_root.
	SecondPivot Kind = "second-pivot"
	// NoPivot: the program never pivots, so the snap would run in the
	// host's root with the scratch tree dangling under /tmp.
	NoPivot Kind = "no-pivot"
	// ScratchAfterPivot: an op after pivot_root names $SCRATCH, which then
	// means a directory in the new root's /tmp, not the tree the profile
	// built.
	ScratchAfterPivot Kind = "scratch-after-pivot"
	// PropagationUnmounted: a propagation change on a path that nothing in
	// the program mounted and that is not a known host mount; the kernel
	// answers EINVAL unless the path happens to be a mount point. Only
	// paths in the tree the program builds are judged (under $SCRATCH
	// before the pivot, outside the old root after it), and only where the
	// mount that contains the path is one whose whole content the program
	// knows: a new filesystem or a plain bind. The host's side, and the
	// inside of an rbind (which copies every submount of its source, such
	// as /writable under an rbind of / on Ubuntu Core), hold mounts the
	// program cannot see, so paths there are not judged.
	PropagationUnmounted Kind = "propagation-not-mounted"
)

// Finding is one hazard. Op is the op that creates it; Other, when set, is
// the earlier op it conflicts with. A finding about the whole program
// (NoPivot) has Index -1 and an Op that only carries the profile's name.
type Finding struct {
	Kind    Kind
	Message string
	Index   int // position of Op in the program, from 0
	Op      plan.Op
	// OtherIndex and Other describe the earlier op, when there is one;
	// OtherIndex is -1 otherwise.
	OtherIndex int
	Other      *plan.Op
}

// String renders the finding the way confine check prints it:
// "FILE:LINE: OP MESSAGE".
func (f Finding) String() string {
	if f.Index < 0 {
		// A finding about the program as a whole (NoPivot) has no op.
		return fmt.Sprintf("%s: %s", f.Op.Pos.File, f.Message)
	}
	return fmt.Sprintf("%s: %s %s", where(f.Op), f.Op.String(), f.Message)
}

// where renders an op's provenance for a finding: the innermost line of the
// profile the user named, then the stdlib line that recorded the op when
// that is elsewhere ("classic.star:40 > @stdlib//bootstrap.star:150"). A
// profile that wraps its calls in a function gets the line inside it, not
// the line that called the function.
func where(op plan.Op) string {
	origin := op.Origin()
	inner := origin
	for _, p := range op.Stack {
		if p.File == origin.File {
			inner = p
		}
	}
	if inner == op.Pos {
		return op.Pos.Short()
	}
	return inner.Short() + " > " + op.Pos.Short()
}

// Check runs every check over p and returns the findings in program order
// (then by kind). A nil or empty program yields a NoPivot finding only.
func Check(p *plan.Program) []Finding {
	c := &checker{m: newModel(), pivotAt: -1}
	if p != nil {
		c.ops = p.Ops
	}
	for i := range c.ops {
		c.step(i)
	}
	if c.pivotAt < 0 {
		c.findings = append(c.findings, Finding{
			Kind:       NoPivot,
			Message:    "no pivot_root: the program never switches to the tree it built",
			Index:      -1,
			OtherIndex: -1,
			Op:         plan.Op{Kind: plan.Pivot, Pos: plan.Pos{File: profileName(p)}},
		})
	}
	return c.findings
}

func profileName(p *plan.Program) string {
	if p == nil || p.Profile == "" {
		return "program"
	}
	return p.Profile
}

// checker carries the model through the program.
type checker struct {
	ops      []plan.Op
	m        *model
	pivotAt  int    // index of the first pivot_root, -1 before it
	oldRoot  string // where the old root is after the pivot, "" before
	findings []Finding
}

func (c *checker) add(kind Kind, i int, msg string, other int) {
	f := Finding{Kind: kind, Message: msg, Index: i, Op: c.ops[i], OtherIndex: -1}
	if other >= 0 {
		f.OtherIndex = other
		o := c.ops[other]
		f.Other = &o
	}
	c.findings = append(c.findings, f)
}

// step checks op i against the model, then applies it.
func (c *checker) step(i int) {
	op := c.ops[i]
	if c.pivotAt >= 0 {
		c.checkScratchAfterPivot(i)
	}
	switch op.Kind {
	case plan.Bind:
		c.checkHides(i, loc(op.Target))
		if op.Recursive {
			c.checkLoop(i)
		}
		mt := c.attach(i, loc(op.Target), c.bindProp(loc(op.Source), loc(op.Target)))
		mt.copies = op.Recursive
		c.markBidirectional(i, mt)
	case plan.Mount:
		c.checkHides(i, loc(op.Target))
		c.attach(i, loc(op.Target), c.newMountProp(loc(op.Target)))
	case plan.Move:
		c.checkHides(i, loc(op.Target))
		c.m.move(loc(op.Source), loc(op.Target))
	case plan.MakeShared, plan.MakeSlave, plan.MakePrivate, plan.MakeUnbindable:
		c.propagate(i)
	case plan.Umount:
		c.m.detach(loc(op.Target), op.Lazy)
	case plan.Pivot:
		c.pivot(i)
	}
}

// attach records a new mount made by op i at l.
func (c *checker) attach(i int, l string, prop propagation) *mount {
	mt := &mount{loc: l, prop: prop, op: i, sealed: c.m.sealedAt(l)}
	c.m.cover(l, mt)
	c.m.push(mt)
	return mt
}

// bindProp is the propagation of a bind of src onto dst: a bind of a
// shared mount joins its peer group, and a bind under a shared parent is
// made shared so that it can propagate; anything else starts private. (A
// slave source gives a slave copy in the kernel; for these checks only
// "may it be shared" matters, and a slave is not.)
func (c *checker) bindProp(src, dst string) propagation {
	s, d := c.m.containing(src), c.m.containing(dst)
	switch {
	case s != nil && s.prop == propShared, d != nil && d.prop == propShared:
		return propShared
	case s == nil, s.prop == propUnknown, d == nil, d.prop == propUnknown:
		return propUnknown
	}
	return propPrivate
}

// newMountProp is the propagation of a new filesystem mounted at l: shared
// when its parent is shared (it then propagates), private otherwise.
func (c *checker) newMountProp(l string) propagation {
	parent := c.m.containing(l)
	if parent == nil {
		return propUnknown
	}
	switch parent.prop {
	case propShared:
		return propShared
	case propUnknown:
		return propUnknown
	}
	return propPrivate
}
