package executortest

import (
	"fmt"
	"io"
	"os"
	"runtime"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/kernel"
	"confine/kernel/linux"
	"confine/mountinfo"
	"confine/plan"
)

// Snap is a snap namespace built for real on a locked OS thread that
// unshared its mount namespace (and its root and working directory, which
// pivot_root changes). The thread stays alive, running the functions it
// is given there, until Close; it is never unlocked, so it dies with its
// namespace instead of returning to the Go scheduler.
type Snap struct {
	work    chan func()
	Scratch string // the executor's scratch directory, once it made one
}

// StartSnap executes prog on sys (the real kernel when nil, or a wrapper
// of it) in a new namespace, tracing to trace when not nil. A failing
// program still leaves a live thread to inspect its namespace; the error
// is the executor's (or unshare's, and then the thread is gone: only
// Close may be called).
func StartSnap(prog *plan.Program, sys kernel.Syscalls, trace io.Writer) (*Snap, error) {
	if sys == nil {
		sys = linux.Linux{}
	}
	if trace == nil {
		trace = io.Discard
	}
	r := &Snap{work: make(chan func())}
	ready := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
			ready <- fmt.Errorf("unshare: %w", err)
			return
		}
		res, err := executor.Execute(prog, sys, executor.Options{Trace: trace})
		if res != nil {
			r.Scratch = res.Scratch
		}
		ready <- err
		for f := range r.work {
			f()
		}
	}()
	return r, <-ready
}

// Do runs f on the snap's thread, in its namespace.
func (r *Snap) Do(f func() error) error {
	done := make(chan error)
	r.work <- func() { done <- f() }
	return <-done
}

// Table reads the snap namespace's mount table.
func (r *Snap) Table() ([]mountinfo.Entry, error) {
	var table []mountinfo.Entry
	err := r.Do(func() error {
		var err error
		table, err = ThreadTable()
		return err
	})
	return table, err
}

// Close ends the snap's thread, and with it the namespace.
func (r *Snap) Close() { close(r.work) }

// ThreadTable reads the calling thread's mount table: /proc/self is the
// main thread's, which need not be in the caller's namespace.
func ThreadTable() ([]mountinfo.Entry, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	f, err := os.Open("/proc/thread-self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return mountinfo.Parse(f)
}
