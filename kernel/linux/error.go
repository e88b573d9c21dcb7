package linux

import (
	"fmt"
	"strings"

	"confine/kernel"
)

// Error is a failed system call with the arguments it was given. Error()
// renders it as "mount src=/a, dst=/b, flags=MS_BIND|MS_REC: no such file
// or directory"; Unwrap returns the unix.Errno.
type Error struct {
	Op     string // the system call: mount, umount2, pivot_root, mkdir, …
	Root   string // the root a lookup was confined to (openat2 RESOLVE_IN_ROOT)
	Source string // mount source, symlink text, pivot put_old
	Target string // the path the call acts on
	FSType string // mount filesystem type
	Flags  string // flags rendered by kernel.FlagString or UnmountFlagString
	Data   string // mount option string
	Err    error  // the unix.Errno
}

func (e *Error) Error() string {
	var parts []string
	add := func(key, val string) {
		if val != "" {
			parts = append(parts, key+"="+val)
		}
	}
	add("root", e.Root)
	add("src", e.Source)
	add("dst", e.Target)
	add("fstype", e.FSType)
	add("flags", e.Flags)
	add("data", e.Data)
	return fmt.Sprintf("%s %s: %v", e.Op, strings.Join(parts, ", "), e.Err)
}

// Unwrap returns the errno, so errors.Is and errors.As see through Error.
func (e *Error) Unwrap() error { return e.Err }

func mountError(source, target, fstype string, flags uintptr, data string, err error) error {
	return &Error{Op: "mount", Source: source, Target: target, FSType: fstype,
		Flags: kernel.FlagString(flags), Data: data, Err: err}
}

func pathError(op, target string, err error) error {
	return &Error{Op: op, Target: target, Err: err}
}
