package sim

import (
	"bytes"
	"errors"
	"slices"
	"strings"

	"confine/executor"
	"confine/kernel/fake"
	"confine/mountinfo"
	"confine/plan"
)

// recorder is the executor's trace writer. The executor writes
// "performing operation: …" before each op and "skipped optional
// operation: …" after skipping one; those lines are the only op
// boundaries it exposes, so at each boundary the recorder attributes
// what changed in the snap's table to the op that just ran. On the fake
// kernel the changes come from a fake.Tracker, which costs what the op
// changed; elsewhere the whole table is read and compared with the last.
type recorder struct {
	s     *Sim
	watch []string
	buf   []byte
	cur   int                     // index of the op running, -1 before the first
	prev  map[int]mountinfo.Entry // the table after the previous op, by ID
	// track follows the table on the fake kernel, which notes what each
	// call changed, so that an op costs what it changed rather than the
	// whole table (prev is then unused).
	track    *fake.Tracker
	fullDiff bool       // never track (Options.fullDiff)
	index    pointIndex // the table by mount point, when tracking watched paths
	scratch  string
	pivoted  bool
	skipped  []int
	err      error
}

func newRecorder(s *Sim, watch []string) *recorder {
	return &recorder{s: s, watch: watch, cur: -1}
}

// Trace line prefixes, as executor.Execute writes them.
const (
	tracePrefix  = "confine: "
	traceScratch = "scratch directory for constructing namespace: "
	traceOp      = "performing operation: "
	traceSkip    = "skipped optional operation: "
)

func (r *recorder) start() error {
	if p, ok := r.s.SnapProc.(*fake.Proc); ok && !r.fullDiff {
		r.track = p.Track()
		if len(r.watch) > 0 {
			r.index = newPointIndex(p.Entries())
		}
		return nil
	}
	table, err := r.table()
	if err != nil {
		return err
	}
	r.prev = table
	return nil
}

// Write splits the trace into lines and acts on each.
func (r *recorder) Write(p []byte) (int, error) {
	r.buf = append(r.buf, p...)
	rest := r.buf
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		line := bytes.TrimPrefix(rest[:i], []byte(tracePrefix))
		rest = rest[i+1:]
		switch {
		case bytes.HasPrefix(line, []byte(traceScratch)):
			r.scratch = string(bytes.TrimPrefix(line, []byte(traceScratch)))
			r.s.Scratch = r.scratch
		case bytes.HasPrefix(line, []byte(traceOp)):
			r.boundary(false)
			r.cur++
		case bytes.HasPrefix(line, []byte(traceSkip)):
			r.skipped = append(r.skipped, r.cur)
		}
	}
	// Keep the unfinished line at the start of the buffer, so that the
	// buffer is reused rather than grown for every line.
	r.buf = append(r.buf[:0], rest...)
	return len(p), nil
}

// finish closes the last op; execErr says whether (and where) it failed.
func (r *recorder) finish(execErr error) error {
	r.boundary(execErr != nil)
	if r.track != nil {
		// Queries and probes after the run read the table afresh.
		r.track.Stop()
	}
	var opErr *executor.OpError
	if errors.As(execErr, &opErr) && opErr.Index < len(r.s.Steps) {
		r.s.Steps[opErr.Index].Failed = true
	}
	for _, i := range r.skipped {
		if i < len(r.s.Steps) {
			r.s.Steps[i].Skipped = true
		}
	}
	return r.err
}

// boundary ends op r.cur: it diffs the snap's table against the previous
// one and records the step.
func (r *recorder) boundary(failed bool) {
	if r.cur < 0 || r.cur >= len(r.s.Program.Ops) || r.err != nil {
		return
	}
	op := r.s.Program.Ops[r.cur]
	changes, err := r.changes()
	if err != nil {
		r.err = err
		return
	}
	if r.index != nil {
		r.index.apply(changes)
	}
	step := Step{Index: r.cur, Op: op, Visible: map[string]bool{}, Mount: map[string]int{}}
	// Changes come in ID order, so each list is in ID order, as a diff of
	// the whole table sorted by ID gives them.
	for _, c := range changes {
		switch {
		case c.New != nil && (c.Old == nil || !sameMount(*c.Old, *c.New)):
			step.Added = append(step.Added, *c.New)
			r.s.origin[c.ID] = r.cur
		case c.New != nil && (strings.Join(c.Old.Optional, " ") != strings.Join(c.New.Optional, " ") || c.Old.Options != c.New.Options):
			step.Changed = append(step.Changed, *c.New)
		}
	}
	for _, c := range changes {
		if c.Old != nil && (c.New == nil || !sameMount(*c.Old, *c.New)) {
			step.Removed = append(step.Removed, *c.Old)
			if c.New == nil {
				delete(r.s.origin, c.ID)
			}
		}
	}
	if op.Kind == plan.Pivot && !failed {
		r.pivoted = true
	}
	for _, p := range r.watch {
		name := p
		if !r.pivoted && r.scratch != "" {
			name = r.scratch + p
		}
		if e, ok := r.mountAt(name); ok {
			step.Visible[p] = true
			step.Mount[p] = e.ID
		}
	}
	r.s.Steps = append(r.s.Steps, step)
}

// verifyTracker makes every op check the tracker's table against a full
// read (set by the package's tests).
var verifyTracker bool

// changes returns the lines of the snap's table that the op changed, in
// ID order: from the fake kernel's tracker, or else by comparing the
// whole table with the previous one.
func (r *recorder) changes() ([]fake.Change, error) {
	if r.track != nil {
		changes := r.track.Changes()
		if verifyTracker {
			if err := r.track.Verify(); err != nil {
				return nil, err
			}
		}
		return changes, nil
	}
	now, err := r.table()
	if err != nil {
		return nil, err
	}
	var changes []fake.Change
	for _, id := range sortedIDs(now) {
		if old, ok := r.prev[id]; !ok {
			changes = append(changes, fake.Change{ID: id, New: ptr(now[id])})
		} else {
			changes = append(changes, fake.Change{ID: id, Old: &old, New: ptr(now[id])})
		}
	}
	for _, id := range sortedIDs(r.prev) {
		if _, ok := now[id]; !ok {
			changes = append(changes, fake.Change{ID: id, Old: ptr(r.prev[id])})
		}
	}
	slices.SortStableFunc(changes, func(a, b fake.Change) int { return a.ID - b.ID })
	r.prev = now
	return changes, nil
}

func ptr[T any](v T) *T { return &v }

func (r *recorder) table() (map[int]mountinfo.Entry, error) {
	entries, err := entries(r.s.SnapProc)
	if err != nil {
		return nil, err
	}
	m := make(map[int]mountinfo.Entry, len(entries))
	for _, e := range entries {
		m[e.ID] = e
	}
	return m, nil
}

// sameMount reports whether two entries with one ID are the same mount:
// IDs are reused after umount, and a pivot changes every mount point, so
// the filesystem, its source and the mount's root decide.
func sameMount(a, b mountinfo.Entry) bool {
	return a.FSType == b.FSType && a.Source == b.Source && a.Root == b.Root &&
		a.Major == b.Major && a.Minor == b.Minor
}
