package fake

import (
	"fmt"

	"confine/kernel"

	"golang.org/x/sys/unix"
)

// Unmount is umount2(2) (fs/namespace.c path_umount(), do_umount(),
// umount_tree(); fs/pnode.c propagate_umount()). Rules (§7):
//
//   - unknown flags, or MNT_EXPIRE with MNT_DETACH or MNT_FORCE: EINVAL;
//   - the final component is followed unless UMOUNT_NOFOLLOW, and the
//     topmost mount there is the one unmounted (LOOKUP_MOUNTPOINT);
//   - not the root of a mount, or not in the caller's namespace: EINVAL;
//   - MNT_EXPIRE: the first call marks the mount and fails with EAGAIN, a
//     second call unmounts it if it was not used in between;
//   - children, or a process's root or working directory on it: EBUSY,
//     unless MNT_DETACH, which takes the whole subtree at once;
//   - the unmount propagates from the parent's group to every receiver:
//     there the mount at the same mountpoint goes too if it has no
//     children (one that only has a mount on its root hands that mount
//     down); peers are symmetric, slaves never send back to their master;
//   - copies left behind whose master group disappeared become private.
func (p *Proc) Unmount(target string, flags int) error {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("umount2(%q, %s)", target, kernel.UnmountFlagString(flags)) }); err != nil {
		return errno("umount2", target, asErrno(err))
	}
	if err := p.umount(target, flags); err != nil {
		return errno("umount2", target, asErrno(err))
	}
	return nil
}

func (p *Proc) umount(target string, flags int) error {
	if flags&^(unix.MNT_FORCE|unix.MNT_DETACH|unix.MNT_EXPIRE|unix.UMOUNT_NOFOLLOW) != 0 {
		return unix.EINVAL
	}
	lf := followFinal
	if flags&unix.UMOUNT_NOFOLLOW != 0 {
		lf = 0
	}
	// path_umount() drops its own reference with mntput_no_expire(), so
	// its lookup leaves the expiry mark alone.
	t, err := p.lookup(target, lf|keepExpiry)
	if err != nil {
		return err
	}
	t = p.k.down(t)
	m := t.m
	if !t.isMountRoot() || m.ns != p.ns {
		return unix.EINVAL
	}
	if flags&unix.MNT_EXPIRE != 0 {
		if flags&(unix.MNT_DETACH|unix.MNT_FORCE) != 0 || m == p.root.m {
			return unix.EINVAL
		}
		if len(m.children) > 0 || p.k.inUse(m) {
			return unix.EBUSY
		}
		// The mark survives only if nothing used the mount in between:
		// every mntput() clears it, which the model does at the end of
		// each lookup (walk).
		if !m.expiry {
			m.expiry = true
			return unix.EAGAIN
		}
	}
	if m.parent == nil {
		return unix.EINVAL
	}
	if m == p.root.m && flags&unix.MNT_DETACH == 0 {
		// "Special case for unmounting root": the kernel remounts the
		// superblock read-only instead (do_umount_root()).
		m.sb.ro = true
		p.k.touchAll()
		return nil
	}
	if flags&unix.MNT_DETACH == 0 && p.k.mountBusy(m) {
		return unix.EBUSY
	}
	p.k.umountTree(m, flags&unix.MNT_DETACH != 0)
	return nil
}

// mountBusy is propagate_mount_busy(): m has children or is in use, or
// one of the copies the unmount would take with it (the mount at the same
// place on a receiver of m's parent, with no children but perhaps one on
// its root) is in use.
func (k *Kernel) mountBusy(m *Mount) bool {
	if len(m.children) > 0 || k.inUse(m) {
		return true
	}
	if m.parent == nil {
		return false
	}
	for _, r := range receivers(m.parent) {
		c := k.childAt(r, m.mountpoint)
		if c == nil {
			continue
		}
		if len(c.children) > 1 || len(c.children) == 1 && c.children[0].mountpoint != c.root {
			continue
		}
		if k.inUse(c) {
			return true
		}
	}
	return false
}

// inUse reports whether a process has its root or working directory on m
// (the reference count that propagate_mount_busy() checks).
func (k *Kernel) inUse(m *Mount) bool {
	for _, q := range k.procs {
		if q.root.m == m || q.cwd.m == m {
			return true
		}
	}
	return false
}

// umountTree is umount_tree(m, UMOUNT_PROPAGATE): m (with detach, its whole
// subtree) and the propagated counterparts go; each unmounted mount is made
// private first so that its slaves are handed over to a survivor.
func (k *Kernel) umountTree(m *Mount, detach bool) {
	doomed := &doomSet{mounts: map[*Mount]bool{}}
	var list []*Mount
	if detach {
		list = m.subtree()
	} else {
		list = []*Mount{m}
	}
	for _, x := range list {
		doomed.mounts[x] = true
	}
	list = k.propagateUmount(list, doomed)
	k.unmountList(list, doomed)
}

// unmountList is umount_tree()'s end for the mounts of list, all of them
// in doomed, parents before children: each is made private first so that
// its slaves are handed over to a survivor, then detached and freed.
func (k *Kernel) unmountList(list []*Mount, doomed *doomSet) {
	doomed.seal(k)
	for _, x := range list {
		k.changePropagation(x, unix.MS_PRIVATE, doomed)
	}
	// Detach children before parents' bookkeeping disappears: walk the list
	// in reverse so that the deepest go first.
	for i := len(list) - 1; i >= 0; i-- {
		x := list[i]
		k.detach(x)
		if x.ns != nil {
			x.ns.count--
			x.ns = nil
			k.touch(x)
		}
		k.freeMount(x)
	}
}

// propagateUmount is fs/pnode.c propagate_umount(): for every mount being
// unmounted, look at each receiver of its parent; the mount at the same
// mountpoint there is a candidate. A candidate goes when all its children
// go too; a candidate whose only child sits on its root hands that child
// down to its own place and goes ("find_topper"); any other candidate
// stays.
func (k *Kernel) propagateUmount(list []*Mount, doomed *doomSet) []*Mount {
	var candidates []*Mount
	seen := map[*Mount]bool{}
	for i := 0; i < len(list); i++ {
		u := list[i]
		if u.parent == nil {
			continue
		}
		for _, r := range receivers(u.parent) {
			c := k.childAt(r, u.mountpoint)
			if c == nil || doomed.has(c) || seen[c] {
				continue
			}
			seen[c] = true
			candidates = append(candidates, c)
		}
	}
	// Candidates are handled newest first (the kernel queues them at the
	// head of a list), which decides the order in which covering children
	// land among the receiver's children (kerneltest
	// umount-lazy-reparent-order, captured on 6.18).
	for changed := true; changed; {
		changed = false
		for i := len(candidates) - 1; i >= 0; i-- {
			c := candidates[i]
			if doomed.has(c) {
				continue
			}
			live := liveChildren(c, doomed)
			switch {
			case len(live) == 0:
			case len(live) == 1 && live[0].mountpoint == c.root:
				top := live[0]
				parent, at := c.parent, c.mountpoint
				k.detach(c)
				k.detach(top)
				k.attach(top, parent, at)
			default:
				continue
			}
			doomed.mounts[c] = true
			list = append(list, c)
			changed = true
		}
	}
	return list
}

func liveChildren(m *Mount, doomed *doomSet) []*Mount {
	var out []*Mount
	for _, c := range m.children {
		if !doomed.has(c) {
			out = append(out, c)
		}
	}
	return out
}
