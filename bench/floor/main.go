// Command floor is the lower bound a launcher can reach for a given mount
// program: it unshares a mount namespace, replays a system call list made
// ahead of time by bench/floorgen, then execs the command. No Starlark, no
// checks, no symlink-safe resolution, no lock and no preserved namespace;
// only what the kernel must do, plus the start of a static Go binary.
//
//	floor CALLS-FILE CMD [ARG...]
//
// Build it statically (CGO_ENABLED=0). bench/compare.sh times it beside
// confine run and bwrap(1). It is a benchmark tool, not a launcher: it
// runs the command as root.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: floor CALLS-FILE CMD [ARG...]")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "floor: %v\n", err)
		os.Exit(1)
	}
}

func run(file string, argv []string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	// unshare(2) and the calls act on this thread, which then execs.
	runtime.LockOSThread()
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("unshare: %w", err)
	}
	unix.Umask(0)
	scratch, err := os.MkdirTemp("/tmp", "snap.rootfs_")
	if err != nil {
		return err
	}
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if err := call(strings.ReplaceAll(line, "$SCRATCH", scratch)); err != nil {
			return fmt.Errorf("call %d (%s): %w", n+1, line, err)
		}
	}
	path := argv[0]
	if !strings.Contains(path, "/") {
		for _, dir := range []string{"/usr/bin", "/bin", "/usr/sbin", "/sbin"} {
			if unix.Access(dir+"/"+path, unix.X_OK) == nil {
				path = dir + "/" + path
				break
			}
		}
	}
	return unix.Exec(path, argv, os.Environ())
}

func call(line string) error {
	f := strings.Split(line, "\t")
	if len(f) != 9 {
		return errors.New("malformed line")
	}
	flags, _ := strconv.ParseUint(f[1], 10, 64)
	uflags, _ := strconv.Atoi(f[2])
	mode, _ := strconv.ParseUint(f[3], 10, 32)
	optional := f[4] == "true"
	source, target, fstype, data := f[5], f[6], f[7], f[8]
	var err error
	switch f[0] {
	case "mount":
		err = unix.Mount(source, target, fstype, uintptr(flags), data)
	case "umount2":
		err = unix.Unmount(target, uflags)
	case "mkdir":
		if err = unix.Mkdir(target, uint32(mode)); errors.Is(err, unix.EEXIST) {
			err = nil
		}
	case "rmdir":
		err = unix.Rmdir(target)
	case "symlink":
		err = unix.Symlink(source, target)
	case "pivot_root":
		if err = unix.PivotRoot(target, source); err == nil {
			err = unix.Chdir("/")
		}
	default:
		return errors.New("unknown call")
	}
	if optional && errors.Is(err, unix.ENOENT) {
		return nil
	}
	return err
}
