package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/nstest"
)

// build compiles package pkg of this module to dir/name, statically, as
// the README installs it.
func build(t *testing.T, pkg, dir, name string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build %s: %v", pkg, err)
	}
	cmd := exec.Command(goTool, "build", "-o", filepath.Join(dir, name), pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
}

// TestLaunchWithEvaluatorBeside installs confine-launch and confine side
// by side, as root's, and launches through the lean binary in a throwaway
// namespace whose /run, /tmp and /var/lib are fresh: the first launch has
// confine evaluate the profile, a profile error comes out once with its
// position and status 2, a launcher without a trusted confine beside it
// refuses to launch, saying why, and a setuid launcher started by nobody
// runs the command as nobody.
func TestLaunchWithEvaluatorBeside(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	// Everything the test writes goes to tmpfs mounts of this namespace:
	// a t.TempDir() in /tmp would be left behind on the host's disk, its
	// clean-up running after /tmp is covered.
	if err := unix.Mount("tmpfs", "/run", "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatal(err)
	}
	built := "/run/built"
	build(t, "confine/cmd/confine-launch", built, "confine-launch")
	build(t, "confine/cmd/confine", built, "confine")
	install := func(dir string, names ...string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			data, err := os.ReadFile(filepath.Join(built, name))
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, name), data, 0o755)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	install("/run/bin", "confine-launch", "confine")
	install("/run/lone", "confine-launch")
	install("/run/spoilt", "confine-launch", "confine")
	if err := os.Chmod("/run/spoilt/confine", 0o777); err != nil {
		t.Fatal(err)
	}
	bad := "/run/bad.star"
	if err := os.WriteFile(bad, []byte("mkdir(\"/a\")\nbind(\"relative\", \"/b\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"/tmp", "/var/lib"} {
		if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
			t.Fatal(err)
		}
	}
	run := func(bin string, args ...string) (string, int) {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatal(err)
		}
		code := 0
		if err != nil {
			code = err.(*exec.ExitError).ExitCode()
		}
		return string(out), code
	}

	if out, code := run("/run/bin/confine-launch", "run", "--profile", "default", "lean", "--", "echo", "launched"); code != 0 || out != "launched\n" {
		t.Fatalf("confine-launch run: exit status %d, output %q, want 0 and %q", code, out, "launched\n")
	}
	entries, err := os.ReadDir("/run/confine/cache")
	if err != nil || len(entries) != 1 {
		t.Errorf("after the first launch: cache entries %v (%v), want one", entries, err)
	}
	if out, code := run("/run/bin/confine-launch", "run", "--profile", "default", "lean", "--", "echo", "again"); code != 0 || out != "again\n" {
		t.Errorf("warm confine-launch run: exit status %d, output %q", code, out)
	}

	out, code := run("/run/bin/confine-launch", "run", "--profile", bad, "bad", "--", "true")
	if code != 2 || !strings.Contains(out, "bad.star:2:") || !strings.Contains(out, "bind") || strings.Count(out, "confine: ") != 1 {
		t.Errorf("profile error: exit status %d, output:\n%s\nwant status 2 and one error naming bad.star:2 and bind", code, out)
	}
	out, code = run("/run/lone/confine-launch", "run", "--profile", "default", "lone", "--", "true")
	if code == 0 || !strings.Contains(out, "/run/lone/confine is missing") {
		t.Errorf("no evaluator beside the launcher: exit status %d, output:\n%s", code, out)
	}
	out, code = run("/run/spoilt/confine-launch", "run", "--profile", "default", "spoilt", "--", "true")
	if code == 0 || !strings.Contains(out, "writable by group or others") {
		t.Errorf("a world-writable evaluator: exit status %d, output:\n%s", code, out)
	}
	// Installed setuid root and started by nobody, as in production: the
	// evaluator beside it evaluates (as root: nobody could otherwise
	// tamper with the program), and the command runs as nobody with no
	// capabilities.
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Fatalf("setpriv (util-linux) is needed: %v", err)
	}
	if err := unix.Chmod("/run/bin/confine-launch", 0o4755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
		"/run/bin/confine-launch", "run", "--profile", "default", "setuid", "--", "sh", "-c", "id -u; grep CapEff /proc/self/status")
	cmd.Dir = "/"
	setuidOut, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(setuidOut), "65534\n") || !strings.Contains(string(setuidOut), "CapEff:\t0000000000000000") {
		t.Errorf("setuid confine-launch started by nobody: %v, output:\n%s\nwant uid 65534 and no capabilities", err, setuidOut)
	}
	// What it created in root's state directory is root's group too, not
	// the caller's effective one.
	for _, p := range []string{"/run/confine/cache", "/run/confine/lock/setuid.lock", "/run/confine/ns/setuid.info"} {
		var st unix.Stat_t
		if err := unix.Stat(p, &st); err != nil || st.Uid != 0 || st.Gid != 0 {
			t.Errorf("after the setuid launch: %s: %v, owner %d:%d, want 0:0", p, err, st.Uid, st.Gid)
		}
	}
	if err := unix.Chmod("/run/bin/confine-launch", 0o755); err != nil {
		t.Fatal(err)
	}

	for _, snap := range []string{"lean", "bad", "lone", "spoilt", "setuid"} {
		if out, code := run("/run/bin/confine-launch", "discard", snap); code != 0 {
			t.Errorf("confine-launch discard %s: exit status %d:\n%s", snap, code, out)
		}
	}
}
