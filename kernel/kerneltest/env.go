// Package kerneltest is a conformance suite for kernel.Syscalls, written
// once and run against both sides: the real kernel (kernel/linux, as root
// in a throwaway mount namespace) and the fake (kernel/fake). It plays the
// role testing/fstest.TestFS plays for fs.FS: whenever the two disagree,
// the fake is wrong, because the kernel is the specification.
//
// Scenarios are data: scenarios/*.txt hold short mount(8)-like scripts
// with the errno each failing step must give and the normalized mountinfo
// the kernel (6.18) produces. See script.go for the syntax.
package kerneltest

import (
	"testing"

	"confine/kernel"
)

// Proc is a process as the suite sees it: the system calls it makes, in
// its own mount namespace and with its own root, and the ability to start
// another process in a copy of that namespace.
type Proc interface {
	kernel.Syscalls
	// Unshare returns a new process whose mount namespace is a copy of
	// this one's, as after unshare(CLONE_NEWNS) in a child (shared mounts
	// stay peers across the two namespaces, §9.1 of kernel-propagation.md).
	// It has the same root. Pivot scenarios run in such a process so
	// that the test process's root never changes.
	Unshare() (Proc, error)
}

// Env is what one scenario runs in.
type Env struct {
	// Proc is the first process. Scenarios never pivot_root in it.
	Proc Proc
	// Root is an absolute path, in Proc's namespace, of an empty directory
	// on which a fresh private tmpfs with source "scratch" is mounted. Every
	// relative path in a scenario is taken relative to Root, and mountinfo
	// is compared for the mounts at or under Root only, re-rooted there.
	Root string
}

// CapturedOn is the kernel release the expected tables in scenarios/ were
// captured on. Mount ordering and a few rules (the namespace copy of an
// unbindable mount, §9.1) changed in recent kernels; a failure on another
// release may be the kernel's change rather than a bug.
const CapturedOn = "6.18.44"

// NewEnv makes a fresh Env for one scenario and arranges its cleanup with
// t.Cleanup.
type NewEnv func(t *testing.T) Env
