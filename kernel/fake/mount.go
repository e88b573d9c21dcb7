package fake

import (
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// mntFlags are the per-mount flags (struct vfsmount.mnt_flags): they belong
// to one mount, not to its superblock, which is why
// MS_REMOUNT|MS_BIND|MS_RDONLY makes one bind read-only and leaves the
// others alone (kernel-propagation.md §8).
type mntFlags uint32

const (
	mntReadonly mntFlags = 1 << iota
	mntNosuid
	mntNodev
	mntNoexec
	mntNoatime
	mntNodiratime
	mntRelatime
	mntNosymfollow
)

// mntAtimeMask is MNT_ATIME_MASK: the flags an MS_REMOUNT without any atime
// flag keeps from the mount (path_mount).
const mntAtimeMask = mntNoatime | mntNodiratime | mntRelatime

// mntFlagsFromMS converts mount(2) flags the way path_mount does: relatime
// is the default unless MS_NOATIME is given, MS_STRICTATIME clears both.
func mntFlagsFromMS(ms uintptr) mntFlags {
	var f mntFlags
	if ms&unix.MS_NOATIME == 0 {
		f |= mntRelatime
	}
	if ms&unix.MS_NOSUID != 0 {
		f |= mntNosuid
	}
	if ms&unix.MS_NODEV != 0 {
		f |= mntNodev
	}
	if ms&unix.MS_NOEXEC != 0 {
		f |= mntNoexec
	}
	if ms&unix.MS_NOATIME != 0 {
		f |= mntNoatime
	}
	if ms&unix.MS_NODIRATIME != 0 {
		f |= mntNodiratime
	}
	if ms&unix.MS_STRICTATIME != 0 {
		f &^= mntRelatime | mntNoatime
	}
	if ms&unix.MS_NOSYMFOLLOW != 0 {
		f |= mntNosymfollow
	}
	if ms&unix.MS_RDONLY != 0 {
		f |= mntReadonly
	}
	return f
}

// String renders field 6 of mountinfo in the order of show_mnt_opts()
// (fs/proc_namespace.c): rw/ro first, then the per-mount words.
func (f mntFlags) String() string {
	var b strings.Builder
	if f&mntReadonly != 0 {
		b.WriteString("ro")
	} else {
		b.WriteString("rw")
	}
	for _, o := range []struct {
		flag mntFlags
		name string
	}{
		{mntNosuid, ",nosuid"}, {mntNodev, ",nodev"}, {mntNoexec, ",noexec"},
		{mntNoatime, ",noatime"}, {mntNodiratime, ",nodiratime"},
		{mntRelatime, ",relatime"}, {mntNosymfollow, ",nosymfollow"},
	} {
		if f&o.flag != 0 {
			b.WriteString(o.name)
		}
	}
	return b.String()
}

// parseMntFlags is the inverse of String, for seeding from a table; words
// it does not know are ignored.
func parseMntFlags(s string) mntFlags {
	var f mntFlags
	for _, w := range strings.Split(s, ",") {
		switch w {
		case "ro":
			f |= mntReadonly
		case "nosuid":
			f |= mntNosuid
		case "nodev":
			f |= mntNodev
		case "noexec":
			f |= mntNoexec
		case "noatime":
			f |= mntNoatime
		case "nodiratime":
			f |= mntNodiratime
		case "relatime":
			f |= mntRelatime
		case "nosymfollow":
			f |= mntNosymfollow
		}
	}
	return f
}

// Mount is one mount (struct mount in fs/mount.h). Fields are the kernel's;
// the comments say what each one means in the kernel's terms.
type Mount struct {
	ID  int    // mnt_id: small, lowest free, reused after umount
	seq uint64 // mnt_id_unique: never reused, orders mountinfo lines

	parent     *Mount // mnt_parent; nil for a namespace's rootfs and for detached mounts
	mountpoint string // mnt_mountpoint: the dentry in parent's filesystem
	root       string // mnt.mnt_root: the dentry of sb that is this mount's root
	sb         *superblock
	source     string // mnt_devname: per mount, copied by clone_mnt(), shown as field 10
	flags      mntFlags

	// Propagation (fs/pnode.c). group is mnt_group_id, 0 when the mount is
	// not shared. peerNext/peerPrev form the mnt_share ring; a mount that
	// is not shared is a ring of one. master is mnt_master (a mount of the
	// peer group this one receives from); slaves is mnt_slave_list, in
	// list order (the kernel adds at the head).
	group              int
	peerNext, peerPrev *Mount
	master             *Mount
	slaves             []*Mount
	unbindable         bool // MNT_UNBINDABLE
	// slaveBuf is the array that slaves, when addSlaveAfter last set it,
	// ends: the free slots before slaves let a clone of a slave near the
	// head of its master's list go in by moving the head, not the tail.
	slaveBuf []*Mount

	children []*Mount   // mnt_mounts, in attach order (commit_tree adds at the tail)
	ns       *Namespace // mnt_ns; nil while a copy is being built or after umount

	expiry bool // marked by a first MNT_EXPIRE (mark_mounts_for_expiry)
}

// Namespace is a mount namespace (struct mnt_namespace). seq is its
// creation sequence number, which the nsfs loop check compares.
type Namespace struct {
	seq   uint64
	root  *Mount // the hidden rootfs at the bottom
	count int    // mounts, for fs.mount-max
}

// Seq returns the namespace's creation sequence number.
func (ns *Namespace) Seq() uint64 { return ns.seq }

// isShared is IS_MNT_SHARED.
func (m *Mount) isShared() bool { return m.group != 0 }

// isSlave is IS_MNT_SLAVE.
func (m *Mount) isSlave() bool { return m.master != nil }

// peers reports whether a and b are in the same peer group (fs/pnode.h peers()).
func peers(a, b *Mount) bool { return a.group != 0 && a.group == b.group }

// isSubdir is the kernel's is_subdir(): whether dentry d is dir or below it.
func isSubdir(d, dir string) bool {
	if dir == "/" {
		return true
	}
	return d == dir || strings.HasPrefix(d, dir+"/")
}

// rel returns d relative to dir ("" when equal); d must be under dir.
func rel(dir, d string) string {
	if dir == "/" {
		return strings.TrimPrefix(d, "/")
	}
	return strings.TrimPrefix(strings.TrimPrefix(d, dir), "/")
}

// join joins dentry paths, keeping them absolute and clean.
func join(elem ...string) string {
	// The common arities without the slice that prepending "/" costs.
	switch len(elem) {
	case 1:
		return path.Join("/", elem[0])
	case 2:
		return path.Join("/", elem[0], elem[1])
	}
	return path.Join(append([]string{"/"}, elem...)...)
}

// subtree returns m and every mount below it in the kernel's next_mnt()
// order: preorder over children in attach order.
func (m *Mount) subtree() []*Mount {
	var out []*Mount
	var walk func(x *Mount)
	walk = func(x *Mount) {
		out = append(out, x)
		for _, c := range x.children {
			walk(c)
		}
	}
	walk(m)
	return out
}
