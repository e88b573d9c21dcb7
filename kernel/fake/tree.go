package fake

import "slices"

// Mount tree primitives: attaching a mount at a dentry of its parent,
// detaching it, and putting a subtree into a namespace. They keep the
// parent's children list and the mount hash (childIndex) in step, which
// Check verifies.

// childAt is __lookup_mnt(): the mount attached at dentry d of parent, if
// any. Since "mnt: Tuck mounts under others instead of creating
// shadow/side mounts" (4.11) there is at most one.
func (k *Kernel) childAt(parent *Mount, d string) *Mount {
	return k.childIndex[childKey{parent, d}]
}

// attach is attach_mnt()/commit_tree() for one mount: m goes on dentry d
// of parent, at the tail of parent's children.
func (k *Kernel) attach(m, parent *Mount, d string) {
	m.parent, m.mountpoint = parent, d
	k.touchTree(m)
	parent.children = append(parent.children, m)
	k.childIndex[childKey{parent, d}] = m
}

// detach is umount_mnt()/unhash_mnt(): m leaves its parent.
func (k *Kernel) detach(m *Mount) {
	p := m.parent
	if p == nil {
		return
	}
	k.touchTree(m)
	for i, c := range p.children {
		if c == m {
			p.children = append(p.children[:i:i], p.children[i+1:]...)
			break
		}
	}
	key := childKey{p, m.mountpoint}
	if k.childIndex[key] == m {
		delete(k.childIndex, key)
	}
	m.parent, m.mountpoint = nil, ""
}

// commitSubtree puts m and everything below it into ns (commit_tree's
// mnt_add_to_ns for each mount of the tree).
func (k *Kernel) commitSubtree(m *Mount, ns *Namespace) {
	for _, x := range m.subtree() {
		if x.ns != ns {
			if x.ns != nil {
				x.ns.count--
			}
			x.ns = ns
			k.touch(x)
			ns.count++
		}
	}
}

// top is the topmost mount stacked on loc's dentry, followed the way path
// lookup follows mounts (traverse_mounts(), lock_mount()).
func (k *Kernel) down(l loc) loc {
	for {
		c := k.childAt(l.m, l.d)
		if c == nil {
			return l
		}
		l = loc{c, c.root}
	}
}

// Peer groups.

// setGroup gives m the peer group id (m must not be in one).
func (k *Kernel) setGroup(m *Mount, id int) {
	m.group = id
	k.touch(m)
	k.groupRefs[id]++
}

// newGroup is mnt_alloc_group_id(): a fresh, lowest-free group for m.
func (k *Kernel) newGroup(m *Mount) {
	k.setGroup(m, k.groupIDs.get())
}

// addPeerAfter puts m into old's group, right after old in the ring
// (clone_mnt's list_add(&mnt->mnt_share, &old->mnt_share)).
func (k *Kernel) addPeerAfter(m, old *Mount) {
	if m.group != 0 {
		k.leaveGroup(m)
	}
	k.setGroup(m, old.group)
	k.touch(old)
	m.peerPrev = old
	m.peerNext = old.peerNext
	old.peerNext.peerPrev = m
	old.peerNext = m
}

// leaveGroup takes m out of its peer group; the group's ID is released
// when its last member leaves (mnt_release_group_id()).
func (k *Kernel) leaveGroup(m *Mount) {
	if m.group == 0 {
		return
	}
	k.touch(m)
	k.touch(m.peerNext)
	m.peerPrev.peerNext = m.peerNext
	m.peerNext.peerPrev = m.peerPrev
	m.peerNext, m.peerPrev = m, m
	k.groupRefs[m.group]--
	if k.groupRefs[m.group] == 0 {
		delete(k.groupRefs, m.group)
		k.groupIDs.put(m.group)
	}
	m.group = 0
}

// ringOf returns the peers of m starting at m, in ring order.
func ringOf(m *Mount) []*Mount {
	out := []*Mount{m}
	for n := m.peerNext; n != m; n = n.peerNext {
		out = append(out, n)
	}
	return out
}

// Slave lists.

// removeSlave takes m off its master's slave list (hlist_del_init).
func removeSlave(m *Mount) {
	if m.master == nil {
		return
	}
	// In place, as addSlaveAfter inserts: a copy per removal made
	// unmounting many slaves of one master quadratic.
	if i := slices.Index(m.master.slaves, m); i >= 0 {
		m.master.slaves = slices.Delete(m.master.slaves, i, i+1)
	}
	m.master = nil
}

// removeSlave is removeSlave, noted for the trackers.
func (k *Kernel) removeSlave(m *Mount) {
	if m.master != nil {
		k.touch(m)
	}
	removeSlave(m)
}

// addSlaveHead makes m a slave of master, at the head of its list
// (hlist_add_head(&mnt->mnt_slave, &master->mnt_slave_list)).
func (k *Kernel) addSlaveHead(m, master *Mount) {
	k.touch(m)
	master.slaves = append([]*Mount{m}, master.slaves...)
	m.master = master
}

// addSlaveAfter makes m a slave of old's master, right after old in the
// list (clone_mnt's hlist_add_behind(&mnt->mnt_slave, &old->mnt_slave)).
func (k *Kernel) addSlaveAfter(m, old *Mount) {
	k.touch(m)
	master := old.master
	m.master = master
	s := master.slaves
	i := slices.Index(s, old)
	switch {
	case i < 0:
		master.slaves = append(s, m)
		return
	case i+1 > len(s)/2:
		master.slaves = slices.Insert(s, i+1, m)
		return
	}
	// Near the head (binds of one slave mount all go right behind it):
	// move the head one slot towards the front of slaveBuf. In place, as
	// slices.Insert is: nothing holds on to a slave list while mounts
	// are cloned.
	buf := master.slaveBuf
	off := len(buf) - len(s)
	if off < 1 || &buf[off] != &s[0] {
		free := len(s) + 4
		buf = make([]*Mount, free+len(s))
		copy(buf[free:], s)
		off = free
	}
	ns := buf[off-1:]
	copy(ns[:i+1], ns[1:i+2])
	ns[i+1] = m
	master.slaves, master.slaveBuf = ns, buf
}
