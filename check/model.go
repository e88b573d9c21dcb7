package check

import (
	"path"
	"sort"
	"strings"

	"confine/plan"
)

// The checker reasons about a program without a kernel: it keeps a small
// model of which paths are mount points after each op and what the
// propagation of each of those mounts is, as far as the program itself can
// tell. It never sees the host's real mount table, so it assumes only the
// handful of mounts every Linux host has (knownHostMounts) and treats
// everything else it did not mount as unknown.

// scratchLoc is where the model puts $SCRATCH: the directory mkdtemp makes
// from plan.ScratchPattern. Using a real-looking path under /tmp lets the
// ancestry tests see that an rbind of / or /tmp into the scratch directory
// is an rbind of a tree into itself.
var scratchLoc = strings.TrimSuffix(plan.ScratchPattern, "XXXXXX") + "SCRATCH"

// knownHostMounts are the mounts the checker assumes exist on any host
// before the program runs: the root and the pseudo filesystems that every
// init system mounts. Propagation changes on them are not findings.
var knownHostMounts = []string{"/", "/dev", "/dev/pts", "/dev/shm", "/proc", "/run", "/sys"}

// propagation is what the model knows about a mount's propagation type.
type propagation int

const (
	propUnknown    propagation = iota // a host mount the program never touched: may be shared
	propShared                        // shared (a peer of something)
	propSlave                         // receives, never sends
	propPrivate                       // neither
	propUnbindable                    // private and cannot be bound
)

// mayBeShared reports whether the mount could be shared, which is what
// pivot_root(2) refuses for put_old and for new_root's parent.
func (p propagation) mayBeShared() bool { return p == propUnknown || p == propShared }

// mount is one mount in the model.
type mount struct {
	loc   string      // where it is attached, as a model path
	prop  propagation // what the program has made of it
	op    int         // index of the op that made it, -1 for an assumed host mount
	bidir bool        // deliberately left shared inside an rslave'd tree (see markBidirectional)
	// copies is set for an rbind and for an assumed host mount: the tree
	// under it may hold submounts the program never sees (an rbind copies
	// whatever its source has mounted below it).
	copies bool
	// hiddenBy is the later mount that covers this one (attached on an
	// ancestor of its location), nil while it is visible. Hidden mounts
	// are out of reach of propagation changes made through the new mount.
	hiddenBy *mount
	// sealed records that, when the mount was made, an earlier recursive
	// make-rslave/rprivate already covered its location: a mount made
	// after such a seal and not slaved right away is bidirectional by
	// intent, which is the pattern of snap-confine's mount list.
	sealed bool
}

// model is the symbolic mount table: for each location, the stack of mounts
// attached there, bottom first (the last one is the one path lookup sees).
type model struct {
	stacks map[string][]*mount
	seals  []string // locations of recursive make-rslave/rprivate/runbindable ops so far
}

func newModel() *model {
	m := &model{stacks: map[string][]*mount{}}
	for _, p := range knownHostMounts {
		m.push(&mount{loc: p, prop: propUnknown, op: -1, copies: true})
	}
	return m
}

// loc turns a program path into a model location: $SCRATCH anywhere in it
// stands for the scratch directory under /tmp.
func loc(p string) string {
	if p == "" {
		return ""
	}
	return path.Clean(strings.ReplaceAll(p, plan.Scratch, scratchLoc))
}

// under reports whether p is d or lies below d.
func under(p, d string) bool {
	if d == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == d || strings.HasPrefix(p, d+"/")
}

// strictlyUnder reports whether p lies below d and is not d.
func strictlyUnder(p, d string) bool { return p != d && under(p, d) }

func (m *model) push(mt *mount) { m.stacks[mt.loc] = append(m.stacks[mt.loc], mt) }

// top is the mount a lookup of loc lands on, or nil when nothing is
// attached exactly there.
func (m *model) top(l string) *mount {
	s := m.stacks[l]
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

// beneath is the mount under the top one at l: the parent of the top mount
// when mounts are stacked, otherwise the mount that contains l.
func (m *model) beneath(l string) *mount {
	if s := m.stacks[l]; len(s) >= 2 {
		return s[len(s)-2]
	}
	return m.containing(parentLoc(l))
}

// containing is the mount whose tree l is in: the top mount at l or at its
// nearest ancestor that has one.
func (m *model) containing(l string) *mount {
	for {
		if mt := m.top(l); mt != nil {
			return mt
		}
		if l == "/" {
			return nil
		}
		l = parentLoc(l)
	}
}

func parentLoc(l string) string {
	if l == "/" {
		return "/"
	}
	return path.Dir(l)
}

// locations returns every location with at least one mount, sorted, so
// that findings come out in a stable order.
func (m *model) locations() []string {
	var ls []string
	for l, s := range m.stacks {
		if len(s) > 0 {
			ls = append(ls, l)
		}
	}
	sort.Strings(ls)
	return ls
}

// subtree returns the mounts a recursive propagation change on l reaches:
// the top mount at l and every mount attached strictly below l. (The
// mounts stacked under the top one at l are its ancestors, not part of
// its tree, so they are left alone, as the kernel does.)
func (m *model) subtree(l string) []*mount {
	var out []*mount
	if t := m.top(l); t != nil {
		out = append(out, t)
	}
	return append(out, m.visibleUnder(l)...)
}

// visibleUnder returns the visible mounts attached strictly below l.
func (m *model) visibleUnder(l string) []*mount {
	var out []*mount
	for _, x := range m.locations() {
		if strictlyUnder(x, l) {
			for _, mt := range m.stacks[x] {
				if mt.hiddenBy == nil {
					out = append(out, mt)
				}
			}
		}
	}
	return out
}

// cover marks every visible mount strictly below l as hidden by mt.
func (m *model) cover(l string, mt *mount) {
	for _, h := range m.visibleUnder(l) {
		h.hiddenBy = mt
	}
}

// uncover makes the mounts hidden by mt visible again (mt went away).
func (m *model) uncover(mt *mount) {
	for _, s := range m.stacks {
		for _, h := range s {
			if h.hiddenBy == mt {
				h.hiddenBy = nil
			}
		}
	}
}

// detach removes the top mount at l (and, when lazy, everything attached
// below l, as MNT_DETACH does). It returns false when nothing was there.
func (m *model) detach(l string, lazy bool) bool {
	s := m.stacks[l]
	if len(s) == 0 {
		return false
	}
	m.stacks[l] = s[:len(s)-1]
	m.uncover(s[len(s)-1])
	if lazy {
		for _, x := range m.locations() {
			if strictlyUnder(x, l) {
				delete(m.stacks, x)
			}
		}
	}
	return true
}

// move reattaches the top mount at src, and everything below it, at dst.
func (m *model) move(src, dst string) bool {
	t := m.top(src)
	if t == nil {
		return false
	}
	m.stacks[src] = m.stacks[src][:len(m.stacks[src])-1]
	for _, x := range m.locations() {
		if strictlyUnder(x, src) {
			for _, mt := range m.stacks[x] {
				mt.loc = dst + strings.TrimPrefix(x, src)
				m.push(mt)
			}
			delete(m.stacks, x)
		}
	}
	t.loc = dst
	m.push(t)
	return true
}

// sealedAt reports whether an earlier recursive slave/private change
// covered l.
func (m *model) sealedAt(l string) bool {
	for _, s := range m.seals {
		if under(l, s) {
			return true
		}
	}
	return false
}

// pivot applies pivot_root(newRoot, putOld): the top mount at newRoot
// becomes "/", everything else that was visible moves under putOld (the old
// root's tree, seen from the new root), and the old root mount itself is
// attached at putOld.
func (m *model) pivot(newRoot, putOld string) {
	rel := func(l string) string { // a location under newRoot, seen from the new root
		if l == newRoot {
			return "/"
		}
		if newRoot == "/" {
			return l
		}
		return strings.TrimPrefix(l, newRoot)
	}
	oldAt := rel(putOld)
	relocate := func(l string) string {
		if under(l, newRoot) {
			return rel(l)
		}
		if l == "/" {
			return oldAt
		}
		return path.Join(oldAt, l)
	}
	old := m.stacks
	m.stacks = map[string][]*mount{}
	var oldRoot []*mount
	var keys []string
	for l := range old {
		keys = append(keys, l)
	}
	sort.Strings(keys)
	for _, l := range keys {
		s := old[l]
		if len(s) == 0 {
			continue
		}
		switch {
		case l == newRoot:
			// The top mount becomes the root; the ones it was stacked on
			// stay where they were in the old tree.
			top := s[len(s)-1]
			for _, mt := range s[:len(s)-1] {
				mt.loc = path.Join(oldAt, l)
				m.push(mt)
			}
			top.loc = "/"
			m.push(top)
		case l == "/":
			oldRoot = s // attached last, on top of whatever is at putOld
		default:
			nl := relocate(l)
			for _, mt := range s {
				mt.loc = nl
				m.push(mt)
			}
		}
	}
	for _, mt := range oldRoot {
		mt.loc = oldAt
		m.push(mt)
	}
	for i, s := range m.seals {
		m.seals[i] = relocate(s)
	}
}
