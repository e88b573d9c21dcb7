package fake

import (
	"strings"

	"golang.org/x/sys/unix"
)

// fault is one injected failure: a call that match accepts fails with err,
// before it has any effect.
type fault struct {
	match func(call string) bool
	err   unix.Errno
}

// InjectFault makes every system call whose description match accepts
// fail with err, without effect, until the returned function removes the
// fault. Descriptions look like the C calls, with flags named:
//
//	mount("tmpfs", "/a", "tmpfs", MS_NOSUID|MS_NODEV, "mode=755")
//	umount2("/a", MNT_DETACH)
//	pivot_root(".", ".")
//	mkdir("/a", 0755)   rmdir("/a")   symlink("t", "/l")   lstat("/a")
//	readlink("/l")   chdir("/")   lchown("/a", 0, 0)   mkdtemp("/tmp/xXXXXXX")
//	resolve("/root", "a/b")   mountinfo()   unshare(CLONE_NEWNS)   setns(2)
//	mnt_ns_loop(3, 2)
//
// mnt_ns_loop(target, caller) is consulted when a namespace file is bound
// (BindNamespace) with the two namespaces' sequence numbers; injecting
// EINVAL there models the 6.18.y bug where a newer namespace got a smaller
// ID (kernel-propagation.md §9.4).
func (k *Kernel) InjectFault(match func(call string) bool, err unix.Errno) (remove func()) {
	f := &fault{match: match, err: err}
	k.faults = append(k.faults, *f)
	idx := len(k.faults) - 1
	return func() {
		if idx < len(k.faults) {
			k.faults[idx].match = func(string) bool { return false }
		}
	}
}

// FailNth makes the n-th call (counting from 1) whose description starts
// with prefix fail with err; earlier and later calls succeed.
func (k *Kernel) FailNth(prefix string, n int, err unix.Errno) (remove func()) {
	seen := 0
	return k.InjectFault(func(call string) bool {
		if !strings.HasPrefix(call, prefix) {
			return false
		}
		seen++
		return seen == n
	}, err)
}

// fault returns the errno of the first injected fault matching call.
func (k *Kernel) fault(call string) error {
	for _, f := range k.faults {
		if f.match(call) {
			return f.err
		}
	}
	return nil
}

// faultCall is fault for a call whose text is formatted only when a fault
// is injected: formatting every call's text cost more than some calls.
func (k *Kernel) faultCall(call func() string) error {
	if len(k.faults) == 0 {
		return nil
	}
	return k.fault(call())
}
