package kerneltest_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"confine/internal/nstest"
	"confine/kernel/kerneltest"
)

// FuzzFakeInvariants runs random scripts on the fake and checks the
// invariants every kernel keeps. The seed corpus runs in every go test.
func FuzzFakeInvariants(f *testing.F) {
	for seed := uint64(1); seed <= 50; seed++ {
		f.Add(seed, uint8(20))
	}
	f.Fuzz(func(t *testing.T, seed uint64, ops uint8) {
		kerneltest.Invariants(t, newFakeEnv(t), kerneltest.RandomScript(seed, int(ops%40)))
	})
}

// TestLinuxInvariants checks the invariants themselves on the real
// kernel: an invariant the kernel breaks is a wrong invariant.
func TestLinuxInvariants(t *testing.T) {
	n := uint64(50)
	if v, err := strconv.ParseUint(os.Getenv("CONFINE_INVARIANT_SEEDS"), 10, 64); err == nil {
		n = v
	}
	if nstest.Reexec(t) {
		return
	}
	for seed := uint64(1); seed <= n; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			kerneltest.Invariants(t, newLinuxEnv(t), kerneltest.RandomScript(seed, 20))
		})
	}
}
