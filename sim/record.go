package sim

import (
	"bytes"
	"errors"
	"strings"

	"confine/executor"
	"confine/mountinfo"
	"confine/plan"
)

// recorder is the executor's trace writer. The executor writes
// "performing operation: …" before each op and "skipped optional
// operation: …" after skipping one; those lines are the only op
// boundaries it exposes, so the recorder reads the snap's table at each
// boundary and attributes the difference to the op that just ran.
type recorder struct {
	s       *Sim
	watch   []string
	buf     []byte
	cur     int                     // index of the op running, -1 before the first
	prev    map[int]mountinfo.Entry // the table after the previous op, by ID
	scratch string
	pivoted bool
	skipped []int
	err     error
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
	for {
		i := bytes.IndexByte(r.buf, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimPrefix(string(r.buf[:i]), tracePrefix)
		r.buf = r.buf[i+1:]
		switch {
		case strings.HasPrefix(line, traceScratch):
			r.scratch = strings.TrimPrefix(line, traceScratch)
			r.s.Scratch = r.scratch
		case strings.HasPrefix(line, traceOp):
			r.boundary(false)
			r.cur++
		case strings.HasPrefix(line, traceSkip):
			r.skipped = append(r.skipped, r.cur)
		}
	}
	return len(p), nil
}

// finish closes the last op; execErr says whether (and where) it failed.
func (r *recorder) finish(execErr error) error {
	r.boundary(execErr != nil)
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
	now, err := r.table()
	if err != nil {
		r.err = err
		return
	}
	step := Step{Index: r.cur, Op: op, Visible: map[string]bool{}, Mount: map[string]int{}}
	for _, id := range sortedIDs(now) {
		e := now[id]
		old, ok := r.prev[id]
		switch {
		case !ok || !sameMount(old, e):
			step.Added = append(step.Added, e)
			r.s.origin[id] = r.cur
		case strings.Join(old.Optional, " ") != strings.Join(e.Optional, " ") || old.Options != e.Options:
			step.Changed = append(step.Changed, e)
		}
	}
	for _, id := range sortedIDs(r.prev) {
		if e, ok := now[id]; !ok || !sameMount(r.prev[id], e) {
			step.Removed = append(step.Removed, r.prev[id])
			if !ok {
				delete(r.s.origin, id)
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
		if e, ok := mountAt(r.s.SnapProc, name); ok {
			step.Visible[p] = true
			step.Mount[p] = e.ID
		}
	}
	r.s.Steps = append(r.s.Steps, step)
	r.prev = now
}

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
