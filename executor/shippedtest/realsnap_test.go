package shippedtest

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

// realSnap is a snap namespace built for real on a locked OS thread that
// unshared its mount namespace (and its root and working directory, which
// pivot_root changes). The thread stays alive, running the functions it
// is given there, until close; it is never unlocked, so it dies with its
// namespace instead of returning to the Go scheduler.
type realSnap struct {
	work    chan func()
	scratch string
}

// startSnap executes prog on sys (the real kernel when nil, or a wrapper
// of it) in a new namespace, tracing to trace when not nil. A failing
// program still leaves a live thread to inspect its namespace; the error
// is the executor's.
func startSnap(prog *plan.Program, sys kernel.Syscalls, trace io.Writer) (*realSnap, error) {
	if sys == nil {
		sys = linux.Linux{}
	}
	if trace == nil {
		trace = io.Discard
	}
	r := &realSnap{work: make(chan func())}
	ready := make(chan error)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
			ready <- fmt.Errorf("unshare: %w", err)
			return
		}
		res, err := executor.Execute(prog, sys, executor.Options{Trace: trace})
		if res != nil {
			r.scratch = res.Scratch
		}
		ready <- err
		for f := range r.work {
			f()
		}
	}()
	return r, <-ready
}

// do runs f on the snap's thread.
func (r *realSnap) do(f func() error) error {
	done := make(chan error)
	r.work <- func() { done <- f() }
	return <-done
}

// table reads the snap namespace's mount table.
func (r *realSnap) table() ([]mountinfo.Entry, error) {
	var table []mountinfo.Entry
	err := r.do(func() error {
		var err error
		table, err = readTable()
		return err
	})
	return table, err
}

func (r *realSnap) close() { close(r.work) }

// readTable reads the calling thread's mount table.
func readTable() ([]mountinfo.Entry, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	f, err := os.Open("/proc/thread-self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return mountinfo.Parse(f)
}

// hostTable reads the host's (this process's) table from a thread that
// never unshared.
func hostTable() ([]mountinfo.Entry, error) { return readTable() }
