package fake

import (
	"math/rand"
	"strings"
	"testing"

	"confine/mountinfo"
)

// trackedRun applies ops (three bytes each, as FuzzOps does) with a
// tracker on every process, and after each op checks that the changes
// each tracker reports, applied to the table it started from, give the
// process's table as a full read gives it. A change the kernel forgot to
// note shows here as a line that differs.
func trackedRun(t *testing.T, ops []byte) {
	t.Helper()
	_, p := fuzzTree()
	procs := []*Proc{p}
	var trackers []*Tracker
	var shadows []map[int]mountinfo.Entry
	follow := func(q *Proc) {
		trackers = append(trackers, q.Track())
		shadow := map[int]mountinfo.Entry{}
		for _, e := range q.Entries() {
			shadow[e.ID] = e
		}
		shadows = append(shadows, shadow)
	}
	follow(p)
	for i := 0; i+2 < len(ops) && i < 3*64; i += 3 {
		trackedOp(&procs, ops[i], ops[i+1], ops[i+2])
		for len(trackers) < len(procs) {
			follow(procs[len(trackers)])
		}
		for j, tr := range trackers {
			last := 0
			for _, c := range tr.Changes() {
				if c.ID <= last {
					t.Fatalf("after op %d (%v): proc %d: change of mount %d after %d, want ID order", i/3, ops[i:i+3], j, c.ID, last)
				}
				last = c.ID
				if c.New == nil {
					delete(shadows[j], c.ID)
				} else {
					shadows[j][c.ID] = *c.New
				}
			}
			if err := tr.Verify(); err != nil {
				t.Fatalf("after op %d (%v): proc %d: %v", i/3, ops[i:i+3], j, err)
			}
			want := procs[j].Entries()
			if len(want) != len(shadows[j]) {
				t.Fatalf("after op %d (%v): proc %d: changes give %d lines, want %d", i/3, ops[i:i+3], j, len(shadows[j]), len(want))
			}
			for _, e := range want {
				if got, ok := shadows[j][e.ID]; !ok || !sameEntry(got, e) {
					t.Fatalf("after op %d (%v): proc %d: changes give %q, want %q", i/3, ops[i:i+3], j, got.String(), e.String())
				}
			}
		}
	}
}

// trackedOp is fuzzOp plus what changes a reader's view without
// changing a mount: fork, chroot (which brings propagate_from) and
// setns.
func trackedOp(procs *[]*Proc, op, x, y byte) {
	ps := *procs
	p := ps[int(op>>5)%len(ps)]
	switch op % 23 {
	case 20:
		if len(ps) < 6 {
			*procs = append(ps, p.Fork())
		}
	case 21:
		p.Chroot(fuzzPaths[int(y)%len(fuzzPaths)])
	case 22:
		p.Setns(ps[int(x)%len(ps)])
	default:
		fuzzOp(procs, op, x, y)
	}
}

// TestTrackerRandom runs seeded random op sequences under trackers.
func TestTrackerRandom(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for n := 0; n < 400; n++ {
		ops := make([]byte, 3*64)
		r.Read(ops)
		trackedRun(t, ops)
	}
}

// FuzzTracker is FuzzOps with trackers checked after every op.
func FuzzTracker(f *testing.F) {
	f.Add([]byte{4, 1, 1, 0, 3, 3, 1, 1, 2, 12, 0, 0, 8, 0, 3})
	f.Add([]byte{2, 1, 2, 5, 0, 2, 0, 0, 4, 9, 0, 1, 13, 1, 2})
	f.Add([]byte{7, 0, 1, 2, 1, 2, 36, 0, 3, 0, 0, 3, 68, 0, 1, 9, 0, 1})
	f.Fuzz(trackedRun)
}

// TestTrackerStop checks that a stopped tracker is no longer told of
// changes.
func TestTrackerStop(t *testing.T) {
	k := New()
	p := k.Init()
	tr := p.Track()
	if got := len(k.trackers); got != 1 {
		t.Fatalf("got %d trackers, want 1", got)
	}
	tr.Stop()
	p.Mkdir("/a", 0o755)
	p.Mount("t", "/a", "tmpfs", 0, "")
	if got := len(k.trackers); got != 0 {
		t.Fatalf("got %d trackers after Stop, want 0", got)
	}
	if got := len(tr.dirty); got != 0 {
		t.Fatalf("stopped tracker noted %d mounts, want 0", got)
	}
}

// TestTrackerPropagateFrom changes a slave's line without touching the
// slave: a peer of its master's group comes into the reader's sight
// (chrooted), so propagate_from goes. Only the tracker's walk from the
// noted mount's peers to their slaves finds it.
func TestTrackerPropagateFrom(t *testing.T) {
	q := New().Init()
	if err := q.Run(
		"mkdir /r", "mkdir /r/x", "mkdir /r/z", "mkdir /r/w", "mkdir /y",
		"mount -t tmpfs x /r/x", "mount --make-shared /r/x",
		"mount --bind /r/x /y", "mount --make-slave /y", "mount --make-shared /y",
		"mount --bind /y /r/z", "mount --make-slave /r/z",
	); err != nil {
		t.Fatal(err)
	}
	p := q.Fork()
	if err := p.Chroot("/r"); err != nil {
		t.Fatal(err)
	}
	tr := p.Track()
	line := func() string {
		for _, e := range p.Entries() {
			if e.Point == "/z" {
				return e.String()
			}
		}
		return ""
	}
	before := line()
	if !strings.Contains(before, "propagate_from:") {
		t.Fatalf("got %q, want a propagate_from tag to start with", before)
	}
	if err := q.Run("mount --bind /y /r/w"); err != nil {
		t.Fatal(err)
	}
	tr.Changes()
	if err := tr.Verify(); err != nil {
		t.Fatal(err)
	}
	if after := line(); after == before {
		t.Fatalf("got %q after a peer of the master came into sight, want the line changed", after)
	}
}

// TestTrackerPeerLeaves: a peer of a slave's master leaves the group, so
// the group has no member left in the reader's namespace and the slave's
// line gains propagate_from. The slave and its master are untouched; only
// the note on the leaving mount's ring neighbour finds the slave.
func TestTrackerPeerLeaves(t *testing.T) {
	q := New().Init()
	if err := q.Run(
		"mkdir /h", "mkdir /g", "mkdir /s",
		"mount -t tmpfs h /h", "mount --make-shared /h",
		"mount --bind /h /g", "mount --make-slave /g", "mount --make-shared /g",
	); err != nil {
		t.Fatal(err)
	}
	p, err := q.Unshare()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run("mount --bind /g /s", "mount --make-slave /s"); err != nil {
		t.Fatal(err)
	}
	tr := p.Track()
	line := func() string {
		for _, e := range p.Entries() {
			if e.Point == "/s" {
				return e.String()
			}
		}
		return ""
	}
	before := line()
	if err := p.Run("mount --make-private /g"); err != nil {
		t.Fatal(err)
	}
	tr.Changes()
	if err := tr.Verify(); err != nil {
		t.Fatal(err)
	}
	if after := line(); after == before || !strings.Contains(after, "propagate_from:") {
		t.Fatalf("got %q after %q, want propagate_from to appear", after, before)
	}
}
