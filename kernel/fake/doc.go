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
// # Seeding a host
//
// FromMountinfo builds a Kernel from a parsed mountinfo table (in the
// kernel's line order). Mounts with the same major:minor share one
// superblock. Files come from WithFiles: given the table entry that first
// names a superblock, it returns the afero.Fs that holds that superblock's
// files as seen at that entry's mount point (for a live host:
// afero.NewBasePathFs(afero.NewReadOnlyFs(afero.NewOsFs()), e.Point), or a
// CopyOnWriteFs over it). Without WithFiles every superblock gets an empty
// MemMapFs and the mount points are created as directories.
package fake
