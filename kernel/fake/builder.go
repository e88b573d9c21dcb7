package fake

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Run executes lines in the mount(8)-like syntax that plan.Op.String
// prints, one call each, stopping at the first failure. It is the builder
// for fixtures and tests ("mount -t tmpfs tmpfs /run", "mount
// --make-rshared /"). Accepted forms:
//
//	mount -t FSTYPE [-o OPTIONS] SOURCE TARGET
//	mount --bind|--rbind|--move SOURCE TARGET
//	mount --make-[r]shared|slave|private|unbindable TARGET
//	mount -o remount,bind[,OPTIONS] TARGET
//	umount [--lazy] [--no-follow] TARGET
//	mkdir [--mode=MODE] PATH      rmdir PATH      touch PATH
//	ln -s TARGET LINKPATH         pivot_root NEW_ROOT PUT_OLD
//	cd PATH                       chroot PATH
//
// Words are separated by spaces; paths with spaces are not supported.
func (p *Proc) Run(lines ...string) error {
	for _, line := range lines {
		if err := p.runLine(line); err != nil {
			return fmt.Errorf("%s: %w", line, err)
		}
	}
	return nil
}

func (p *Proc) runLine(line string) error {
	f := strings.Fields(line)
	if len(f) == 0 {
		return fmt.Errorf("empty command")
	}
	usage := fmt.Errorf("unsupported command")
	switch f[0] {
	case "mount":
		return p.runMount(f[1:])
	case "umount":
		flags := 0
		args := f[1:]
		for len(args) > 1 {
			switch args[0] {
			case "--lazy", "-l":
				flags |= unix.MNT_DETACH
			case "--no-follow":
				flags |= unix.UMOUNT_NOFOLLOW
			default:
				return usage
			}
			args = args[1:]
		}
		if len(args) != 1 {
			return usage
		}
		return p.Unmount(args[0], flags)
	case "mkdir":
		mode := uint64(0o755)
		args := f[1:]
		if len(args) == 2 && strings.HasPrefix(args[0], "--mode=") {
			m, err := strconv.ParseUint(strings.TrimPrefix(args[0], "--mode="), 8, 32)
			if err != nil {
				return fmt.Errorf("bad mode: %v", err)
			}
			mode, args = m, args[1:]
		}
		if len(args) != 1 {
			return usage
		}
		return p.Mkdir(args[0], uint32(mode))
	case "rmdir", "touch", "cd", "chroot":
		if len(f) != 2 {
			return usage
		}
		switch f[0] {
		case "rmdir":
			return p.Rmdir(f[1])
		case "touch":
			return p.CreateFile(f[1])
		case "cd":
			return p.Chdir(f[1])
		}
		return p.Chroot(f[1])
	case "ln":
		if len(f) != 4 || f[1] != "-s" {
			return usage
		}
		return p.Symlink(f[2], f[3])
	case "pivot_root":
		if len(f) != 3 {
			return usage
		}
		return p.PivotRoot(f[1], f[2])
	}
	return usage
}

func (p *Proc) runMount(args []string) error {
	usage := fmt.Errorf("unsupported mount command")
	if len(args) == 0 {
		return usage
	}
	propagation := map[string]uintptr{"shared": unix.MS_SHARED, "slave": unix.MS_SLAVE,
		"private": unix.MS_PRIVATE, "unbindable": unix.MS_UNBINDABLE}
	switch w := args[0]; {
	case w == "--bind" || w == "--rbind" || w == "--move":
		if len(args) != 3 {
			return usage
		}
		flags := map[string]uintptr{"--bind": unix.MS_BIND, "--rbind": unix.MS_BIND | unix.MS_REC,
			"--move": unix.MS_MOVE}[w]
		return p.Mount(args[1], args[2], "", flags, "")
	case strings.HasPrefix(w, "--make-"):
		if len(args) != 2 {
			return usage
		}
		word := strings.TrimPrefix(w, "--make-")
		var flags uintptr
		if t, ok := propagation[word]; ok {
			flags = t
		} else if t, ok := propagation[strings.TrimPrefix(word, "r")]; ok {
			flags = t | unix.MS_REC
		} else {
			return usage
		}
		return p.Mount("none", args[1], "", flags, "")
	}
	var fstype, options string
	for len(args) > 2 {
		switch args[0] {
		case "-t":
			fstype = args[1]
		case "-o":
			options = args[1]
		default:
			return usage
		}
		args = args[2:]
	}
	flags, data := parseOptions(options)
	if flags&unix.MS_REMOUNT != 0 {
		if len(args) != 1 {
			return usage
		}
		return p.Mount("", args[0], fstype, flags, data)
	}
	if len(args) != 2 {
		return usage
	}
	return p.Mount(args[0], args[1], fstype, flags, data)
}

// parseOptions splits mount(8) options into mount(2) flags and the data
// string passed to the filesystem.
func parseOptions(options string) (uintptr, string) {
	words := map[string]uintptr{"ro": unix.MS_RDONLY, "rw": 0, "nosuid": unix.MS_NOSUID, "suid": 0,
		"nodev": unix.MS_NODEV, "dev": 0, "noexec": unix.MS_NOEXEC, "exec": 0,
		"noatime": unix.MS_NOATIME, "nodiratime": unix.MS_NODIRATIME, "relatime": unix.MS_RELATIME,
		"strictatime": unix.MS_STRICTATIME, "nosymfollow": unix.MS_NOSYMFOLLOW,
		"remount": unix.MS_REMOUNT, "bind": unix.MS_BIND, "defaults": 0}
	var flags uintptr
	var data []string
	for _, o := range strings.Split(options, ",") {
		if o == "" {
			continue
		}
		if f, ok := words[o]; ok {
			flags |= f
		} else {
			data = append(data, o)
		}
	}
	return flags, strings.Join(data, ",")
}
