package shippedtest

import (
	"bytes"
	"strings"

	"golang.org/x/sys/unix"

	"confine/kernel"
)

// opFault arms a fault at one op of a program: the executor announces
// each op on its trace writer before it runs it, and once op target
// (counting from 0) is announced, the next call that changes something
// fails with EIO, before it has any effect. The fault fires once, so the
// executor's undo runs on a working kernel, as after a real failure.
type opFault struct {
	target int
	seen   int  // ops announced so far
	armed  bool // the target op is running and its call has not come yet
	fired  bool
	buf    bytes.Buffer
}

// announce marks what every op's trace line starts with (executor.Execute).
const announce = "confine: performing operation: "

func (f *opFault) Write(p []byte) (int, error) {
	f.buf.Write(p)
	for {
		line, err := f.buf.ReadString('\n')
		if err != nil {
			// An incomplete line waits for the rest.
			f.buf.Reset()
			f.buf.WriteString(line)
			return len(p), nil
		}
		if strings.HasPrefix(line, announce) {
			f.armed = f.seen == f.target && !f.fired
			f.seen++
		}
	}
}

// fire reports whether the call now being made must fail.
func (f *opFault) fire() bool {
	if !f.armed {
		return false
	}
	f.armed, f.fired = false, true
	return true
}

// mutating tells the fake's call descriptions (fake.InjectFault) of calls
// that change the mount table or the file tree.
func mutating(call string) bool {
	for _, prefix := range []string{"mount(", "umount2(", "pivot_root(", "mkdir(", "rmdir(", "symlink("} {
		if strings.HasPrefix(call, prefix) {
			return true
		}
	}
	return false
}

// faulty wraps a real kernel.Syscalls with an opFault.
type faulty struct {
	kernel.Syscalls
	f *opFault
}

func (s faulty) Mount(src, dst, fstype string, flags uintptr, data string) error {
	if s.f.fire() {
		return unix.EIO
	}
	return s.Syscalls.Mount(src, dst, fstype, flags, data)
}

func (s faulty) Unmount(target string, flags int) error {
	if s.f.fire() {
		return unix.EIO
	}
	return s.Syscalls.Unmount(target, flags)
}

func (s faulty) PivotRoot(newRoot, putOld string) error {
	if s.f.fire() {
		return unix.EIO
	}
	return s.Syscalls.PivotRoot(newRoot, putOld)
}

func (s faulty) Mkdir(path string, mode uint32) error {
	if s.f.fire() {
		return unix.EIO
	}
	return s.Syscalls.Mkdir(path, mode)
}

func (s faulty) Rmdir(path string) error {
	if s.f.fire() {
		return unix.EIO
	}
	return s.Syscalls.Rmdir(path)
}

func (s faulty) Symlink(target, linkpath string) error {
	if s.f.fire() {
		return unix.EIO
	}
	return s.Syscalls.Symlink(target, linkpath)
}
