package fake

import (
	"sort"
	"strconv"
	"strings"

	"confine/mountinfo"
)

// Entries returns p's mountinfo as entries: the mounts of p's namespace
// that are reachable from p's root, in creation order (the kernel walks the
// namespace's mounts by their unique ID since 6.8), formatted the way
// fs/proc_namespace.c show_mountinfo() does.
func (p *Proc) Entries() []mountinfo.Entry {
	var ms []*Mount
	for _, m := range p.k.mounts {
		if m.ns == p.ns {
			ms = append(ms, m)
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].seq < ms[j].seq })
	out := make([]mountinfo.Entry, 0, len(ms))
	for _, m := range ms {
		if e, ok := p.entry(m); ok {
			out = append(out, e)
		}
	}
	return out
}

// entry is m's line as p reads it; ok is false when p does not see m (in
// another namespace, or not reachable from p's root).
func (p *Proc) entry(m *Mount) (mountinfo.Entry, bool) {
	if m.ns != p.ns {
		return mountinfo.Entry{}, false
	}
	point, ok := pathOf(loc{m, m.root}, p.root)
	if !ok {
		return mountinfo.Entry{}, false // seq_path_root() says SEQ_SKIP
	}
	parent := m.ID
	if m.parent != nil {
		parent = m.parent.ID
	}
	root := m.root
	// An unlinked root shows as "/c/1//deleted" (dentry_path()).
	root, _, _ = strings.Cut(root, "\x00")
	if m.sb.fstype == "nsfs" {
		root = strings.TrimPrefix(root, "/") // nsfs names have no slash
	}
	return mountinfo.Entry{
		ID: m.ID, Parent: parent, Major: m.sb.major, Minor: m.sb.minor,
		Root: root, Point: point, Options: m.flags.String(),
		Optional: p.optional(m),
		FSType:   m.sb.fstype, Source: m.source,
		SuperOptions: m.sb.superOptionsAt(m.root),
	}, true
}

// optional renders field 7 as show_mountinfo() does: shared:N, master:N,
// propagate_from:N when it differs from the master, unbindable.
func (p *Proc) optional(m *Mount) []string {
	var tags []string
	if m.isShared() {
		tags = append(tags, "shared:"+strconv.Itoa(m.group))
	}
	if m.isSlave() {
		master := m.master.group
		tags = append(tags, "master:"+strconv.Itoa(master))
		if dom := p.dominatingID(m); dom != 0 && dom != master {
			tags = append(tags, "propagate_from:"+strconv.Itoa(dom))
		}
	}
	if m.unbindable {
		tags = append(tags, "unbindable")
	}
	return tags
}

// dominatingID is fs/pnode.c get_dominating_id(): the first group up m's
// master chain that has a peer in p's namespace reachable from p's root
// ("the closest dominant peer group under the process's root").
func (p *Proc) dominatingID(m *Mount) int {
	for g := m.master; g != nil; g = g.master {
		for _, x := range ringOf(g) {
			if x.ns == p.ns && isPathReachable(loc{x, x.root}, p.root) {
				return x.group
			}
		}
	}
	return 0
}

func (p *Proc) mountinfoText() string { return mountinfo.Format(p.Entries()) }
