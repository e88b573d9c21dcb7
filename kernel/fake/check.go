package fake

import (
	"errors"
	"fmt"
	"sort"
)

// Check verifies the model's invariants and returns the first violation
// found. Tests call it after every operation; a violation is a bug in the
// model, never in the caller.
//
//   - every mount is indexed by its own ID, and IDs are unique;
//   - every mount in a namespace has a parent in the same namespace, except
//     the namespace's rootfs; parent and children lists agree, and so does
//     the mount hash (at most one mount per parent dentry);
//   - the mount tree has no cycles;
//   - peer rings are consistent, all members carry the group ID, agree on
//     their master, and the group reference counts match;
//   - masters are shared, list their slaves, and the propagation graph has
//     no cycles.
func (k *Kernel) Check() error {
	groupCount := map[int]int{}
	ids := make([]int, 0, len(k.mounts))
	for id := range k.mounts {
		ids = append(ids, id)
	}
	sort.Ints(ids) // report the same violation every time
	for _, id := range ids {
		m := k.mounts[id]
		if m.ID != id {
			return fmt.Errorf("mount %d: indexed as %d", m.ID, id)
		}
		if err := k.checkTree(m); err != nil {
			return err
		}
		if err := checkPropagation(m); err != nil {
			return err
		}
		if m.group != 0 {
			groupCount[m.group]++
		}
	}
	for g, n := range groupCount {
		if k.groupRefs[g] != n {
			return fmt.Errorf("peer group %d: %d members, refcount %d", g, n, k.groupRefs[g])
		}
	}
	for g, n := range k.groupRefs {
		if groupCount[g] != n {
			return fmt.Errorf("peer group %d: refcount %d, %d members", g, n, groupCount[g])
		}
	}
	for key, c := range k.childIndex {
		if c.parent != key.parent || c.mountpoint != key.dentry {
			return fmt.Errorf("mount %d: hashed at %d:%s but attached at %s", c.ID, key.parent.ID, key.dentry, c.mountpoint)
		}
		if k.mounts[c.ID] != c {
			return fmt.Errorf("mount %d: hashed but freed", c.ID)
		}
	}
	return nil
}

func (k *Kernel) checkTree(m *Mount) error {
	if m.ns != nil && m.parent == nil && m.ns.root != m {
		return fmt.Errorf("mount %d: in a namespace without a parent", m.ID)
	}
	if p := m.parent; p != nil {
		if k.mounts[p.ID] != p {
			return fmt.Errorf("mount %d: parent %d does not exist", m.ID, p.ID)
		}
		if p.ns != m.ns {
			return fmt.Errorf("mount %d: parent %d is in another namespace", m.ID, p.ID)
		}
		if !contains(p.children, m) {
			return fmt.Errorf("mount %d: missing from parent %d's children", m.ID, p.ID)
		}
		if k.childAt(p, m.mountpoint) != m {
			return fmt.Errorf("mount %d: not hashed at %d:%s", m.ID, p.ID, m.mountpoint)
		}
	}
	for _, c := range m.children {
		if c.parent != m {
			return fmt.Errorf("mount %d: child %d has parent %v", m.ID, c.ID, c.parent)
		}
	}
	steps := 0
	for x := m; x != nil; x = x.parent {
		if steps++; steps > len(k.mounts)+1 {
			return fmt.Errorf("mount %d: cycle in the mount tree", m.ID)
		}
	}
	return nil
}

func checkPropagation(m *Mount) error {
	if m.peerNext.peerPrev != m || m.peerPrev.peerNext != m {
		return fmt.Errorf("mount %d: broken peer ring", m.ID)
	}
	if m.group == 0 && m.peerNext != m {
		return fmt.Errorf("mount %d: not shared but has peers", m.ID)
	}
	for n := m.peerNext; n != m; n = n.peerNext {
		if n.group != m.group {
			return fmt.Errorf("mount %d: peer %d has group %d, want %d", m.ID, n.ID, n.group, m.group)
		}
		if n.master != nil && m.master != nil && n.master.group != m.master.group ||
			(n.master == nil) != (m.master == nil) {
			return fmt.Errorf("mount %d: peers %d disagree on their master", m.ID, n.ID)
		}
	}
	if m.group != 0 && m.unbindable {
		return errors.New("mount " + fmt.Sprint(m.ID) + ": shared and unbindable")
	}
	if ms := m.master; ms != nil {
		if ms.group == 0 {
			return fmt.Errorf("mount %d: master %d is not shared", m.ID, ms.ID)
		}
		if !contains(ms.slaves, m) {
			return fmt.Errorf("mount %d: missing from master %d's slaves", m.ID, ms.ID)
		}
		if ms.group == m.group {
			return fmt.Errorf("mount %d: slave of its own group %d", m.ID, m.group)
		}
	}
	for _, s := range m.slaves {
		if s.master != m {
			return fmt.Errorf("mount %d: slave %d has another master", m.ID, s.ID)
		}
	}
	// No cycles: following masters (by group) must end.
	steps := 0
	for x := m.master; x != nil; x = x.master {
		if steps++; steps > 1<<16 || x == m || (m.group != 0 && x.group == m.group) {
			return fmt.Errorf("mount %d: cycle in the propagation graph", m.ID)
		}
	}
	return nil
}

func contains(list []*Mount, m *Mount) bool {
	for _, x := range list {
		if x == m {
			return true
		}
	}
	return false
}
