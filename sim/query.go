package sim

import (
	"bytes"
	"path"
	"sort"
	"strings"

	"confine/kernel"
	"confine/mountinfo"
)

// Mount is what a query reports about one mount.
type Mount struct {
	mountinfo.Entry
	// Propagation is findmnt's PROPAGATION word: shared, slave,
	// shared,slave, private or unbindable.
	Propagation string
	// Op is the index of the op that created the mount in the snap's
	// namespace, -1 for a mount that came with it (or a host mount).
	Op int
}

// Propagation renders the optional fields of a mountinfo line as findmnt
// does: shared:N → shared, master:N → slave, both → shared,slave,
// unbindable → unbindable, none → private.
func Propagation(optional []string) string {
	var shared, slave, unbindable bool
	for _, tag := range optional {
		switch {
		case strings.HasPrefix(tag, "shared:"):
			shared = true
		case strings.HasPrefix(tag, "master:"):
			slave = true
		case tag == "unbindable":
			unbindable = true
		}
	}
	switch {
	case shared && slave:
		return "shared,slave"
	case shared:
		return "shared"
	case slave:
		return "slave"
	case unbindable:
		return "unbindable"
	}
	return "private"
}

// Visible reports whether p exists on side (following symlinks, as
// stat(2) does).
func (s *Sim) Visible(side Side, p string) (bool, error) {
	if err := checkPath(p); err != nil {
		return false, err
	}
	_, ok := mountAt(s.proc(side), p)
	return ok, nil
}

// MountAt returns the mount p resolves to on side: the topmost mount on
// the longest mount point that contains p after symlinks are followed.
// ok is false when p does not exist there.
func (s *Sim) MountAt(side Side, p string) (m Mount, ok bool, err error) {
	if err := checkPath(p); err != nil {
		return Mount{}, false, err
	}
	e, ok := mountAt(s.proc(side), p)
	if !ok {
		return Mount{}, false, nil
	}
	return s.describe(side, e), true, nil
}

// MountsUnder lists side's mounts whose mount point is p or below it,
// in table order.
func (s *Sim) MountsUnder(side Side, p string) ([]Mount, error) {
	if err := checkPath(p); err != nil {
		return nil, err
	}
	table, err := s.Table(side)
	if err != nil {
		return nil, err
	}
	var out []Mount
	for _, e := range table {
		if within(e.Point, p) {
			out = append(out, s.describe(side, e))
		}
	}
	return out, nil
}

func (s *Sim) describe(side Side, e mountinfo.Entry) Mount {
	m := Mount{Entry: e, Propagation: Propagation(e.Optional), Op: -1}
	if side == Snap {
		m.Op = s.Origin(e.ID)
	}
	return m
}

// mountAt resolves p in proc and finds the mount it lands on.
func mountAt(proc kernel.Syscalls, p string) (mountinfo.Entry, bool) {
	resolved, release, err := proc.Resolve("", p)
	if err != nil {
		return mountinfo.Entry{}, false
	}
	release()
	table, err := entries(proc)
	if err != nil {
		return mountinfo.Entry{}, false
	}
	return topmost(table, path.Clean(resolved))
}

// entries reads proc's mount table: straight from the fake kernel when
// proc offers it (rendering and parsing the text per op would dominate a
// simulation), else by parsing MountInfo.
func entries(proc kernel.Syscalls) ([]mountinfo.Entry, error) {
	if e, ok := proc.(interface{ Entries() []mountinfo.Entry }); ok {
		return e.Entries(), nil
	}
	data, err := proc.MountInfo()
	if err != nil {
		return nil, err
	}
	return mountinfo.Parse(bytes.NewReader(data))
}

// topmost returns the mount that path lookup reaches for p, walking
// from the root mount one component at a time: at each prefix, a mount
// attached there to the mount reached so far takes over, and so does
// every mount stacked on it (proc_pid_mountinfo(5): a mount stacked on
// another has it as its parent). A mount whose parent is hidden is never
// reached, which is what "hidden" means.
func topmost(table []mountinfo.Entry, p string) (mountinfo.Entry, bool) {
	var cur mountinfo.Entry
	found := false
	for _, e := range table {
		if e.Point == "/" {
			cur, found = e, true
			break
		}
	}
	if !found {
		return mountinfo.Entry{}, false
	}
	climb := func(point string) {
		for changed := true; changed; {
			changed = false
			for _, e := range table {
				if e.Point == point && e.Parent == cur.ID && e.ID != cur.ID {
					cur, changed = e, true
					break
				}
			}
		}
	}
	climb("/")
	prefix := ""
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		if part == "" {
			continue
		}
		prefix += "/" + part
		climb(prefix)
	}
	return cur, true
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

func sortedIDs(m map[int]mountinfo.Entry) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}
