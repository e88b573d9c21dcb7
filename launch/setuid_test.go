package launch_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/nstest"
)

// TestLaunchSetuid runs the launcher as a setuid-root copy of the test
// binary, started by an unprivileged user: the command must run as that
// user, with its groups and no capabilities.
func TestLaunchSetuid(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Fatalf("setpriv (util-linux) is needed: %v", err)
	}
	e := newEnv(t)
	bin := filepath.Join(e.area, "confine")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Chmod(bin, 0o4755); err != nil { // os.Chmod wants fs.ModeSetuid
		t.Fatal(err)
	}
	c := e.launchCmd(e.program(), "", "sh", "-c", probe+"; id -G", "sh", e.area)
	c.Args = append([]string{setpriv, "--reuid=65534", "--regid=65534", "--groups=65534,100", "--inh-caps=-all", bin}, c.Args[1:]...)
	c.Path = setpriv
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("setuid launch failed (%v):\n%s", err, out)
	}
	for _, want := range []string{"marker", "Uid:\t65534\t65534\t65534\t65534", "Gid:\t65534\t65534\t65534\t65534",
		"CapEff:\t0000000000000000", "CapPrm:\t0000000000000000", "65534 100\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("setuid launch by nobody: output lacks %q:\n%s", want, out)
		}
	}
	// The caller may not pick another user.
	c = e.launchCmd(e.program(), "root", "true")
	c.Args = append([]string{setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin}, c.Args[1:]...)
	c.Path = setpriv
	out, err = c.CombinedOutput()
	if code := c.ProcessState.ExitCode(); err == nil || code != 2 || !strings.Contains(string(out), "only root may run a command as another user") {
		t.Errorf("--user root from nobody: got exit status %d, want 2 and a refusal:\n%s", code, out)
	}
}
