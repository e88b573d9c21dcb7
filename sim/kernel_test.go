package sim

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/hosts"
	"confine/internal/nstest"
	"confine/kernel/linux"
	"confine/mountinfo"
	"confine/plan"
	"confine/profiles"
	"confine/stdlib"
)

// The fake earns trust by comparison: the default profile simulated on
// the live host gives the same snap namespace, as normalized mountinfo,
// as the same program executed for real by the same executor on the
// same host. Runs as root in a throwaway namespace (nstest), where /tmp
// and /var/lib are tmpfs so that nothing reaches this machine's disk.
func TestLiveSimulationMatchesKernel(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	for _, d := range []string{"/tmp", "/var/lib"} {
		if err := unix.Mount("tmpfs", d, "tmpfs", 0, "mode=1777"); err != nil {
			t.Fatal(err)
		}
	}
	// A host as systemd leaves it: everything shared, each mount its own
	// peer group, so that the comparison covers propagation too. (These
	// are this throwaway namespace's mounts; the real host's stay as
	// they are.)
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_SHARED, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("/media", 0o755); err != nil {
		t.Fatal(err)
	}
	h, err := hosts.Load(hosts.Live)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Evaluate(Profile{FS: profiles.FS, File: "default.star", Name: "default"}, stdlib.FS, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(prog, h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Err != nil {
		t.Fatalf("simulated: %v", s.Err)
	}
	fake, err := s.Table(Snap)
	if err != nil {
		t.Fatal(err)
	}

	real, err := runForReal(prog)
	if err != nil {
		t.Fatal(err)
	}
	if len(real) < 5 || len(fake) < 5 {
		t.Fatalf("got %d mounts from the kernel and %d from the fake, want a whole namespace from each", len(real), len(fake))
	}
	// Super options are the filesystems' own (tmpfs shows inode64 and a
	// size on the kernel); everything else must agree.
	opts := mountinfo.Options{Derandomize: true, DropSuperOptions: true}
	got := mountinfo.Format(mountinfo.Normalize(fake, opts))
	want := mountinfo.Format(mountinfo.Normalize(real, opts))
	if got != want {
		t.Errorf("the fake and the kernel disagree on the default profile's namespace (the kernel is right):\nfake:\n%s\nkernel:\n%s", got, want)
	}
}

// runForReal executes prog on the real kernel in a new mount namespace on
// a locked thread that dies with it (pivot_root changes the thread's
// root), and returns that namespace's table.
func runForReal(prog *plan.Program) ([]mountinfo.Entry, error) {
	type result struct {
		table []mountinfo.Entry
		err   error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
			ch <- result{err: err}
			return
		}
		if _, err := executor.Execute(prog, linux.Linux{}, executor.Options{}); err != nil {
			ch <- result{err: fmt.Errorf("executed for real: %w", err)}
			return
		}
		f, err := os.Open("/proc/thread-self/mountinfo")
		if err != nil {
			ch <- result{err: err}
			return
		}
		defer f.Close()
		table, err := mountinfo.Parse(f)
		ch <- result{table, err}
	}()
	r := <-ch
	return r.table, r.err
}
