package fake

import (
	"fmt"
	"slices"

	"confine/mountinfo"
)

// A Tracker follows one process's mountinfo across calls without
// reading the whole table each time: a simulation records what every op
// did, and reading N mounts after each of N ops is quadratic (a 3k-op
// program took seconds). The kernel instead notes every mount whose line
// may have changed (touch, below) and Changes recomputes only those.
//
// The notes are conservative: a mount is noted whenever a field its line
// is made of changes (ID, parent, mountpoint, root, flags, source,
// namespace, peer group, master, unbindable), with every mount below it
// when its place in the tree changes (their mount points and
// reachability follow). A slave's propagate_from depends on the peer
// groups up its master chain, so Changes also revisits the slaves of the
// peers of every noted mount. What the notes cannot follow cheaply (a
// process's root moving, a superblock's options changing) makes the next
// call read everything.
type Tracker struct {
	p     *Proc
	table map[int]mountinfo.Entry
	dirty map[*Mount]struct{}
	full  bool

	// seen and list are expand's, kept between calls.
	seen map[*Mount]bool
	list []*Mount
	ids  []int // Changes', kept between calls
}

// Change is one mountinfo line that differs between two calls of
// Changes: Old is nil for a line that appeared, New nil for one that
// went away.
type Change struct {
	ID       int
	Old, New *mountinfo.Entry
}

// Track starts following p's mountinfo from its present state.
func (p *Proc) Track() *Tracker {
	t := &Tracker{p: p, dirty: map[*Mount]struct{}{}, seen: map[*Mount]bool{}}
	t.table = t.read()
	p.k.trackers = append(p.k.trackers, t)
	return t
}

// Stop ends the tracking; the kernel no longer notes changes for t.
func (t *Tracker) Stop() {
	k := t.p.k
	k.trackers = slices.DeleteFunc(k.trackers, func(x *Tracker) bool { return x == t })
}

// Changes returns the lines that appeared, went away or changed since the
// last call (or Track), in mount ID order. An ID that was unmounted and
// reused is one change whose Old and New are different mounts.
func (t *Tracker) Changes() []Change {
	ids := t.ids[:0]
	defer func() { t.ids = ids[:0] }()
	if t.full {
		now := t.read()
		for id := range t.table {
			ids = append(ids, id)
		}
		for id := range now {
			if _, ok := t.table[id]; !ok {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		out := diffIDs(ids, t.table, now)
		t.table, t.full = now, false
		clear(t.dirty)
		return out
	}
	for _, m := range t.expand() {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []Change
	for _, id := range ids {
		o, hadOld := t.table[id]
		var n mountinfo.Entry
		hasNew := false
		if m := t.p.k.mounts[id]; m != nil {
			n, hasNew = t.p.entry(m)
		}
		switch {
		case !hadOld && !hasNew:
			continue
		case hadOld && hasNew && sameEntry(o, n):
			continue
		}
		c := Change{ID: id}
		if hadOld {
			c.Old = &o
		}
		if hasNew {
			c.New = &n
			t.table[id] = n
		} else {
			delete(t.table, id)
		}
		out = append(out, c)
	}
	clear(t.dirty)
	return out
}

// Verify compares what t holds with a full read of the process's table:
// a test of the kernel's notes, not for use on every call.
func (t *Tracker) Verify() error {
	now := t.read()
	for id, e := range now {
		if old, ok := t.table[id]; !ok || !sameEntry(old, e) {
			return fmt.Errorf("tracker: mount %d: have %q, want %q", id, old.String(), e.String())
		}
	}
	for id, e := range t.table {
		if _, ok := now[id]; !ok {
			return fmt.Errorf("tracker: mount %d: have %q, want no line", id, e.String())
		}
	}
	return nil
}

// diffIDs lists the changes between old and now among ids (sorted).
func diffIDs(ids []int, old, now map[int]mountinfo.Entry) []Change {
	var out []Change
	for _, id := range ids {
		o, hadOld := old[id]
		n, hasNew := now[id]
		switch {
		case !hadOld && !hasNew:
		case hadOld && hasNew && sameEntry(o, n):
		case !hadOld:
			out = append(out, Change{ID: id, New: &n})
		case !hasNew:
			out = append(out, Change{ID: id, Old: &o})
		default:
			out = append(out, Change{ID: id, Old: &o, New: &n})
		}
	}
	return out
}

// expand is the noted mounts and, for each, the slaves (and their slaves)
// of every peer: their propagate_from may name the noted mount's group.
func (t *Tracker) expand() []*Mount {
	seen := t.seen
	clear(seen)
	out := t.list[:0]
	defer func() { t.list = out }()
	var slaves func(m *Mount)
	slaves = func(m *Mount) {
		for _, s := range m.slaves {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
				slaves(s)
			}
		}
	}
	for m := range t.dirty {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for _, m := range out[:len(out):len(out)] {
		if m.group == 0 && len(m.slaves) == 0 {
			continue
		}
		for _, x := range ringOf(m) {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
			slaves(x)
		}
	}
	return out
}

func (t *Tracker) read() map[int]mountinfo.Entry {
	es := t.p.Entries()
	m := make(map[int]mountinfo.Entry, len(es))
	for _, e := range es {
		m[e.ID] = e
	}
	return m
}

func sameEntry(a, b mountinfo.Entry) bool {
	return a.ID == b.ID && a.Parent == b.Parent && a.Major == b.Major && a.Minor == b.Minor &&
		a.Root == b.Root && a.Point == b.Point && a.Options == b.Options &&
		slices.Equal(a.Optional, b.Optional) && a.FSType == b.FSType &&
		a.Source == b.Source && a.SuperOptions == b.SuperOptions
}

// touch notes that m's line may have changed.
func (k *Kernel) touch(m *Mount) {
	for _, t := range k.trackers {
		if !t.full {
			t.dirty[m] = struct{}{}
		}
	}
}

// touchTree notes m and every mount below it: their mount points and
// whether they are reachable follow m's place in the tree.
func (k *Kernel) touchTree(m *Mount) {
	if len(k.trackers) == 0 {
		return
	}
	for _, x := range m.subtree() {
		k.touch(x)
	}
}

// touchAll makes every tracker read the whole table next time.
func (k *Kernel) touchAll() {
	for _, t := range k.trackers {
		t.full = true
		clear(t.dirty)
	}
}
