// Package executor runs a frozen plan.Program on a kernel.Syscalls: the
// real kernel (kernel/linux) for a launch, or the fake one for simulation.
//
// Execution has three steps per op, kept apart so that each can be tested
// on its own:
//
//  1. Lower (pure) turns the op into the one system call it stands for, a
//     Call with a canonical text form that golden files pin down.
//  2. The executor substitutes placeholders ($SCRATCH becomes the directory
//     made by Mkdtemp(plan.ScratchPattern)) and resolves every path the call
//     acts on through Syscalls.Resolve. A path under $SCRATCH is resolved
//     with the scratch directory as root (openat2 RESOLVE_IN_ROOT on Linux),
//     so a base rootfs holding "media -> /etc" makes the mount land on the
//     base's own etc, never on the host's. After pivot_root the new root is
//     "/" and paths are resolved in it. Host paths before the pivot (the
//     sources of binds such as /dev) are the profile's to choose and are
//     resolved normally.
//  3. The call runs on the resolved path (/proc/self/fd/N on Linux), so the
//     file checked is the file mounted on.
//
// Lookups are most of what an op costs beyond its own call, so the root a
// path is resolved in is itself resolved once and held (an O_PATH
// descriptor that Resolve accepts back as a root): for one op before the
// pivot, since a mount stacked on the scratch directory changes what its
// name opens, and from the pivot to the end after it, since "/" opens the
// thread's root whatever is mounted on it. A mount's path that is the
// root itself uses the held root, and a self-bind looks its path up once.
//
// Calls that create or remove a name (mkdir, rmdir, symlink, umount) resolve
// the parent directory and act on the last component without following it:
// a final symlink is never followed out of the root, and an O_PATH
// descriptor on the mount itself would keep it busy for umount.
//
// Optional ops are skipped when their source or target does not exist
// (ENOENT from resolution or from the call), exactly as snap-confine's
// sc_do_optional_mount; any other error is fatal.
//
// On failure Execute returns an *OpError naming the op, its profile line
// and the errno, after undoing what it safely can on the host side: the
// directories the program created (rmdir, empty ones only, through the
// parent descriptor held since the mkdir, so a later mount over the name
// does not hide them) and the scratch directory, whose mounts are made
// rprivate and detached first. Making them private matters: the scratch
// tree may be an rbind of the host's shared "/", and detaching it as it
// is would propagate the unmounts of its children to the host. Host
// directories that are still mount points in the failed namespace come
// back in OpError.Leftovers for the caller to remove from the original
// namespace. Other mounts are left for the caller, which discards the
// namespace. Execute never reads the mount table.
package executor
