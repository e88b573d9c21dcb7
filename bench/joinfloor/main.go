// Command joinfloor is the floor of a warm launch written in Go: it joins
// the mount namespace preserved at FILE and execs CMD, nothing more (no
// lock, no freshness check, no privilege drop). nsenter(1) does the same
// in C; the difference between the two is what starting a Go program
// costs on this machine, which no Go launcher can undercut.
//
//	joinfloor FILE CMD [ARG...]
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: joinfloor FILE CMD [ARG...]")
		os.Exit(2)
	}
	runtime.LockOSThread()
	fd, err := unix.Open(os.Args[1], unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err == nil {
		// setns(CLONE_NEWNS) refuses a thread that shares its filesystem
		// information with the process's other threads.
		err = unix.Unshare(unix.CLONE_FS)
	}
	if err == nil {
		err = unix.Setns(fd, unix.CLONE_NEWNS)
	}
	path := os.Args[2]
	if err == nil {
		// Like nsenter's execvp: CMD is looked up in PATH.
		path, err = exec.LookPath(path)
	}
	if err == nil {
		err = unix.Exec(path, os.Args[2:], os.Environ())
	}
	fmt.Fprintf(os.Stderr, "joinfloor: %v\n", err)
	os.Exit(1)
}
