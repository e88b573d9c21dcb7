// Package executortest injects faults into the system calls the executor
// makes, so that tests can fail every call of a program in turn and check
// what a failed run leaves behind, on the real kernel and on the fake
// alike. It holds test helpers only; nothing outside tests imports it.
package executortest

import (
	"errors"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/kernel"
)

// Failing wraps a kernel.Syscalls and fails its K-th mutating call
// (mount, umount2, pivot_root, mkdir, rmdir) with EIO; the calls that
// only look (and Mkdtemp, which the executor undoes itself) pass through.
type Failing struct {
	kernel.Syscalls
	K     int      // the call that fails, counting from 1
	N     int      // the mutating calls made so far, the failed one included
	Temps []string // the directories Mkdtemp made
}

// Mkdtemp records the directory it makes, so that a test can check that
// a failed run removed it.
func (f *Failing) Mkdtemp(template string) (string, error) {
	dir, err := f.Syscalls.Mkdtemp(template)
	if err == nil {
		f.Temps = append(f.Temps, dir)
	}
	return dir, err
}

// fail counts a mutating call and says whether it is the one to fail.
func (f *Failing) fail() error {
	f.N++
	if f.N == f.K {
		return unix.EIO
	}
	return nil
}

func (f *Failing) Mount(src, dst, fstype string, flags uintptr, data string) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Syscalls.Mount(src, dst, fstype, flags, data)
}

func (f *Failing) Unmount(target string, flags int) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Syscalls.Unmount(target, flags)
}

func (f *Failing) PivotRoot(newRoot, putOld string) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Syscalls.PivotRoot(newRoot, putOld)
}

func (f *Failing) Mkdir(path string, mode uint32) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Syscalls.Mkdir(path, mode)
}

func (f *Failing) Rmdir(path string) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Syscalls.Rmdir(path)
}

// FaultEveryCall fails each mutating call of a run in turn. For k = 1,
// 2, … it hands run a Failing with K = k and no Syscalls: run sets
// Syscalls (a fresh namespace or fake host each time), executes the
// program on it and returns Execute's error. A run that fails must fail
// with an *executor.OpError carrying EIO, which check then receives with
// the run's Failing to look for what the failure left behind. The loop
// ends with the first run that makes fewer than k calls: that run must
// succeed, and FaultEveryCall returns how many calls were failed.
func FaultEveryCall(t testing.TB, run func(f *Failing) error, check func(f *Failing, opErr *executor.OpError)) int {
	t.Helper()
	for k := 1; ; k++ {
		f := &Failing{K: k}
		err := run(f)
		if f.N < k {
			if err != nil {
				t.Fatalf("with no fault injected: %v", err)
			}
			return k - 1
		}
		var opErr *executor.OpError
		if !errors.As(err, &opErr) || opErr.Errno != unix.EIO {
			t.Fatalf("call %d failing: got %v, want an *OpError with EIO", k, err)
		}
		check(f, opErr)
	}
}

// InNamespace runs f on a fresh OS thread in a new mount namespace. The
// thread stays locked, so it ends with the goroutine and the namespace
// (and any pivot_root into it) dies with it.
func InNamespace(f func() error) error {
	ch := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			ch <- err
			return
		}
		ch <- f()
	}()
	return <-ch
}
