package executor_test

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/executor/executortest"
	"confine/internal/nstest"
	"confine/kernel/linux"
	"confine/plan"
)

// BenchmarkExecuteReal measures the executor on the real kernel: the
// bootstrap (pivot into a base) plus N read-only binds after the pivot,
// each a mkdir, a bind and a remount as in bench/compare.sh's scale
// points. Each iteration runs in a fresh namespace on a fresh thread, so
// the per-bind cost is the difference between two sizes divided by the
// extra binds (reported as us/bind on the largest size). It mounts, so
// it runs only as root inside a throwaway namespace:
//
//	unshare -m --propagation private env CONFINE_NSTEST_INSIDE=1 \
//		go test -run '^$' -bench ExecuteReal -benchmem ./executor
func BenchmarkExecuteReal(b *testing.B) {
	if !nstest.Inside() || os.Geteuid() != 0 {
		b.Skip("needs root inside a throwaway namespace (see the comment above)")
	}
	hostArea(b)
	var base, baseCPU float64
	for _, n := range []int{0, 200} {
		b.Run(fmt.Sprintf("binds=%d", n), func(b *testing.B) {
			var cpu int64
			for i := 0; b.Loop(); i++ {
				prog := withBinds(bootstrap(), fmt.Sprintf("/tmp/r%d-%d", n, i), n)
				err := executortest.InNamespace(func() error {
					start := threadCPU()
					_, err := executor.Execute(prog, linux.Linux{}, executor.Options{})
					cpu += threadCPU() - start
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			// The CPU time of Execute's thread is steadier than wall time
			// on a busy machine (it does not count waiting for a CPU), and
			// it leaves out the namespace's teardown when the thread ends,
			// which wall time partly counts and a launch never pays.
			perRun := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			perRunCPU := float64(cpu) / float64(b.N)
			b.ReportMetric(perRunCPU/1000, "cpu-us/op")
			if n == 0 {
				base, baseCPU = perRun, perRunCPU
			} else if base > 0 {
				b.ReportMetric((perRun-base)/float64(n)/1000, "us/bind")
				b.ReportMetric((perRunCPU-baseCPU)/float64(n)/1000, "cpu-us/bind")
			}
		})
	}
}

// threadCPU is the user and system time of the calling thread, in ns.
func threadCPU() int64 {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_THREAD, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// withBinds appends n read-only binds of /etc under dir (made first) to a
// program that has pivoted into a base.
func withBinds(prog *plan.Program, dir string, n int) *plan.Program {
	mkdir := func(p string, line int) plan.Op {
		o := op(plan.Mkdir, "", p, line)
		o.Mode = 0o755
		return o
	}
	prog.Ops = append(prog.Ops, mkdir(dir, 20))
	for j := range n {
		d := fmt.Sprintf("%s/b%d", dir, j)
		ro := op(plan.Remount, "", d, 23)
		ro.Options = "ro"
		prog.Ops = append(prog.Ops, mkdir(d, 21), op(plan.Bind, "/etc", d, 22), ro)
	}
	return prog
}
