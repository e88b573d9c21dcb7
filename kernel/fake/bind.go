package fake

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// loopback is fs/namespace.c do_loopback(): mount --bind (recursive:
// --rbind). Rules (kernel-propagation.md §4.1, §5):
//
//   - the source is the topmost mount at the source path (bind-stack);
//   - a missing source is ENOENT;
//   - an unbindable source is EINVAL ("unbindable onto anything: EINVAL");
//   - the source must be in the caller's namespace, except for a namespace
//     file, which must name a newer namespace (mnt_ns_loop(), §9.4);
//   - a directory onto a non-directory or the reverse is ENOTDIR
//     (graft_tree());
//   - the copy takes the source's propagation (cloneMnt), then the
//     destination's (attachRecursive).
func (p *Proc) loopback(source string, t loc, recursive bool) error {
	if source == "" {
		return unix.ENOENT
	}
	old, err := p.lookup(source, followFinal)
	if err != nil {
		return err
	}
	t, err = p.k.mountTarget(t)
	if err != nil {
		return err
	}
	if t.m.ns != p.ns {
		return unix.EINVAL
	}
	if old.m.unbindable {
		return unix.EINVAL
	}
	if old.m.sb.ns != nil {
		if err := p.k.nsLoop(p.ns, old.m.sb.ns); err != nil {
			return err
		}
	} else if old.m.ns != p.ns {
		return unix.EINVAL
	}
	if t.isDir() != old.isDir() {
		return unix.ENOTDIR
	}
	var m *Mount
	if recursive {
		m = p.k.copyTree(old.m, old.d, clCopyNSFile)
	} else {
		m = p.k.cloneMnt(old.m, old.d, 0)
	}
	if err := p.k.attachRecursive(m, t.m, t.d, false); err != nil {
		p.k.dropTree(m)
		return err
	}
	return nil
}

// nsLoop is mnt_ns_loop(): binding the file of namespace target is
// refused unless target is newer than the caller's own, so that a
// namespace can never pin itself (or an ancestor that pins it) and form a
// reference loop. The fault hook "mnt_ns_loop(target, caller)" models the
// 6.18.y bug where the sequence numbers were not ordered.
func (k *Kernel) nsLoop(caller, target *Namespace) error {
	if err := k.faultCall(func() string { return fmt.Sprintf("mnt_ns_loop(%d, %d)", target.seq, caller.seq) }); err != nil {
		return err
	}
	if target.seq <= caller.seq {
		return unix.EINVAL
	}
	return nil
}

// dropTree undoes a copy that was never attached (umount_tree() of the
// clone on a failed graft).
func (k *Kernel) dropTree(m *Mount) {
	for _, x := range m.subtree() {
		k.leaveGroup(x)
		k.removeSlave(x)
		for _, s := range x.slaves {
			s.master = nil
			k.touch(s)
		}
		x.slaves = nil
		k.detach(x)
		k.freeMount(x)
	}
}

// moveMount is do_move_mount_old()/do_move_mount(): mount --move. Checks
// in the kernel's order (§6):
//
//   - source empty: EINVAL; missing: ENOENT;
//   - source not in the caller's namespace, or not the root of a mount, or
//     the namespace's own root: EINVAL;
//   - directory onto non-directory or the reverse: EINVAL;
//   - "Don't move a mount residing in a shared parent": EINVAL;
//   - "Don't move a mount tree containing unbindable mounts to a
//     destination mount which is shared": EINVAL;
//   - destination inside the source subtree: ELOOP.
//
// The moved tree then gets the destination's propagation like a bind,
// except that a private or unbindable source keeps its state under a
// non-shared destination.
func (p *Proc) moveMount(source string, t loc) error {
	// do_move_mount_old(): "if (!old_name || !*old_name) return -EINVAL".
	if source == "" {
		return unix.EINVAL
	}
	old, err := p.lookup(source, followFinal)
	if err != nil {
		return err
	}
	m := old.m
	if m.ns != p.ns || !old.isMountRoot() || m.parent == nil {
		return unix.EINVAL
	}
	// The target is locked (lock_mount()) only now: a move of a plain
	// directory onto a removed one is EINVAL, of a mount ENOENT (6.18).
	t, err = p.k.mountTarget(t)
	if err != nil {
		return err
	}
	if t.isDir() != old.isDir() {
		return unix.EINVAL
	}
	if t.m.ns != p.ns {
		return unix.EINVAL
	}
	if m.parent.isShared() {
		return unix.EINVAL
	}
	if t.m.isShared() {
		for _, x := range m.subtree() {
			if x.unbindable {
				return unix.EINVAL
			}
		}
	}
	for x := t.m; x != nil; x = x.parent {
		if x == m {
			return unix.ELOOP
		}
	}
	return p.k.attachRecursive(m, t.m, t.d, true)
}
