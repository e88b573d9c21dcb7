package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// confineHelper returns a command that runs the test binary as confine
// with args (TestMain), for tests that need no real binary.
func confineHelper(args ...string) *exec.Cmd {
	c := exec.Command("/proc/self/exe")
	c.Env = append(os.Environ(), helperEnv+"=1", helperArgsEnv+"="+strings.Join(args, "\x1f"))
	return c
}

var built struct {
	sync.Once
	path string
	err  error
}

// confineBinary builds cmd/confine once (statically), so that the benchmarks time the
// binary users run rather than this test binary.
func confineBinary(b *testing.B) string {
	b.Helper()
	built.Do(func() {
		dir, err := os.MkdirTemp("", "confine-bench-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "confine")
		// Static, as README documents the build: a cgo binary pays the
		// dynamic loader on every start (about 1 ms here).
		c := exec.Command("go", "build", "-o", built.path, "confine/cmd/confine")
		c.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := c.CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build confine/cmd/confine: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		b.Fatal(built.err)
	}
	return built.path
}

// needRoot skips a launch benchmark or test without root, saying why.
func needRoot(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() != 0 || os.Getenv(insideEnv) != "1" {
		tb.Skip("skipped: launches need root (CAP_SYS_ADMIN) and run in a throwaway mount namespace")
	}
}

func mustRun(tb testing.TB, c *exec.Cmd) {
	tb.Helper()
	if out, err := c.CombinedOutput(); err != nil {
		tb.Fatalf("%s: %v\n%s", strings.Join(c.Args, " "), err, out)
	}
}

// cpu adds up the CPU time of the timed child processes. Wall time on a
// busy machine mostly measures the other processes; user and system time
// of the launch itself are steadier, so both are reported.
type cpu struct{ user, sys time.Duration }

// run runs c like mustRun and counts its CPU time.
func (u *cpu) run(b *testing.B, c *exec.Cmd) {
	b.Helper()
	mustRun(b, c)
	u.user += c.ProcessState.UserTime()
	u.sys += c.ProcessState.SystemTime()
}

// report adds user-µs/op and sys-µs/op to the benchmark's result.
func (u *cpu) report(b *testing.B, n int) {
	if n == 0 {
		return
	}
	b.ReportMetric(float64(u.user.Microseconds())/float64(n), "user-µs/op")
	b.ReportMetric(float64(u.sys.Microseconds())/float64(n), "sys-µs/op")
}

// timeLaunches runs the command made by next b.N times, timing it and
// reporting its CPU time.
func timeLaunches(b *testing.B, next func(i int) *exec.Cmd, after func(i int)) {
	var u cpu
	n := 0
	for b.Loop() {
		u.run(b, next(n))
		if after != nil {
			b.StopTimer()
			after(n)
			b.StartTimer()
		}
		n++
	}
	u.report(b, n)
}

// TestLaunchPlumbing runs the launches the benchmarks time once each, so
// that a broken launch shows up in go test ./... and not only when
// somebody benchmarks.
func TestLaunchPlumbing(t *testing.T) {
	needRoot(t)
	mustRun(t, confineHelper("run", "plumbing", "--", "true"))
	mustRun(t, confineHelper("run", "plumbing", "--", "true")) // joins
	mustRun(t, confineHelper("discard", "plumbing"))
	if _, err := os.Lstat("/run/confine/ns/plumbing.mnt"); err == nil {
		t.Errorf("confine discard left /run/confine/ns/plumbing.mnt")
	}
}

// BenchmarkLaunch times whole app starts, process creation included:
//
//   - exec: the command alone (the floor);
//   - unshare: unshare -m, a bare new mount namespace;
//   - bwrap: bwrap --ro-bind / / (when installed), the peer tool;
//   - confine-join: confine run with a preserved namespace (every start
//     after the first: gather facts, evaluate, lock, check staleness,
//     setns, drop privileges, exec);
//   - confine-create: confine run that builds the namespace (the first
//     start: the above plus unshare, the whole program and the capture);
//     each iteration uses a new snap, discarded outside the timer.
func BenchmarkLaunch(b *testing.B) {
	needRoot(b)
	truePath, err := exec.LookPath("true")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("exec", func(b *testing.B) {
		timeLaunches(b, func(int) *exec.Cmd { return exec.Command(truePath) }, nil)
	})
	b.Run("unshare", func(b *testing.B) {
		unshare, err := exec.LookPath("unshare")
		if err != nil {
			b.Skip("unshare(1) is not installed")
		}
		timeLaunches(b, func(int) *exec.Cmd { return exec.Command(unshare, "-m", truePath) }, nil)
	})
	b.Run("bwrap", func(b *testing.B) {
		bwrap, err := exec.LookPath("bwrap")
		if err != nil {
			b.Skip("bwrap(1) is not installed")
		}
		timeLaunches(b, func(int) *exec.Cmd { return exec.Command(bwrap, "--ro-bind", "/", "/", truePath) }, nil)
	})
	confine := confineBinary(b)
	b.Run("confine-version", func(b *testing.B) {
		// The floor of any confine command: starting the Go binary.
		timeLaunches(b, func(int) *exec.Cmd { return exec.Command(confine, "version") }, nil)
	})
	b.Run("confine-plan", func(b *testing.B) {
		// Facts and evaluation, nothing mounted: what a launch does
		// before it takes the lock.
		timeLaunches(b, func(int) *exec.Cmd { return exec.Command(confine, "plan", "--snap", "joined") }, nil)
	})
	b.Run("confine-join", func(b *testing.B) {
		mustRun(b, exec.Command(confine, "run", "joined", "--", "true"))
		timeLaunches(b, func(int) *exec.Cmd { return exec.Command(confine, "run", "joined", "--", "true") }, nil)
		mustRun(b, exec.Command(confine, "discard", "joined"))
	})
	b.Run("confine-create", func(b *testing.B) {
		snap := func(i int) string { return fmt.Sprintf("created-%d", i) }
		timeLaunches(b,
			func(i int) *exec.Cmd { return exec.Command(confine, "run", snap(i), "--", "true") },
			func(i int) { mustRun(b, exec.Command(confine, "discard", snap(i))) })
	})
}
