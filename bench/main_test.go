package bench

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/cli"
	_ "confine/internal/cli/inspect" // plan, for BenchmarkLaunch
)

const (
	// insideEnv marks the copy of the test binary that runs in the
	// throwaway mount namespace.
	insideEnv = "CONFINE_BENCH_INSIDE"
	// helperEnv makes the test binary act as the confine command, with
	// the arguments in helperArgsEnv separated by \x1f.
	helperEnv     = "CONFINE_BENCH_HELPER"
	helperArgsEnv = "CONFINE_BENCH_ARGS"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		os.Exit(cli.Main(strings.Split(os.Getenv(helperArgsEnv), "\x1f"), os.Stdout, os.Stderr))
	}
	if os.Geteuid() == 0 && os.Getenv(insideEnv) == "" {
		os.Exit(reexec())
	}
	if os.Getenv(insideEnv) == "1" {
		// A launch writes to /run, /tmp and /var/lib on the host side of
		// its namespace; here those are fresh tmpfs mounts that go away
		// with the namespace.
		for _, dir := range []string{"/run", "/tmp", "/var/lib"} {
			if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
				fmt.Fprintf(os.Stderr, "bench: cannot mount a tmpfs on %s: %v\n", dir, err)
				os.Exit(1)
			}
		}
	}
	os.Exit(m.Run())
}

// reexec runs the test binary again, with the same arguments, in a
// throwaway mount namespace, and returns its exit status; it fails when
// the host's mount table changed meanwhile.
func reexec() int {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: unshare(1) from util-linux is needed to run as root: %v\n", err)
		return 1
	}
	before, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	args := []string{"--mount", "--propagation", "private", "--", self}
	for _, a := range os.Args[1:] {
		// go test's log lives under /tmp, which the child covers; the
		// parent keeps writing it.
		if !strings.HasPrefix(a, "-test.testlogfile") {
			args = append(args, a)
		}
	}
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(os.Environ(), insideEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	code := 0
	if err := cmd.Run(); err != nil {
		code = 1
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		}
	}
	after, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil || string(before) != string(after) {
		fmt.Fprintf(os.Stderr, "bench: the host's mount table changed during the run:\nbefore:\n%s\nafter:\n%s", before, after)
		return 1
	}
	return code
}
