package check

import (
	"fmt"
	"strings"

	"confine/plan"
)

// checkHides reports every mount the program made strictly below l, which
// a new mount at l is about to cover. A mount stacked on the very same
// path is not reported: stacking (the base rbind on the scratch
// self-bind, a list entry over the base's copy of the same directory) is
// how a profile replaces a directory on purpose.
func (c *checker) checkHides(i int, l string) {
	for _, mt := range c.m.visibleUnder(l) {
		if mt.op < 0 {
			continue
		}
		earlier := c.ops[mt.op]
		c.add(Hidden, i, fmt.Sprintf(
			"hides %s mounted at %s (%s); a mount on an ancestor covers every mount below it, so mount the ancestor first",
			earlier.Target, where(earlier), earlier.String()), mt.op)
	}
}

// checkLoop reports an rbind whose destination lies inside its own source
// tree unless an unbindable mount sits between them: the kernel prunes
// unbindable mounts (and everything below them) from an rbind, which is
// the only thing that keeps such a copy from containing itself and, with
// shared mounts, from multiplying (kernel-propagation.md §5).
func (c *checker) checkLoop(i int) {
	op := c.ops[i]
	src, dst := loc(op.Source), loc(op.Target)
	if !under(dst, src) {
		return
	}
	for _, x := range c.m.locations() {
		if !under(x, src) || !under(dst, x) {
			continue
		}
		for _, mt := range c.m.stacks[x] {
			if mt.prop == propUnbindable {
				return
			}
		}
	}
	c.add(BindLoop, i, fmt.Sprintf(
		"copies %s into itself with no unbindable mount between them; bind the destination's scratch directory onto itself and make it unbindable first",
		op.Source), -1)
}

// markBidirectional decides, right after a bind at op i, whether the new
// mount is bidirectional by intent: it was made inside a tree the program
// had already slaved (an earlier recursive make-rslave/rprivate covers
// it) and the very next op does not change its propagation. That is
// snap-confine's pattern: rbind + rslave is a unidirectional entry, a bare
// rbind after the scratch tree was slaved is a bidirectional one. Mounts
// made before the tree was slaved (the base's entries) are meant to be
// slaved with it and are not bidirectional.
func (c *checker) markBidirectional(i int, mt *mount) {
	if !mt.sealed || !mt.prop.mayBeShared() {
		return
	}
	if i+1 < len(c.ops) {
		next := c.ops[i+1]
		if next.Kind.IsPropagation() && loc(next.Target) == mt.loc {
			return
		}
	}
	mt.bidir = true
}

// propagate checks and applies a make-shared/slave/private/unbindable.
func (c *checker) propagate(i int) {
	op := c.ops[i]
	l := loc(op.Target)
	top := c.m.top(l)
	if top == nil {
		if !c.inBuiltTree(l) || isKnownHostMount(l) {
			return // the host's own mount table: nothing to check it against
		}
		if in := c.m.containing(l); in == nil || in.copies {
			return // inside an rbind copy: a submount may be there
		}
		c.add(PropagationUnmounted, i, fmt.Sprintf(
			"changes the propagation of %s, which nothing in the program mounted and which is not a mount point on every host (%s); the kernel answers EINVAL on a plain directory",
			op.Target, strings.Join(knownHostMounts, " ")), -1)
		return
	}
	var reach []*mount
	if op.Recursive {
		reach = c.m.subtree(l)
	} else {
		reach = []*mount{top}
	}
	var to propagation
	switch op.Kind {
	case plan.MakeShared:
		to = propShared
	case plan.MakeSlave:
		to = propSlave
	case plan.MakePrivate:
		to = propPrivate
	case plan.MakeUnbindable:
		to = propUnbindable
	}
	for _, mt := range reach {
		if to != propShared && mt.bidir && mt.prop == propShared {
			earlier := c.ops[mt.op]
			c.add(LostBidirectional, i, fmt.Sprintf(
				"turns the bidirectional %s mounted at %s (%s) into a %s mount; mounts would no longer propagate both ways, so change the propagation of ancestors before making bidirectional mounts",
				earlier.Target, where(earlier), earlier.String(), propName(to)), mt.op)
		}
		if to == propSlave && mt.prop != propShared && mt.prop != propUnknown {
			// make-slave of a private or unbindable mount leaves it as it is.
			continue
		}
		mt.prop = to
		if to == propShared {
			mt.bidir = false
		}
	}
	if op.Recursive && to != propShared {
		c.m.seals = append(c.m.seals, l)
	}
}

// inBuiltTree reports whether l is in the tree the program builds: under
// the scratch directory before the pivot, anywhere but the old root after
// it. Only there does the program know (or should know) every mount point
// it relies on; the host's side holds mounts the program never sees
// (/writable on Ubuntu Core, a shared /snap), so propagation changes there
// are not reported.
func (c *checker) inBuiltTree(l string) bool {
	if c.pivotAt < 0 {
		return under(l, scratchLoc)
	}
	return c.oldRoot == "" || !under(l, c.oldRoot)
}

// isKnownHostMount reports whether l is one of knownHostMounts, which
// exist on every host and, copied by an rbind, in the built tree too.
func isKnownHostMount(l string) bool {
	for _, k := range knownHostMounts {
		if l == k {
			return true
		}
	}
	return false
}

func propName(p propagation) string {
	switch p {
	case propSlave:
		return "slave"
	case propPrivate:
		return "private"
	case propUnbindable:
		return "unbindable"
	}
	return "shared"
}

// pivot checks pivot_root's rules that a program can get wrong on its own
// (pivot_root(2); kernel-propagation.md §10), then applies it to the model.
func (c *checker) pivot(i int) {
	op := c.ops[i]
	if c.pivotAt >= 0 {
		c.add(SecondPivot, i, fmt.Sprintf(
			"is a second pivot_root (the first is at %s); the namespace has already switched roots", where(c.ops[c.pivotAt])), c.pivotAt)
		return
	}
	c.pivotAt = i
	nr, po := loc(op.Target), loc(op.Source)
	top := c.m.top(nr)
	switch {
	case top == nil || top.op < 0:
		c.add(PivotNewRoot, i, fmt.Sprintf(
			"uses %s as the new root, but nothing in the program mounted it; pivot_root needs a mount point (EINVAL)", op.Target), -1)
	default:
		if under := c.m.beneath(nr); under == nil || under.prop.mayBeShared() {
			c.add(PivotNewRoot, i, fmt.Sprintf(
				"uses %s as the new root, but the mount it sits on may be shared; pivot_root refuses a shared parent (EINVAL), so bind the directory onto itself and make it unbindable or private first",
				op.Target), -1)
		}
	}
	if !under(po, nr) {
		c.add(PivotPutOld, i, fmt.Sprintf(
			"puts the old root at %s, which is not under the new root %s (EINVAL)", op.Source, op.Target), -1)
		return
	}
	if at := c.m.containing(po); at == nil || at.prop.mayBeShared() {
		c.add(PivotPutOld, i, fmt.Sprintf(
			"puts the old root at %s, whose mount may be shared; pivot_root refuses that (EINVAL), so bind it onto itself and make it private first",
			op.Source), -1)
	}
	if top != nil {
		c.m.pivot(nr, po)
		c.oldRoot = "/" + strings.TrimPrefix(strings.TrimPrefix(po, nr), "/")
	}
}

// checkScratchAfterPivot reports an op after pivot_root that names a path
// in the scratch tree. After the pivot that tree is "/", and $SCRATCH names
// an empty directory in the new root's /tmp; the way to reach the old
// scratch directory is through the old root (hostfs + $SCRATCH), which is
// a different spelling and is not reported.
func (c *checker) checkScratchAfterPivot(i int) {
	op := c.ops[i]
	paths := []string{op.Target}
	switch op.Kind {
	case plan.Bind, plan.Move, plan.Pivot:
		paths = append(paths, op.Source)
	}
	for _, p := range paths {
		if p == plan.Scratch || strings.HasPrefix(p, plan.Scratch+"/") {
			c.add(ScratchAfterPivot, i, fmt.Sprintf(
				"names %s after pivot_root at %s; the scratch tree is now \"/\" (use the path without %s, or reach the old directory through the old root)",
				p, where(c.ops[c.pivotAt]), plan.Scratch), c.pivotAt)
			return
		}
	}
}
