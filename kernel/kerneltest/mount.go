package kerneltest

import (
	"strings"

	"golang.org/x/sys/unix"
)

// optionFlags are the mount -o words that are flags rather than data.
var optionFlags = map[string]uintptr{
	"ro": unix.MS_RDONLY, "rw": 0, "nosuid": unix.MS_NOSUID, "nodev": unix.MS_NODEV,
	"noexec": unix.MS_NOEXEC, "noatime": unix.MS_NOATIME, "nodiratime": unix.MS_NODIRATIME,
	"relatime": unix.MS_RELATIME, "strictatime": unix.MS_STRICTATIME,
	"nosymfollow": unix.MS_NOSYMFOLLOW, "remount": unix.MS_REMOUNT, "bind": unix.MS_BIND,
	"rbind": unix.MS_BIND | unix.MS_REC,
}

// longFlags are mount(8)'s long options that stand for flags.
var longFlags = map[string]uintptr{
	"--bind": unix.MS_BIND, "--rbind": unix.MS_BIND | unix.MS_REC, "--move": unix.MS_MOVE,
	"--make-shared": unix.MS_SHARED, "--make-rshared": unix.MS_SHARED | unix.MS_REC,
	"--make-slave": unix.MS_SLAVE, "--make-rslave": unix.MS_SLAVE | unix.MS_REC,
	"--make-private": unix.MS_PRIVATE, "--make-rprivate": unix.MS_PRIVATE | unix.MS_REC,
	"--make-unbindable": unix.MS_UNBINDABLE, "--make-runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// msNames maps MS_* names for --flags.
var msNames = map[string]uintptr{
	"MS_RDONLY": unix.MS_RDONLY, "MS_NOSUID": unix.MS_NOSUID, "MS_NODEV": unix.MS_NODEV,
	"MS_NOEXEC": unix.MS_NOEXEC, "MS_REMOUNT": unix.MS_REMOUNT, "MS_BIND": unix.MS_BIND,
	"MS_MOVE": unix.MS_MOVE, "MS_REC": unix.MS_REC, "MS_SILENT": unix.MS_SILENT,
	"MS_UNBINDABLE": unix.MS_UNBINDABLE, "MS_PRIVATE": unix.MS_PRIVATE, "MS_SLAVE": unix.MS_SLAVE,
	"MS_SHARED": unix.MS_SHARED, "MS_NOATIME": unix.MS_NOATIME, "MS_RELATIME": unix.MS_RELATIME,
}

// mntNames maps umount2 flag names for umount --flags.
var mntNames = map[string]int{
	"MNT_FORCE": unix.MNT_FORCE, "MNT_DETACH": unix.MNT_DETACH,
	"MNT_EXPIRE": unix.MNT_EXPIRE, "UMOUNT_NOFOLLOW": unix.UMOUNT_NOFOLLOW,
}

// mount runs mount(8)'s words as one mount(2) call.
func (p *process) mount(args []string) error {
	var flags uintptr
	var fstype string
	var data []string
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-t" || a == "-o" || a == "--flags":
			if i+1 >= len(args) {
				return badStep("mount %s needs a value", a)
			}
			i++
			switch a {
			case "-t":
				fstype = args[i]
			case "-o":
				for _, o := range strings.Split(args[i], ",") {
					if f, ok := optionFlags[o]; ok {
						flags |= f
					} else {
						data = append(data, o)
					}
				}
			case "--flags":
				for _, name := range strings.Split(args[i], "|") {
					f, ok := msNames[name]
					if !ok {
						return badStep("unknown mount flag %q", name)
					}
					flags |= f
				}
			}
		case strings.HasPrefix(a, "--"):
			f, ok := longFlags[a]
			if !ok {
				return badStep("unknown mount option %q", a)
			}
			flags |= f
		default:
			pos = append(pos, a)
		}
	}
	var source, target string
	switch len(pos) {
	case 1:
		source, target = "none", p.path(pos[0])
	case 2:
		source, target = pos[0], p.path(pos[1])
		if flags&(unix.MS_BIND|unix.MS_MOVE) != 0 && flags&unix.MS_REMOUNT == 0 {
			source = p.path(source)
		}
	default:
		return badStep("mount takes [SOURCE] TARGET")
	}
	return p.proc.Mount(source, target, fstype, flags, strings.Join(data, ","))
}

// umount runs umount(8)'s words as one umount2(2) call.
func (p *process) umount(args []string) error {
	var flags int
	var pos []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-l", "--lazy":
			flags |= unix.MNT_DETACH
		case "--no-follow":
			flags |= unix.UMOUNT_NOFOLLOW
		case "--flags":
			if i+1 >= len(args) {
				return badStep("umount --flags needs a value")
			}
			i++
			for _, name := range strings.Split(args[i], "|") {
				f, ok := mntNames[name]
				if !ok {
					return badStep("unknown umount flag %q", name)
				}
				flags |= f
			}
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) != 1 {
		return badStep("umount takes one path")
	}
	return p.proc.Unmount(p.path(pos[0]), flags)
}
