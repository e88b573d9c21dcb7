package bench

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/sys/unix"

	"confine/hosts"
	"confine/interp"
	"confine/plan"
	"confine/profiles"
	"confine/sim"
	"confine/stdlib"
)

// scaleSizes are the extra binds of the scaling benchmarks: each adds
// three ops (mkdir, bind, remount ro), so the programs have about 3k and
// 30k ops besides the default profile's 25.
var scaleSizes = []int{1000, 10000}

// scaleProfile is the default profile plus n read-only binds of /usr
// under the snap's private /tmp: the layout bench/compare.sh launches.
func scaleProfile(tb testing.TB, n int) interp.Config {
	return defaultPlus(tb, fmt.Sprintf(`
def extra_binds():
    for i in range(%d):
        d = "/tmp/b%%d" %% i
        mkdir(d)
        bind("/usr", d)
        remount(d, "ro")

extra_binds()
`, n))
}

// defaultPlus is the default profile with extra appended.
func defaultPlus(tb testing.TB, extra string) interp.Config {
	tb.Helper()
	data, err := fs.ReadFile(profiles.FS, "default.star")
	if err != nil {
		tb.Fatal(err)
	}
	src := string(data) + extra
	return interp.Config{
		Profile: fstest.MapFS{"scale.star": {Data: []byte(src)}},
		File:    "scale.star", Name: "scale", Stdlib: stdlib.FS,
		Facts: fixtureFacts(tb, "default"),
	}
}

func scaleProgram(tb testing.TB, n int) *plan.Program {
	tb.Helper()
	prog, err := interp.Eval(scaleProfile(tb, n))
	if err != nil {
		tb.Fatal(err)
	}
	return prog
}

// BenchmarkScaleEval evaluates a profile of thousands of ops: what the
// first launch (and confine plan) pays, before the program is cached.
func BenchmarkScaleEval(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("binds=%d", n), func(b *testing.B) {
			cfg := scaleProfile(b, n)
			for b.Loop() {
				if _, err := interp.Eval(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScaleRender renders the program as text (plan, traces,
// goldens) and as JSON (plan --json, the program cache).
func BenchmarkScaleRender(b *testing.B) {
	for _, n := range scaleSizes {
		prog := scaleProgram(b, n)
		b.Run(fmt.Sprintf("text/binds=%d", n), func(b *testing.B) {
			for b.Loop() {
				_ = prog.Text()
			}
		})
		b.Run(fmt.Sprintf("json/binds=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := prog.JSON(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScaleCacheDecode decodes a cached program, what a launch with
// a cache hit does instead of evaluating.
func BenchmarkScaleCacheDecode(b *testing.B) {
	for _, n := range scaleSizes {
		data, err := json.Marshal(scaleProgram(b, n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("binds=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var p plan.Program
				if err := json.Unmarshal(data, &p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// simBinds are the extra binds of the simulation benchmarks: the
// default profile's 25 ops plus 3 per bind make programs of 1,000, 3,001
// and 10,000 ops (issue 8's target: 10k ops simulated in under 0.5 s).
// Before the fake kernel noted what each call changed, the recorder read
// the whole table after every op, and 3k ops took 6.6 s.
var simBinds = []int{325, 992, 3325}

// benchSim times sim.Run of prog on host as a sub-benchmark named by the
// program's length, reporting CPU time too.
func benchSim(b *testing.B, prog *plan.Program, host *hosts.Host, opts sim.Options) {
	b.Run(fmt.Sprintf("ops=%d", len(prog.Ops)), func(b *testing.B) {
		start := processCPU()
		for b.Loop() {
			s, err := sim.Run(prog, host, opts)
			if err != nil {
				b.Fatal(err)
			}
			if s.Err != nil {
				b.Fatal(s.Err)
			}
		}
		reportCPU(b, start)
	})
}

// BenchmarkScaleSimulate runs large programs on the fake kernel seeded
// from the ubuntu-classic fixture, recording every step.
func BenchmarkScaleSimulate(b *testing.B) {
	host, err := hosts.Load(platformHosts["default"])
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range simBinds {
		prog := scaleProgram(b, n)
		benchSim(b, prog, host, sim.Options{})
	}
}

// BenchmarkScaleSimulateWatch records, after every op, which mount two
// paths land on, as confine explain does for its path.
func BenchmarkScaleSimulateWatch(b *testing.B) {
	host, err := hosts.Load(platformHosts["default"])
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range simBinds {
		prog := scaleProgram(b, n)
		benchSim(b, prog, host, sim.Options{Watch: []string{"/usr", "/tmp/b0"}})
	}
}

// BenchmarkScaleSimulateUmount binds /usr n times under /tmp and
// unmounts the binds again, oldest first (1,000 / 3,001 / 10,000 ops, as
// above): every umount takes a slave off the same master's list, which
// copying the list made quadratic.
func BenchmarkScaleSimulateUmount(b *testing.B) {
	host, err := hosts.Load(platformHosts["default"])
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range simBinds {
		prog, err := interp.Eval(defaultPlus(b, fmt.Sprintf(`
def binds_and_umounts():
    for i in range(%d):
        mkdir("/tmp/b%%d" %% i)
        bind("/usr", "/tmp/b%%d" %% i)
    for i in range(%d):
        umount("/tmp/b%%d" %% i)

binds_and_umounts()
`, n, n)))
		if err != nil {
			b.Fatal(err)
		}
		benchSim(b, prog, host, sim.Options{})
	}
}

// BenchmarkScaleSimulateEndToEnd is what confine simulate does once the
// program is evaluated: load the host fixture, seed the fake kernel from
// it, run and record every op, and render the steps and the snap's
// mountinfo.
func BenchmarkScaleSimulateEndToEnd(b *testing.B) {
	for _, n := range simBinds {
		prog := scaleProgram(b, n)
		b.Run(fmt.Sprintf("ops=%d", len(prog.Ops)), func(b *testing.B) {
			start := processCPU()
			for b.Loop() {
				host, err := hosts.Load(platformHosts["default"])
				if err != nil {
					b.Fatal(err)
				}
				s, err := sim.Run(prog, host, sim.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if s.Err != nil {
					b.Fatal(s.Err)
				}
				_ = s.StepsText()
				if _, err := s.MountInfo(sim.Snap); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
		})
	}
}

// processCPU is the CPU time this process has used, every thread (the
// garbage collector's too) and user and system time together.
func processCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ms/op, the CPU time since start per iteration: on a
// machine that others load, wall time mostly measures them.
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
