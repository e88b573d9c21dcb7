// Package linux implements kernel.Syscalls over golang.org/x/sys/unix: the
// real side of confine's kernel boundary.
//
// Every method is a thin wrapper around one system call (two for Mkdir, see
// there), so that what the executor asks for is what the kernel does, and
// the conformance tests that compare the fake kernel with this one compare
// like with like. Failures come back as *Error, which records the call and
// its arguments the way runc's mount errors do and unwraps to the
// unix.Errno, so errors.Is(err, unix.ENOENT) works on either side.
//
// Resolve is the one piece of policy here: it opens a path with
// openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) relative to a root
// directory and hands back /proc/self/fd/N, so that a later mount(2) acts
// on exactly the file that was found and a symlink inside an untrusted base
// rootfs cannot send it outside that root.
//
// Those paths are also understood on the way back in, to save the walk
// through procfs that dominates a launch's system time: a root of the form
// /proc/self/fd/N is used as descriptor N, and the calls that have an *at
// form (mkdir, rmdir, symlink, lstat, readlink, lchown) take
// /proc/self/fd/N/NAME as (N, NAME). Both mean what the kernel's own lookup
// of the path means. mount(2) and umount2(2) have no such form and walk
// the path.
//
// Namespaces are per thread: calls made by one goroutine act in the mount
// namespace of whatever OS thread runs it. Callers that unshare or setns
// must lock the goroutine to its thread (see package launch).
package linux
