package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/nstest"
	"confine/launch"
	"confine/plan"
)

// TestConfineHelper is not a test: the launch tests below re-run the test
// binary through it as the confine command, since a successful
// confine run replaces its process with the snap's command.
func TestConfineHelper(t *testing.T) {
	if os.Getenv("CONFINE_CLI_HELPER") != "1" {
		t.Skip("helper process for TestRunDefaultProfile")
	}
	args := strings.Split(os.Getenv("CONFINE_CLI_ARGS"), "\x1f")
	os.Exit(Main(args, os.Stdout, os.Stderr))
}

// confine runs the command line in a process of its own. The test binary
// is reached through /proc/self/exe, since /tmp, where it lives, is covered
// by a tmpfs in the test's namespace.
func confine(t *testing.T, args ...string) (string, int) {
	t.Helper()
	c := exec.Command("/proc/self/exe", "-test.run=^TestConfineHelper$")
	c.Env = append(os.Environ(), "CONFINE_CLI_HELPER=1", "CONFINE_CLI_ARGS="+strings.Join(args, "\x1f"))
	out, err := c.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	return string(out), c.ProcessState.ExitCode()
}

// TestRunDefaultProfile is the README's first command, confine run demo --
// findmnt, with the profile chosen from this machine's facts, in a
// throwaway namespace whose /run, /tmp and /var/lib are fresh tmpfs
// mounts: the default profile creates /var/lib/snapd/hostfs and the
// private /tmp on the host side, and none of it may reach this machine.
func TestRunDefaultProfile(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	for _, dir := range []string{"/run", "/tmp", "/var/lib"} {
		if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := exec.LookPath("findmnt"); err != nil {
		t.Fatalf("findmnt (util-linux) is needed: %v", err)
	}
	out, code := confine(t, "run", "demo", "--", "findmnt")
	if code != 0 || !strings.Contains(out, "/var/lib/snapd/hostfs") {
		t.Fatalf("confine run demo -- findmnt: exit status %d, want 0 and the snap's table:\n%s", code, out)
	}
	first, _ := confine(t, "run", "demo", "--", "readlink", "/proc/self/ns/mnt")
	second, code := confine(t, "run", "demo", "--", "readlink", "/proc/self/ns/mnt")
	if code != 0 || first != second || !strings.HasPrefix(first, "mnt:[") {
		t.Errorf("two launches: got %q and %q (exit %d), want the same namespace", first, second, code)
	}
	if _, code := confine(t, "run", "demo", "--", "sh", "-c", "exit 7"); code != 7 {
		t.Errorf("the command's own exit status: got %d, want 7", code)
	}
	if out, code := confine(t, "discard", "demo"); code != 0 {
		t.Errorf("confine discard demo: exit status %d:\n%s", code, out)
	}
	if _, err := os.Lstat("/run/confine/ns/demo.mnt"); err == nil {
		t.Errorf("confine discard left /run/confine/ns/demo.mnt")
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "missing SNAP"},
		{[]string{"run", "demo"}, "missing CMD"},
		{[]string{"run", "demo", "--"}, "missing CMD"},
		{[]string{"discard"}, "usage: confine discard SNAP"},
		{[]string{"discard", "a", "b"}, "usage: confine discard SNAP"},
		{[]string{"discard", "../etc"}, `invalid snap name "../etc"`},
		{[]string{"run", "../etc", "--", "true"}, `invalid snap name "../etc"`},
	}
	for _, tt := range tests {
		var stdout, stderr strings.Builder
		if got := Main(tt.args, &stdout, &stderr); got != ExitUsage {
			t.Errorf("confine %s: got exit status %d, want %d", strings.Join(tt.args, " "), got, ExitUsage)
		}
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("confine %s: got %q, want it to say %q", strings.Join(tt.args, " "), stderr.String(), tt.want)
		}
	}
}

// TestRunUsesProgramCache: the first launch caches its program under the
// state directory; a later launch with the same inputs executes the
// cached program without evaluating (shown by planting an entry whose one
// op leaves a mark), and other facts miss.
func TestRunUsesProgramCache(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	for _, dir := range []string{"/run", "/tmp", "/var/lib"} {
		if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
			t.Fatal(err)
		}
	}
	if out, code := confine(t, "run", "warm", "--", "true"); code != 0 {
		t.Fatalf("confine run warm -- true: exit status %d:\n%s", code, out)
	}
	pf := ProfileFlags{FactsRoot: "/", Snap: "warm"}
	f, err := pf.Facts()
	if err != nil {
		t.Fatal(err)
	}
	key, ok := programKey(SelectProfile(f), f)
	if !ok {
		t.Fatal("programKey: cannot identify the binary")
	}
	cached, hit := launch.LoadProgram("", key)
	if !hit {
		t.Fatalf("after a launch: no cache entry for its inputs")
	}
	want, err := pf.ProgramWith(f)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cached.Text(), want.Text(); got != want {
		t.Errorf("cached program:\n%s\nwant the evaluated one:\n%s", got, want)
	}
	f.SnapName = "other"
	if otherKey, _ := programKey(SelectProfile(f), f); otherKey == key {
		t.Errorf("another snap's facts give the same key %s", key)
	}

	pf.Snap = "planted"
	f, _ = pf.Facts()
	key, _ = programKey(SelectProfile(f), f)
	planted := &plan.Program{Profile: "planted", Ops: []plan.Op{{Kind: plan.Mkdir, Target: "/run/planted-op-ran", Mode: 0o755}}}
	if err := launch.StoreProgram("", key, planted); err != nil {
		t.Fatal(err)
	}
	if out, code := confine(t, "run", "planted", "--", "true"); code != 0 {
		t.Fatalf("confine run planted -- true: exit status %d:\n%s", code, out)
	}
	if _, err := os.Stat("/run/planted-op-ran"); err != nil {
		t.Errorf("the cached program did not run: %v", err)
	}
}

// TestProgramKeyInputs: the cache key of a profile PATH changes with the
// profile, any .star file beside it (what load() can reach) and the facts,
// and not with files load() cannot reach.
func TestProgramKeyInputs(t *testing.T) {
	dir := t.TempDir()
	profile := filepath.Join(dir, "p.star")
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("p.star", `load("lib.star", "x")`+"\n")
	write("lib.star", "x = 1\n")
	facts := map[string]string{"snap_name": "a"}
	key := func() string {
		t.Helper()
		k, ok := programKey(profile, facts)
		if !ok {
			t.Fatal("programKey: got no key")
		}
		return k
	}
	base := key()
	steps := []struct {
		name   string
		change func()
		differ bool
	}{
		{"nothing", func() {}, false},
		{"a text file beside it", func() { write("notes.txt", "hello") }, false},
		{"a module in a subdirectory", func() { write("sub/y.star", "y = 2\n") }, false},
		{"the loaded module", func() { write("lib.star", "x = 2\n") }, true},
		{"the profile", func() { write("p.star", `load("lib.star", "x")`+"\n# edited\n") }, true},
		{"a new sibling module", func() { write("other.star", "z = 3\n") }, true},
		{"the facts", func() { facts["snap_name"] = "b" }, true},
	}
	for _, s := range steps {
		s.change()
		got := key()
		if (got != base) != s.differ {
			t.Errorf("after changing %s: key changed = %t, want %t", s.name, got != base, s.differ)
		}
		base = got
	}
	if k, _ := programKey("default", facts); k == base {
		t.Errorf("a shipped profile and a path share the key %s", k)
	}
}
