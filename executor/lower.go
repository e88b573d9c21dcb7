package executor

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"confine/kernel"
	"confine/plan"
)

// Call is one system call with its arguments, before placeholders are
// substituted and paths resolved.
type Call struct {
	Name   string // mount, umount2, pivot_root, mkdir, rmdir, symlink
	Source string // mount source, symlink text, pivot_root put_old
	Target string // mount point, path acted on, pivot_root new_root
	FSType string
	Flags  uintptr // mount(2) flags
	UFlags int     // umount2(2) flags
	Data   string  // mount(2) option string
	Mode   uint32  // mkdir mode, chmod(1) bits
}

// String renders the call in a canonical form, one call per line in golden
// files: `mount "src" "dst" "" MS_BIND|MS_REC ""`.
func (c Call) String() string {
	switch c.Name {
	case "mount":
		return fmt.Sprintf("mount %q %q %q %s %q", c.Source, c.Target, c.FSType, kernel.FlagString(c.Flags), c.Data)
	case "umount2":
		return fmt.Sprintf("umount2 %q %s", c.Target, kernel.UnmountFlagString(c.UFlags))
	case "pivot_root":
		return fmt.Sprintf("pivot_root %q %q", c.Target, c.Source)
	case "mkdir":
		return fmt.Sprintf("mkdir %q %04o", c.Target, c.Mode)
	case "rmdir":
		return fmt.Sprintf("rmdir %q", c.Target)
	case "symlink":
		return fmt.Sprintf("symlink %q %q", c.Source, c.Target)
	}
	return fmt.Sprintf("%s %q %q", c.Name, c.Source, c.Target)
}

// mountOptions are the mount(8) option words that are mount(2) flags
// rather than filesystem data. "rw" and the like clear a flag.
var mountOptions = map[string]struct {
	set   bool
	flags uintptr
}{
	"ro":          {true, unix.MS_RDONLY},
	"rw":          {false, unix.MS_RDONLY},
	"nosuid":      {true, unix.MS_NOSUID},
	"suid":        {false, unix.MS_NOSUID},
	"nodev":       {true, unix.MS_NODEV},
	"dev":         {false, unix.MS_NODEV},
	"noexec":      {true, unix.MS_NOEXEC},
	"exec":        {false, unix.MS_NOEXEC},
	"sync":        {true, unix.MS_SYNCHRONOUS},
	"async":       {false, unix.MS_SYNCHRONOUS},
	"dirsync":     {true, unix.MS_DIRSYNC},
	"noatime":     {true, unix.MS_NOATIME},
	"atime":       {false, unix.MS_NOATIME},
	"nodiratime":  {true, unix.MS_NODIRATIME},
	"diratime":    {false, unix.MS_NODIRATIME},
	"relatime":    {true, unix.MS_RELATIME},
	"norelatime":  {false, unix.MS_RELATIME},
	"strictatime": {true, unix.MS_STRICTATIME},
	"lazytime":    {true, unix.MS_LAZYTIME},
	"nosymfollow": {true, unix.MS_NOSYMFOLLOW},
	"silent":      {true, unix.MS_SILENT},
	"defaults":    {false, 0},
}

// parseOptions splits a mount(8) option string into mount(2) flags and the
// filesystem's own data string (the words it does not know, in order).
func parseOptions(options string) (uintptr, string) {
	var flags uintptr
	data := "" // words are substrings of options: one data word costs nothing
	for rest := options; rest != ""; {
		var word string
		word, rest, _ = strings.Cut(rest, ",")
		if word == "" {
			continue
		}
		if o, ok := mountOptions[word]; ok {
			if o.set {
				flags |= o.flags
			} else {
				flags &^= o.flags
			}
			continue
		}
		if data == "" {
			data = word
		} else {
			data += "," + word
		}
	}
	return flags, data
}

// propagation maps the make_* kinds to their mount(2) flag.
var propagation = map[plan.Kind]uintptr{
	plan.MakeShared:     unix.MS_SHARED,
	plan.MakeSlave:      unix.MS_SLAVE,
	plan.MakePrivate:    unix.MS_PRIVATE,
	plan.MakeUnbindable: unix.MS_UNBINDABLE,
}

// Lower turns an op into the system call it stands for. It is pure: paths
// keep their placeholders. The only error is an op no call stands for.
func Lower(op plan.Op) (Call, error) {
	var rec uintptr
	if op.Recursive {
		rec = unix.MS_REC
	}
	switch op.Kind {
	case plan.Bind:
		return Call{Name: "mount", Source: op.Source, Target: op.Target, Flags: unix.MS_BIND | rec}, nil
	case plan.MakeShared, plan.MakeSlave, plan.MakePrivate, plan.MakeUnbindable:
		return Call{Name: "mount", Source: "none", Target: op.Target, Flags: propagation[op.Kind] | rec}, nil
	case plan.Mount:
		flags, data := parseOptions(op.Options)
		return Call{Name: "mount", Source: op.Source, Target: op.Target, FSType: op.FSType, Flags: flags, Data: data}, nil
	case plan.Remount:
		flags, data := parseOptions(op.Options)
		return Call{Name: "mount", Source: "none", Target: op.Target, Flags: unix.MS_REMOUNT | unix.MS_BIND | flags, Data: data}, nil
	case plan.Move:
		return Call{Name: "mount", Source: op.Source, Target: op.Target, Flags: unix.MS_MOVE}, nil
	case plan.Umount:
		var flags int
		if op.Lazy {
			flags |= unix.MNT_DETACH
		}
		if op.NoFollow {
			flags |= unix.UMOUNT_NOFOLLOW
		}
		return Call{Name: "umount2", Target: op.Target, UFlags: flags}, nil
	case plan.Mkdir:
		return Call{Name: "mkdir", Target: op.Target, Mode: op.Mode}, nil
	case plan.Rmdir:
		return Call{Name: "rmdir", Target: op.Target}, nil
	case plan.Symlink:
		return Call{Name: "symlink", Source: op.Source, Target: op.Target}, nil
	case plan.Pivot:
		return Call{Name: "pivot_root", Source: op.Source, Target: op.Target}, nil
	}
	return Call{}, fmt.Errorf("cannot lower op: unknown kind %v", op.Kind)
}
