package fake

import (
	"slices"

	"golang.org/x/sys/unix"
)

// Propagation types and their transitions (sharedsubtree.rst §5a,
// fs/pnode.c change_mnt_propagation(), kernel-propagation.md §3).

// propagationType is flags_to_propagation_type(): exactly one of the four
// type flags, and nothing else but MS_REC and MS_SILENT, or 0 (EINVAL).
func propagationType(flags uintptr) uintptr {
	t := flags &^ (unix.MS_REC | unix.MS_SILENT)
	if t == 0 || t&(t-1) != 0 {
		return 0
	}
	if t&(unix.MS_SHARED|unix.MS_PRIVATE|unix.MS_SLAVE|unix.MS_UNBINDABLE) == 0 {
		return 0
	}
	return t
}

// doChangeType is fs/namespace.c do_change_type().
func (k *Kernel) doChangeType(target loc, flags uintptr) error {
	// "the target must be the root of a mount" (path_mounted()).
	if !target.isMountRoot() {
		return unix.EINVAL
	}
	t := propagationType(flags)
	if t == 0 {
		return unix.EINVAL
	}
	mounts := []*Mount{target.m}
	if flags&unix.MS_REC != 0 {
		mounts = target.m.subtree()
	}
	// make-shared first gives every affected mount without a group a fresh
	// one, in tree order (invent_group_ids()).
	if t == unix.MS_SHARED {
		for _, m := range mounts {
			if m.group == 0 {
				k.newGroup(m)
			}
		}
	}
	for _, m := range mounts {
		k.changePropagation(m, t, nil)
	}
	return nil
}

// changePropagation is change_mnt_propagation(). doomed, when not nil,
// names mounts that are being unmounted and so cannot take over as master
// (umount_tree() makes each unmounted mount private this way).
func (k *Kernel) changePropagation(m *Mount, t uintptr, doomed *doomSet) {
	if t == unix.MS_SHARED {
		// set_mnt_shared(): the group was invented above; shared clears
		// unbindable ("unbindable → shared (new group; unbindable
		// cleared)", §3.1).
		m.unbindable = false
		k.touch(m)
		return
	}
	k.makeSlave(m, doomed)
	if t != unix.MS_SLAVE {
		k.removeSlave(m)
		m.unbindable = t == unix.MS_UNBINDABLE
		k.touch(m)
	}
}

// makeSlave is do_make_slave(): m leaves its peer group and becomes a slave
// of the group it was in; its own slaves are handed over.
//
//   - m has other peers: m and its slaves become slaves of a peer (the
//     master group ID seen in mountinfo is the old group's);
//   - m was the only peer and has a master: they become slaves of that
//     master;
//   - m was the only peer and has no master: m and its slaves become
//     private ("private if it was the only peer and had no master",
//     verified on 6.18).
func (k *Kernel) makeSlave(m *Mount, doomed *doomSet) {
	master := propagationSource(m, doomed)
	k.leaveGroup(m)
	// transfer_propagation(): m's slaves go to the head of master's list.
	moved := m.slaves
	m.slaves = nil
	k.touch(m)
	for _, s := range moved {
		s.master = master
		k.touch(s)
	}
	k.removeSlave(m)
	if master == nil {
		for _, s := range moved {
			s.master = nil
		}
		return
	}
	master.slaves = slices.Insert(master.slaves, 0, m)
	master.slaves = slices.Insert(master.slaves, 1, moved...)
	m.master = master
	k.touch(m)
}

// propagationSource is fs/pnode.c propagation_source(): the mount that
// should feed m's receivers once m stops sending: a peer of m that is not
// being unmounted, else (going up) one of its master's group.
func propagationSource(m *Mount, doomed *doomSet) *Mount {
	for x := m; x != nil; {
		if !doomed.wholeGroup(x) {
			for n := x.peerNext; n != x; n = n.peerNext {
				if !doomed.has(n) {
					return n
				}
			}
		}
		x = x.master
		if x != nil && !doomed.has(x) {
			return x
		}
	}
	return nil
}

// doomSet is the set of mounts an umount is taking away (MNT_UMOUNT), with
// the peer groups that go entirely, so that handing over the slaves of a
// large group that disappears does not scan the group once per member.
type doomSet struct {
	mounts map[*Mount]bool
	groups map[int]bool
}

func (d *doomSet) has(m *Mount) bool { return d != nil && d.mounts[m] }

func (d *doomSet) wholeGroup(m *Mount) bool { return d != nil && m.group != 0 && d.groups[m.group] }

// seal records the groups all of whose members are doomed.
func (d *doomSet) seal(k *Kernel) {
	count := map[int]int{}
	for m := range d.mounts {
		if m.group != 0 {
			count[m.group]++
		}
	}
	d.groups = map[int]bool{}
	for g, n := range count {
		if k.groupRefs[g] == n {
			d.groups[g] = true
		}
	}
}

// receivers returns the mounts that receive from m's peer group, in the
// order fs/pnode.c propagate_mnt() visits them: m's peers (ring order after
// m), then the slave groups depth first (next_group()), each group's peers
// in ring order starting at the slave found first.
func receivers(m *Mount) []*Mount {
	var out []*Mount
	for n := m.peerNext; n != m; n = n.peerNext {
		out = append(out, n)
	}
	seen := map[*Mount]bool{}
	for _, x := range ringOf(m) {
		seen[x] = true
	}
	var walkGroup func(start *Mount)
	walkGroup = func(start *Mount) {
		for _, p := range ringOf(start) {
			for _, s := range p.slaves {
				if seen[s] {
					continue
				}
				group := ringOf(s)
				for _, x := range group {
					seen[x] = true
				}
				out = append(out, group...)
				walkGroup(s)
			}
		}
	}
	walkGroup(m)
	return out
}
