package kerneltest_test

import (
	"os"
	"strconv"
	"testing"

	"confine/internal/nstest"
	"confine/kernel/kerneltest"
)

// TestDifferential compares the fake with the real kernel on random
// sequences: 200 sequences of 15 steps, the same every run (a few
// seconds). CONFINE_DIFF_SEED, CONFINE_DIFF_SEQUENCES and CONFINE_DIFF_OPS
// explore further.
func TestDifferential(t *testing.T) {
	// The options are read before Reexec so that go test's cache, which
	// keys on the variables this process reads, sees them.
	opts := kerneltest.DiffOptions{Seed: 1, Sequences: 200, Ops: 15}
	if testing.Short() {
		opts.Sequences = 20
	}
	if v, err := strconv.ParseUint(os.Getenv("CONFINE_DIFF_SEED"), 10, 64); err == nil {
		opts.Seed = v
	}
	if v, err := strconv.Atoi(os.Getenv("CONFINE_DIFF_SEQUENCES")); err == nil {
		opts.Sequences = v
	}
	if v, err := strconv.Atoi(os.Getenv("CONFINE_DIFF_OPS")); err == nil {
		opts.Ops = v
	}
	if nstest.Reexec(t) {
		return
	}
	kerneltest.Differential(t, opts, newLinuxEnv, newFakeEnv)
}
