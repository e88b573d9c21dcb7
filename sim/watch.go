package sim

import (
	"path"
	"strings"

	"confine/kernel/fake"
	"confine/mountinfo"
)

// pointIndex is the snap's table by mount point, kept up to date from
// the tracker's changes while a simulation records watched paths
// (explain): finding the mount a path lands on after every op by
// scanning the whole table made explaining a large program quadratic.
type pointIndex map[string][]mountinfo.Entry

func newPointIndex(table []mountinfo.Entry) pointIndex {
	ix := pointIndex{}
	for _, e := range table {
		ix[e.Point] = append(ix[e.Point], e)
	}
	return ix
}

// apply brings the index up to date with an op's changes.
func (ix pointIndex) apply(changes []fake.Change) {
	for _, c := range changes {
		if c.Old != nil {
			es := ix[c.Old.Point]
			for i, e := range es {
				if e.ID == c.ID {
					es = append(es[:i:i], es[i+1:]...)
					break
				}
			}
			if len(es) == 0 {
				delete(ix, c.Old.Point)
			} else {
				ix[c.Old.Point] = es
			}
		}
		if c.New != nil {
			ix[c.New.Point] = append(ix[c.New.Point], *c.New)
		}
	}
}

// topmost is the package's topmost over the indexed table. topmost picks
// the first of several candidates in table order, which the index does
// not keep: where a step has more than one candidate, decided is false
// and the caller asks topmost itself.
func (ix pointIndex) topmost(p string) (e mountinfo.Entry, ok, decided bool) {
	roots := ix["/"]
	switch len(roots) {
	case 0:
		return mountinfo.Entry{}, false, true
	case 1:
	default:
		return mountinfo.Entry{}, false, false
	}
	cur := roots[0]
	climb := func(point string) bool {
		for {
			var next mountinfo.Entry
			n := 0
			for _, e := range ix[point] {
				if e.Parent == cur.ID && e.ID != cur.ID {
					next, n = e, n+1
				}
			}
			switch n {
			case 0:
				return true
			case 1:
				cur = next
			default:
				return false
			}
		}
	}
	if !climb("/") {
		return mountinfo.Entry{}, false, false
	}
	prefix := ""
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		if part == "" {
			continue
		}
		prefix += "/" + part
		if !climb(prefix) {
			return mountinfo.Entry{}, false, false
		}
	}
	return cur, true, true
}

// mountAt is the package's mountAt for the snap, from the index when
// there is one.
func (r *recorder) mountAt(name string) (mountinfo.Entry, bool) {
	if r.index == nil {
		return mountAt(r.s.SnapProc, name)
	}
	resolved, release, err := r.s.SnapProc.Resolve("", name)
	if err != nil {
		return mountinfo.Entry{}, false
	}
	release()
	if e, ok, decided := r.index.topmost(path.Clean(resolved)); decided {
		return e, ok
	}
	table, err := entries(r.s.SnapProc)
	if err != nil {
		return mountinfo.Entry{}, false
	}
	return topmost(table, path.Clean(resolved))
}
