package sim

import (
	"os"
	"testing"
)

// TestMain checks the fake kernel's tracker against a full read of the
// snap's table after every op of every simulation these tests run: the
// steps are recorded from the tracker's changes, so a change the kernel
// failed to note would show here rather than as a silently missing step.
func TestMain(m *testing.M) {
	verifyTracker = true
	os.Exit(m.Run())
}
