// Package nstest runs tests that mount inside a throwaway mount namespace.
//
// A test that calls mount(2) must never touch the host's mount table. The
// safest way to guarantee that in Go, where goroutines hop between OS
// threads and unshare(2) acts on one thread only, is to put the whole
// process in a new namespace: Reexec runs the test binary again under
// unshare(1) --mount --propagation private, for this one test, and reports
// the child's result. Inside the child, Reexec returns false and the test
// body runs as root in its private namespace.
//
// Around the child, Reexec compares the host's /proc/self/mountinfo before
// and after, and fails the test if anything changed.
package nstest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// envInside marks the re-executed child.
const envInside = "CONFINE_NSTEST_INSIDE"

// Inside reports whether this process is the re-executed child, running in
// its own mount namespace.
func Inside() bool { return os.Getenv(envInside) == "1" }

// Reexec makes sure the calling test runs as root in a throwaway mount
// namespace. Call it first and return when it returns true:
//
//	func TestMounts(t *testing.T) {
//		if nstest.Reexec(t) {
//			return
//		}
//		// root, in a private mount namespace
//	}
//
// Outside, it skips the test when the process lacks root (saying why; under
// CI=true it fails instead, since CI runs as root and must run these tests),
// re-runs the test binary for this test only inside unshare(1), fails if the
// child fails, and checks that the host's mount table is unchanged. Inside,
// it returns false.
func Reexec(t *testing.T) bool {
	t.Helper()
	if Inside() {
		return false
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("this test mounts and needs root (CAP_SYS_ADMIN); CI must run it as root")
		}
		t.Skip("skipped: this test mounts and needs root (CAP_SYS_ADMIN) to make a throwaway mount namespace")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Fatalf("unshare(1) from util-linux is needed to run mount tests: %v", err)
	}
	before, err := HostMounts()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--mount", "--propagation", "private", "--", os.Args[0],
		"-test.run", runPattern(t.Name()), "-test.count=1"}
	if testing.Verbose() {
		args = append(args, "-test.v")
	}
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(os.Environ(), envInside+"=1")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	runErr := cmd.Run()
	text := out.String()
	if runErr != nil {
		t.Errorf("test in a throwaway mount namespace failed (%v):\n%s", runErr, text)
	} else if testing.Verbose() {
		t.Logf("child output:\n%s", text)
	}
	if strings.Contains(text, "no tests to run") {
		t.Errorf("the re-executed test binary ran no test for pattern %s", runPattern(t.Name()))
	}
	after, err := HostMounts()
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("the host's mount table changed during the test:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	return true
}

// runPattern turns a test name (with subtests) into a -test.run pattern
// that matches exactly that test.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// HostMounts returns the calling process's mountinfo with the fields that
// identify mounts (mount id, parent, device, root, mount point, options,
// optional fields, type, source), one line per mount. Two calls give equal
// strings exactly when the table did not change.
func HostMounts() (string, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", fmt.Errorf("cannot read the host's mount table: %w", err)
	}
	return string(data), nil
}
