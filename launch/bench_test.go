package launch_test

import (
	"os"
	"testing"

	"confine/internal/nstest"
)

// The launch benchmarks start a launcher process per iteration, so they
// measure what an app start costs: process start, lock, join or create,
// exec of true. They mount, so they run only inside a throwaway
// namespace, as root:
//
//	unshare -m --propagation private env CONFINE_NSTEST_INSIDE=1 \
//		go test -run '^$' -bench Launch ./launch
func benchEnv(b *testing.B) *env {
	if !nstest.Inside() || os.Geteuid() != 0 {
		b.Skip("needs root inside a throwaway namespace (see the comment above)")
	}
	return newEnv(b)
}

func BenchmarkLaunchJoin(b *testing.B) {
	e := benchEnv(b)
	prog := e.program()
	if out, err := e.launchCmd(prog, "", "true").CombinedOutput(); err != nil {
		b.Fatalf("%v:\n%s", err, out)
	}
	for b.Loop() {
		if out, err := e.launchCmd(prog, "", "true").CombinedOutput(); err != nil {
			b.Fatalf("%v:\n%s", err, out)
		}
	}
}

func BenchmarkLaunchCreate(b *testing.B) {
	e := benchEnv(b)
	for i := 0; b.Loop(); i++ {
		// A different program each time makes the preserved one stale.
		prog := e.program()
		prog.Facts = append(prog.Facts, "iteration="+string(rune('a'+i%26))+string(rune('a'+i/26%26)))
		if out, err := e.launchCmd(prog, "", "true").CombinedOutput(); err != nil {
			b.Fatalf("%v:\n%s", err, out)
		}
	}
}
