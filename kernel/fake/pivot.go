package fake

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// PivotRoot is pivot_root(2) (fs/namespace.c SYSCALL pivot_root). The
// checks run in the kernel's order (kernel-propagation.md §10):
//
//  1. new_root, then put_old, must resolve to directories: ENOENT/ENOTDIR;
//  2. the mount at put_old, the parent of new_root's mount, or the parent
//     of the current root's mount is shared: EINVAL;
//  3. new_root or the current root is not in the caller's namespace:
//     EINVAL;
//  4. new_root or put_old is on the current root mount (this covers
//     new_root = "/"): EBUSY;
//  5. the current root is not the root of a mount, or has no parent:
//     EINVAL;
//  6. new_root is not a mount point (the root of a mount with a parent):
//     EINVAL;
//  7. put_old is not at or under new_root: EINVAL;
//  8. new_root is not under the current root: EINVAL.
//
// Then the current root mount moves to put_old, new_root's mount takes its
// place, and every process whose root or working directory was the old
// root gets new_root instead (chroot_fs_refs()). pivot_root(".", ".") is
// legal: the old root ends up stacked on top of the new one.
func (p *Proc) PivotRoot(newRoot, putOld string) error {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("pivot_root(%q, %q)", newRoot, putOld) }); err != nil {
		return errno("pivot_root", newRoot, asErrno(err))
	}
	if err := p.pivotRoot(newRoot, putOld); err != nil {
		return errno("pivot_root", newRoot, asErrno(err))
	}
	return nil
}

func (p *Proc) pivotRoot(newRoot, putOld string) error {
	k := p.k
	nw, err := p.lookup(newRoot, followFinal|mustBeDir)
	if err != nil {
		return err
	}
	old, err := p.lookup(putOld, followFinal|mustBeDir)
	if err != nil {
		return err
	}
	old = k.down(old) // lock_mount()
	root := p.root
	newMnt, rootMnt, oldMnt := nw.m, root.m, old.m
	exParent, rootParent := newMnt.parent, rootMnt.parent
	if oldMnt.isShared() || (exParent != nil && exParent.isShared()) ||
		(rootParent != nil && rootParent.isShared()) {
		return unix.EINVAL
	}
	if rootMnt.ns != p.ns || newMnt.ns != p.ns {
		return unix.EINVAL
	}
	// "new_root was unlinked" (d_unlinked()).
	if newMnt.sb.isUnlinked(nw.d) {
		return unix.ENOENT
	}
	if newMnt == rootMnt || oldMnt == rootMnt {
		return unix.EBUSY
	}
	if !root.isMountRoot() || rootParent == nil {
		return unix.EINVAL
	}
	if !nw.isMountRoot() || exParent == nil {
		return unix.EINVAL
	}
	if !isPathReachable(old, nw) {
		return unix.EINVAL
	}
	if !isPathReachable(nw, root) {
		return unix.EINVAL
	}
	rootMp := rootMnt.mountpoint
	k.detach(newMnt)
	k.detach(rootMnt)
	k.attach(rootMnt, oldMnt, old.d)
	k.attach(newMnt, rootParent, rootMp)
	for _, q := range k.procs {
		if q.root == root {
			q.root = nw
			k.touchAll()
		}
		if q.cwd == root {
			q.cwd = nw
		}
	}
	return nil
}
