// Package launch is the privileged shell of confine run and confine
// discard: it creates or joins a snap's preserved mount namespace, runs a
// frozen program in it, drops privileges and execs the snap's command.
//
// Everything that decides anything happens before this package runs: the
// CLI gathers facts and evaluates the profile, and launch receives a frozen
// *plan.Program. Launch never evaluates Starlark.
//
// # A locked thread, not a helper process
//
// unshare(2) and setns(2) change the mount namespace of the calling OS
// thread only, and Go moves goroutines between threads. Run therefore
// locks its goroutine to its thread with runtime.LockOSThread and never
// unlocks it: that thread unshares (or joins), executes the program,
// drops privileges and calls execve(2), which keeps the calling thread's
// namespaces for the new program and ends every other thread. The Go
// runtime starts new threads from a template thread while a goroutine is
// locked, so no thread inherits the new namespace by accident. The
// alternative, re-executing a small helper, costs a second exec on every
// app start for no gain in safety here.
//
// # Capturing the namespace
//
// A new namespace is preserved by bind-mounting its nsfs file onto
// <state>/ns/<snap>.mnt. The kernel (mnt_ns_loop) only allows that from a
// namespace older than the captured one, and the bind must land in the
// original namespace, so snap-confine forks a capture helper before it
// unshares. Here the launching thread steps back instead: it opens its
// namespace file before it unshares and, for each call that must happen
// in the original namespace (the capture, recording <snap>.info, the
// clean-up after a failure), joins it with setns(2), makes the call and
// joins the new namespace again through a descriptor of it. unshare(2)
// already gave the thread a file system context of its own, which setns
// requires. A helper thread cost a thread start and a hand-over per call,
// a good part of a cold launch. The capture runs right after the unshare,
// before the program: a capture that the kernel refuses can then be
// retried with a fresh unshare at no cost. The namespace only becomes
// joinable once the program succeeded and <snap>.info was written; a
// .mnt without a matching .info is stale and rebuilt.
//
// # The 6.18.y namespace id ordering bug
//
// On Linux 6.18.y mount namespace ids come from per-CPU batches, so a
// namespace made later on another CPU can get a smaller id, and the
// capture then fails with EINVAL at random. Right after unshare, Run
// compares the new namespace's id (NS_GET_ID) with the original one's
// and, while it is not greater, moves the thread to each allowed CPU in
// turn (sched_setaffinity) and unshares again; the CPU whose batch gave
// the older id is among them, so this ends. On other kernels the first
// comparison already holds. The original affinity is restored afterwards.
//
// # Staleness
//
// <snap>.info records the SHA-256 of the program's ops in mount(8) syntax
// (with their optional marks). A preserved namespace whose ops differ (a
// changed profile, facts that change an op: a new base, a new NVIDIA
// driver) is discarded and rebuilt, under the lock. Facts that change no op
// and moved profile lines do not count: they build the same namespace.
//
// # Privileges
//
// Run needs an effective uid of 0. The command then runs as:
//   - the user named by Config.User (--user), when given;
//   - otherwise, for a setuid-root binary run by a normal user, the real
//     uid and gid with the caller's supplementary groups;
//   - otherwise (run as root, e.g. under sudo) root itself: confine does not
//     guess a user from SUDO_UID; pass --user to drop.
//
// Dropping to a non-zero uid with setresuid(2) clears the permitted,
// effective and ambient capability sets, and the command gets no file
// capabilities from confine. The working directory is restored after the
// drop, so root's access cannot be used to enter it; when it is not
// reachable in the namespace the fallbacks are /var/lib/snapd/void and /,
// as in snap-confine. TMPDIR is set to /tmp.
package launch
