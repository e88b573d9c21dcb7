// Package fake is an in-memory model of the Linux mount table and of
// shared-subtree propagation, implementing kernel.Syscalls without
// privileges.
//
// # Vocabulary
//
// The package uses the kernel's words, not gVisor's: a mount has a parent,
// a mountpoint (a dentry, here a path, inside the parent's filesystem) and a
// root (a dentry of its own filesystem); a superblock is one filesystem
// instance; mounts in one peer group are peers; a slave receives from its
// master (a mount of the peer group it is a slave of). Functions carry the
// name of the fs/namespace.c or fs/pnode.c function they mirror, and each
// rule cites where it comes from (a man page sentence, sharedsubtree.rst, or
// an observation on a real 6.18 kernel recorded in
// shared/reference/kernel-propagation.md). Where the model and the kernel
// disagree, the kernel is right and the model is wrong.
//
// # Model
//
// A Kernel holds every mount of every mount namespace, the global allocators
// (mount IDs and peer-group IDs, both lowest-free like the kernel's IDA) and
// the superblocks. Each superblock keeps its files in its own afero.Fs, so
// that every bind of it sees the same contents. afero's MemMapFs has no
// symbolic links, so the superblock keeps them in a side table and path
// resolution (lookup.go) is done here, component by component, through the
// mount stack, never by afero.
//
// A Proc is a process: a mount namespace, a root and a working directory. It
// implements kernel.Syscalls. Proc.Unshare copies the namespace (copy_mnt_ns)
// and returns a new process in the copy, so a test can act in one namespace
// and observe the other.
//
// Each namespace has a hidden "rootfs" mount at the bottom, as the kernel
// has: the process's "/" is the mount on top of it, mountinfo never lists
// it (it is not reachable from the process's root), and pivot_root's "the
// current root has a parent" rule works as on a real system.
//
// Line order of MountInfo is the order in which the mounts were created
// (the kernel lists a namespace's mounts by their unique 64-bit ID since
// 6.8), which gives depth-first order for rbind copies and the propagation
// order of fs/pnode.c propagate_mnt() for propagated copies.
//
// # API
//
//	k := fake.New()                       // or fake.FromMountinfo(table, fake.WithFiles(f))
//	host := k.Init()                      // *Proc, implements kernel.Syscalls
//	snap, _ := host.Unshare()             // a process in a copy of host's namespace
//	host.Run("mount --make-rshared /")    // mount(8)-syntax lines, as plan.Op.String prints
//	snap.BindNamespace(other, "/run/x.mnt") // mount --bind /proc/PID/ns/mnt
//	info, _ := snap.MountInfo()           // /proc/self/mountinfo text; Entries() for []mountinfo.Entry
//	k.InjectFault(match, unix.EIO)        // or k.FailNth("mount(", 3, unix.EPERM)
//	err := k.Check()                      // the model's invariants
//
// Proc also has Fork, Setns, SetnsFile, Chroot, CreateFile and Umask.
// Kernel.MountMax is fs.mount-max; Kernel.CloneKeepsUnbindable switches
// the 6.18 namespace-copy rule for unbindable mounts. The model is not safe
// for concurrent use.
//
// # Fidelity
//
// Besides the scenarios of kernel-propagation.md, TestDifferential (root
// only, in a throwaway namespace) runs random sequences of mount, bind,
// rbind, move, make-*, umount (plain, lazy, no-follow, expire), remount,
// mkdir, rmdir, symlink and file creation on the real kernel and on the
// model and requires the same errno from every call, the same lstat type
// and RESOLVE_IN_ROOT result for a set of paths, and the same normalised
// mountinfo.
//
// New filesystems show their super options as their show_options does
// (Kernel.ShowOptions, on by default), and a new devpts instance holds its
// ptmx node, compared with the kernel by TestDevptsAgainstKernel.
//
// Known gaps: user namespaces (locked mounts, CL_SHARED_TO_SLAVE) are not
// modelled; MNT_FORCE is accepted and ignored; a lazily unmounted subtree
// is torn apart at once instead of staying connected while in use; the
// new mount API (open_tree, move_mount, mount_setattr) is absent; mount
// IDs are freed at umount, while the kernel frees them when the last
// reference goes; Resolve returns a path, not a held descriptor, so a
// name resolved earlier is looked up again when used, and a mount made
// over it in between hides it (the executor's undo then cannot remove a
// private /tmp directory once /tmp is covered, which the real kernel's
// descriptor-based undo does; pinned in executor/shippedtest).
//
// # Following a table
//
// Proc.Track returns a Tracker: the kernel notes every mount whose
// mountinfo line a call may have changed, and Tracker.Changes renders
// only those, so that a caller reading the table after each of N calls
// (sim's recorder) pays for what changed rather than N times the table.
// Tracker.Verify compares with a full read; the tracker tests run random
// call sequences under it.
//
// # Seeding a host
//
// FromMountinfo builds a Kernel from a parsed mountinfo table (in the
// kernel's line order). Mounts with the same major:minor share one
// superblock, with one dentry tree in which each mount's root is a path
// (btrfs subvolumes /root and /home of one device are two roots of one
// tree). Files come from WithFiles: given the table entry that first
// names a superblock, or a later one whose root lies outside the trees
// given so far, it returns the afero.Fs that holds that part of the
// superblock's files as seen at that entry's mount point (for a live
// host: afero.NewBasePathFs(afero.NewReadOnlyFs(afero.NewOsFs()),
// e.Point), or a CopyOnWriteFs over it). Without WithFiles every
// superblock gets an empty MemMapFs and the roots and mount points are
// created as directories. Super options are kept per mount where they
// differ (btrfs shows the subvolume of the mount's root), so a seeded
// table prints back line for line.
package fake
