package kerneltest

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"confine/mountinfo"
)

// errnos are the errno names a script may expect.
var errnos = map[string]unix.Errno{
	"EPERM": unix.EPERM, "ENOENT": unix.ENOENT, "EBUSY": unix.EBUSY,
	"EEXIST": unix.EEXIST, "ENOTDIR": unix.ENOTDIR, "EISDIR": unix.EISDIR,
	"EINVAL": unix.EINVAL, "ENOSPC": unix.ENOSPC, "ELOOP": unix.ELOOP,
	"ENOTEMPTY": unix.ENOTEMPTY, "EACCES": unix.EACCES, "EXDEV": unix.EXDEV,
}

// errnoName names the errno inside err, or returns err's text when it
// carries none (a fake that forgot to use unix.Errno shows up this way).
func errnoName(err error) string {
	var errno unix.Errno
	if errors.As(err, &errno) {
		if name := unix.ErrnoName(errno); name != "" {
			return name
		}
		return strconv.Itoa(int(errno))
	}
	return "non-errno error: " + err.Error()
}

// scriptError is a mistake in a script, as opposed to a failed call.
type scriptError struct{ msg string }

func (e *scriptError) Error() string { return e.msg }

func badStep(format string, args ...any) error {
	return &scriptError{fmt.Sprintf(format, args...)}
}

// process is one Proc of a running scenario and the directory its relative
// paths start from.
type process struct {
	proc Proc
	base string
}

// executor runs the steps of one scenario against one Env.
type executor struct {
	env   Env
	procs map[string]*process
}

func newExecutor(env Env) *executor {
	return &executor{env: env, procs: map[string]*process{"main": {proc: env.Proc, base: env.Root}}}
}

// close ends the processes the script started, when their Proc can be
// closed (a real one holds an OS thread until then).
func (x *executor) close() {
	for name, p := range x.procs {
		if c, ok := p.proc.(io.Closer); ok && name != "main" {
			c.Close()
		}
	}
}

// do runs one step. For mountinfo it returns the normalized lines.
func (x *executor) do(st step) ([]string, error) {
	p, ok := x.procs[st.proc]
	if !ok {
		return nil, badStep("no process %q (start one with \"unshare %s\")", st.proc, st.proc)
	}
	args := st.args[1:]
	switch st.args[0] {
	case "mkdir":
		for _, a := range args {
			if err := mkdirAll(p.proc, p.path(a)); err != nil {
				return nil, err
			}
		}
		return nil, nil
	case "touch":
		fc, ok := p.proc.(FileCreator)
		if !ok {
			return nil, badStep("touch needs a Proc that implements kerneltest.FileCreator")
		}
		for _, a := range args {
			if err := fc.CreateFile(p.path(a)); err != nil {
				return nil, err
			}
		}
		return nil, nil
	case "rmdir":
		if len(args) != 1 {
			return nil, badStep("rmdir takes one path")
		}
		return nil, p.proc.Rmdir(p.path(args[0]))
	case "symlink":
		if len(args) != 2 {
			return nil, badStep("symlink takes TARGET LINK")
		}
		return nil, p.proc.Symlink(args[0], p.path(args[1]))
	case "chdir":
		if len(args) != 1 {
			return nil, badStep("chdir takes one path")
		}
		return nil, p.proc.Chdir(p.path(args[0]))
	case "mount":
		return nil, p.mount(args)
	case "umount":
		return nil, p.umount(args)
	case "pivot_root":
		if len(args) != 2 {
			return nil, badStep("pivot_root takes NEW OLD")
		}
		if st.proc == "main" {
			return nil, badStep("pivot_root only in an unshared process, never in the test's own")
		}
		if err := p.proc.PivotRoot(p.path(args[0]), p.path(args[1])); err != nil {
			return nil, err
		}
		p.base = "/"
		return nil, nil
	case "unshare":
		if len(args) != 1 || args[0] == "main" {
			return nil, badStep("unshare takes the new process's name")
		}
		if _, dup := x.procs[args[0]]; dup {
			return nil, badStep("process %q exists", args[0])
		}
		child, err := p.proc.Unshare()
		if err != nil {
			return nil, err
		}
		x.procs[args[0]] = &process{proc: child, base: p.base}
		return nil, nil
	case "mountinfo":
		withOpts := len(args) == 1 && args[0] == "-o"
		if len(args) > 0 && !withOpts {
			return nil, badStep("mountinfo takes only -o")
		}
		return p.table(withOpts)
	}
	return nil, badStep("unknown command %q", st.args[0])
}

// FileCreator is implemented by a Proc that can create an empty regular
// file. kernel.Syscalls has no such call, but the file-versus-directory
// errnos (ENOTDIR, EINVAL for a move) need one; scenarios make it with
// "touch".
type FileCreator interface {
	CreateFile(path string) error
}

// path maps a script path to one the process can use. "." stays as it is,
// for pivot_root(".", ".") after chdir.
func (p *process) path(name string) string {
	if strings.HasPrefix(name, "/") || name == "." {
		return name
	}
	return path.Join(p.base, name)
}

// mkdirAll creates name and its missing parents with mode 0755.
func mkdirAll(sys Proc, name string) error {
	err := sys.Mkdir(name, 0o755)
	if errors.Is(err, unix.ENOENT) && path.Dir(name) != name {
		if err := mkdirAll(sys, path.Dir(name)); err != nil {
			return err
		}
		err = sys.Mkdir(name, 0o755)
	}
	if errors.Is(err, unix.EEXIST) {
		return nil
	}
	return err
}

// table renders the process's mountinfo for comparison.
func (p *process) table(withOpts bool) ([]string, error) {
	data, err := p.proc.MountInfo()
	if err != nil {
		return nil, err
	}
	entries, err := mountinfo.Parse(strings.NewReader(string(data)))
	if err != nil {
		return nil, err
	}
	entries = mountinfo.Normalize(entries, mountinfo.Options{Under: p.base, DropDevices: true, DropSuperOptions: true})
	lines := make([]string, len(entries))
	for i, e := range entries {
		lines[i] = compact(e, withOpts)
	}
	return lines, nil
}

// compact renders a normalized entry as a scenario's mountinfo line.
func compact(e mountinfo.Entry, withOpts bool) string {
	f := []string{strconv.Itoa(e.ID), strconv.Itoa(e.Parent), mountinfo.Escape(e.Root), mountinfo.Escape(e.Point)}
	if withOpts {
		f = append(f, e.Options)
	}
	if len(e.Optional) == 0 {
		f = append(f, "-")
	} else {
		f = append(f, e.Optional...)
	}
	return strings.Join(append(f, mountinfo.Escape(e.Source)), " ")
}
