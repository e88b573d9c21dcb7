package fake

import "golang.org/x/sys/unix"

// Copying mounts and attaching trees: fs/namespace.c clone_mnt(),
// copy_tree(), attach_recursive_mnt() and fs/pnode.c propagate_mnt().

// clone flags (fs/pnode.h CL_*).
const (
	clSlave          = 1 << iota // CL_SLAVE: the copy is a slave of the original
	clPrivate                    // CL_PRIVATE
	clMakeShared                 // CL_MAKE_SHARED: the copy is shared
	clCopyUnbindable             // CL_COPY_UNBINDABLE: namespace copies keep unbindable mounts
	clCopyNSFile                 // CL_COPY_MNT_NS_FILE: keep binds of namespace files
)

// cloneMnt is clone_mnt(): a new mount of old's superblock rooted at root,
// with old's per-mount flags and, by flag, old's propagation:
//
//   - no flag: a peer of old if old is shared, a slave of old's master if
//     old is a slave (that is why a bind of a shared mount joins its group
//     and a bind of a slave is a slave of the same master, §4.1);
//   - clSlave: a slave of old (when old is shared);
//   - clMakeShared: shared, in old's group or, with clSlave, a new group.
//
// Unbindable is not copied: on 6.16+ it lives in mnt_t_flags, which
// clone_mnt() leaves alone, hence the 6.18 observation that a namespace
// copy of an unbindable mount is private (§9.1); CloneKeepsUnbindable
// restores the documented behaviour for namespace copies.
func (k *Kernel) cloneMnt(old *Mount, root string, flag int) *Mount {
	m := k.newMount(old.sb, root)
	m.flags, m.source = old.flags, old.source
	if flag&(clSlave|clPrivate) == 0 && old.group != 0 {
		k.addPeerAfter(m, old)
	}
	switch {
	case flag&clSlave != 0 && old.group != 0:
		k.addSlaveHead(m, old)
	case flag&clPrivate == 0 && old.master != nil:
		k.addSlaveAfter(m, old)
	}
	if flag&clMakeShared != 0 && m.group == 0 {
		k.newGroup(m)
	}
	if flag&clCopyUnbindable != 0 && k.CloneKeepsUnbindable && old.unbindable {
		m.unbindable = true
	}
	return m
}

// copyTree is copy_tree(): a copy of src rooted at dentry d, and of every
// mount below src whose mountpoint is under d, depth first in attach order
// (rbind order, §5). Unbindable mounts and everything below them are
// skipped unless clCopyUnbindable; binds of namespace files are skipped
// unless clCopyNSFile. The copy is not attached anywhere and in no
// namespace.
func (k *Kernel) copyTree(src *Mount, d string, flag int) *Mount {
	res := k.cloneMnt(src, d, flag)
	var walk func(s, parentCopy *Mount)
	walk = func(s, parentCopy *Mount) {
		if flag&clCopyUnbindable == 0 && s.unbindable {
			return
		}
		if flag&clCopyNSFile == 0 && s.sb.ns != nil {
			return
		}
		q := k.cloneMnt(s, s.root, flag)
		k.attach(q, parentCopy, s.mountpoint)
		for _, c := range s.children {
			walk(c, q)
		}
	}
	for _, c := range src.children {
		if isSubdir(c.mountpoint, d) {
			walk(c, res)
		}
	}
	return res
}

// treeSize counts the mounts copyTree would copy.
func treeSize(m *Mount) int { return len(m.subtree()) }

// attachRecursive is attach_recursive_mnt(): source (a fresh tree, or with
// moving an attached one) goes onto dentry mp of dest. When dest is shared,
// every mount of the tree joins or gets a peer group and copies go to every
// mount that receives from dest (propagateMnt); copies that land where a
// mount already sits are tucked under it (§4.4).
func (k *Kernel) attachRecursive(source, dest *Mount, mp string, moving bool) error {
	// get_mountpoint(source root): a tree whose root dentry was removed
	// cannot be attached anywhere (d_set_mounted() says ENOENT).
	if source.sb.isUnlinked(source.root) {
		return unix.ENOENT
	}
	size := treeSize(source)
	var recv []*Mount
	if dest.isShared() {
		recv = visibleReceivers(dest, mp)
	}
	// count_mounts(): fs.mount-max per namespace, checked before any change
	// so that a failure leaves nothing behind.
	add := map[*Namespace]int{}
	if !moving || source.ns != dest.ns {
		add[dest.ns] += size
	}
	for _, r := range recv {
		add[r.ns] += size
	}
	for ns, n := range add {
		if ns != nil && ns.count+n > k.MountMax {
			return unix.ENOSPC
		}
	}
	var copies []*Mount
	if dest.isShared() {
		// invent_group_ids(): a group for every mount of the tree that has
		// none, before the copies are made, so the copies can join them.
		// Those mounts are marked shared only after propagate_mnt()
		// (set_mnt_shared() below), so a mount of a moved tree that itself
		// receives from dest gets plain slave copies (found by the
		// conformance suite's differential run).
		tree := source.subtree()
		invented := map[*Mount]bool{}
		for _, p := range tree {
			if p.group == 0 {
				k.newGroup(p)
				invented[p] = true
			}
		}
		copies = k.propagateMnt(dest, mp, source, recv, invented)
		for _, p := range tree {
			p.unbindable = false // set_mnt_shared()
			k.touch(p)
		}
	}
	if moving {
		k.detach(source)
	}
	k.attach(source, dest, mp)
	k.commitSubtree(source, dest.ns)
	// The kernel collects copies with hlist_add_head and commits them in
	// that (reverse) order.
	for i := len(copies) - 1; i >= 0; i-- {
		c := copies[i]
		parent, at := c.parent, c.mountpoint
		c.parent, c.mountpoint = nil, ""
		if q := k.childAt(parent, at); q != nil {
			// Tuck the copy under the mount already there: the old top is
			// re-parented onto the topmost mount of the copy's root
			// (mnt_change_mountpoint()).
			top := k.down(loc{c, c.root})
			k.detach(q)
			k.attach(q, top.m, top.d)
		}
		k.attach(c, parent, at)
		k.commitSubtree(c, parent.ns)
	}
	return nil
}

// visibleReceivers are the receivers of dest in which dentry mp is visible
// (propagate_one()'s is_subdir(dest_mp, m->mnt_root)); a receiver outside
// any namespace gets nothing.
func visibleReceivers(dest *Mount, mp string) []*Mount {
	var out []*Mount
	for _, r := range receivers(dest) {
		if r.ns != nil && isSubdir(mp, r.root) {
			out = append(out, r)
		}
	}
	return out
}

// propagateMnt is fs/pnode.c propagate_mnt(): one copy of source per
// receiver, cloned from the copy its propagation parent got, so that the
// copies reproduce dest's propagation tree (§4.3):
//
//   - a receiver in a group that already got a copy: a peer of that copy
//     (CL_MAKE_SHARED; peers of dest are peers of source);
//   - otherwise a slave of the copy made in the nearest group up its master
//     chain that got one (CL_SLAVE), and, if the receiver is shared, the
//     first of a new group (CL_SLAVE|CL_MAKE_SHARED).
//
// The copies are returned with parent and mountpoint set but not attached.
func (k *Kernel) propagateMnt(dest *Mount, mp string, source *Mount, recv []*Mount, invented map[*Mount]bool) []*Mount {
	copyOf := map[int]*Mount{dest.group: source} // peer group → its copy
	var out []*Mount
	for _, r := range recv {
		var c *Mount
		shared := r.isShared() && !invented[r] // IS_MNT_SHARED()
		if from, ok := copyOf[r.group]; ok && r.group != 0 {
			c = k.copyTree(from, from.root, clMakeShared)
			copyOf[r.group] = c
		} else {
			from := source
			for g := r.master; g != nil; g = g.master {
				if x, ok := copyOf[g.group]; ok {
					from = x
					break
				}
			}
			flag := clSlave
			if shared {
				flag |= clMakeShared
			}
			c = k.copyTree(from, from.root, flag)
			if shared {
				copyOf[r.group] = c
			}
		}
		c.parent, c.mountpoint = r, mp
		out = append(out, c)
	}
	return out
}
