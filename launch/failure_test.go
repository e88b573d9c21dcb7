package launch_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/nstest"
	"confine/plan"
)

// TestLaunchFailure makes one op fail at several places of the program:
// before the pivot, right after it, and last.
func TestLaunchFailure(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	e := newEnv(t)
	before := threadMounts(t)
	bad := plan.Op{Kind: plan.Bind, Source: e.area + "/missing", Target: "$SCRATCH/mnt"}
	for _, k := range []int{0, 4, 9, 13} {
		prog := e.program()
		bad := at(99, bad)
		if k > 8 {
			bad.Target = e.area + "/mnt"
		}
		prog.Ops = append(prog.Ops[:k:k], append([]plan.Op{bad}, prog.Ops[k:]...)...)
		c := e.launchCmd(prog, "", "true")
		var stderr bytes.Buffer
		c.Stderr = &stderr
		err := c.Run()
		if code := c.ProcessState.ExitCode(); err == nil || code != 1 {
			t.Errorf("failing op at %d: got exit status %d, want 1", k, code)
		}
		want := regexp.MustCompile(`^confine: cannot perform operation: mount --bind \S+/missing \S+: No such file or directory \(test\.star:99\)\n$`)
		if !want.MatchString(stderr.String()) {
			t.Errorf("failing op at %d: got %q, want %s", k, stderr.String(), want)
		}
		for _, f := range []string{"ns/demo.mnt", "ns/demo.info"} {
			if _, err := os.Lstat(filepath.Join(e.state, f)); err == nil {
				t.Errorf("failing op at %d: %s left behind", k, f)
			}
		}
		if left, _ := filepath.Glob(e.area + "/scratch/*"); len(left) != 0 {
			t.Errorf("failing op at %d: scratch directories left behind: %v", k, left)
		}
		// The state directory's private self-bind is made once, on purpose.
		if after := withoutLine(threadMounts(t), e.state+"/ns "); after != before {
			t.Errorf("failing op at %d: the mount table changed:\n%s", k, after)
		}
		fd, err := unix.Open(filepath.Join(e.state, "lock/demo.lock"), unix.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
			t.Errorf("failing op at %d: the lock is still held: %v", k, err)
		}
		unix.Close(fd)
	}
}
