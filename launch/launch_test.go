package launch_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/nstest"
	"confine/launch"
	"confine/plan"
)

// The test binary doubles as the launcher: with helperEnv set, TestMain
// runs launch.Run or launch.Discard from the command line and exits, so
// that every launch is a process of its own, as in real use.
const helperEnv = "CONFINE_LAUNCH_HELPER"

// helper args: run STATE PROGRAM.json USER SCRATCH SNAP -- CMD…  |  discard STATE SNAP
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "" {
		os.Exit(m.Run())
	}
	args := os.Args[1:]
	var err error
	switch args[0] {
	case "run":
		var prog plan.Program
		data, rerr := os.ReadFile(args[2])
		if rerr == nil {
			rerr = json.Unmarshal(data, &prog)
		}
		if rerr != nil {
			fmt.Fprintln(os.Stderr, rerr)
			os.Exit(2)
		}
		cfg := launch.Config{StateDir: args[1], Program: &prog, User: args[3],
			ScratchPattern: args[4], Snap: args[5], Command: args[7:]}
		if os.Getenv("CONFINE_DEBUG") == "1" {
			cfg.Trace = os.Stderr
		}
		err = launch.Run(cfg)
	case "discard":
		err = launch.Discard(args[2], args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "confine:", err)
		if launch.IsUsage(err) {
			os.Exit(2)
		}
		os.Exit(1)
	}
	os.Exit(0)
}

// env is one test's world: a tmpfs state directory and a tmpfs host area
// holding the scratch directories and the mount points the programs use.
type env struct {
	t     testing.TB
	state string
	area  string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, state: tmpfs(t), area: tmpfs(t)}
	for _, d := range []string{"scratch", "mnt", "hostfs"} {
		if err := os.Mkdir(filepath.Join(e.area, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func tmpfs(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	// Let the unprivileged user of TestLaunchAsUser reach it.
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func at(line int, o plan.Op) plan.Op {
	o.Pos = plan.Pos{File: "test.star", Line: line, Col: 1}
	return o
}

// program is a small bootstrap with the host's own root as the base (as
// the default profile does): it marks the namespace with a tmpfs on
// AREA/mnt, pivots into the rbind of / and cleans up.
func (e *env) program(extra ...plan.Op) *plan.Program {
	hostfs := e.area + "/hostfs"
	ops := []plan.Op{
		at(1, plan.Op{Kind: plan.Bind, Source: "$SCRATCH", Target: "$SCRATCH"}),
		at(2, plan.Op{Kind: plan.MakeUnbindable, Target: "$SCRATCH"}),
		at(3, plan.Op{Kind: plan.Bind, Source: "/", Target: "$SCRATCH", Recursive: true}),
		at(4, plan.Op{Kind: plan.MakeSlave, Target: "$SCRATCH", Recursive: true}),
		at(5, plan.Op{Kind: plan.Mount, FSType: "tmpfs", Source: "none", Target: "$SCRATCH" + e.area + "/mnt", Options: "mode=0755"}),
		at(6, plan.Op{Kind: plan.Mkdir, Target: "$SCRATCH" + e.area + "/mnt/inside", Mode: 0o755}),
		at(7, plan.Op{Kind: plan.Bind, Source: "$SCRATCH" + hostfs, Target: "$SCRATCH" + hostfs}),
		at(8, plan.Op{Kind: plan.MakePrivate, Target: "$SCRATCH" + hostfs}),
		at(9, plan.Op{Kind: plan.Pivot, Target: "$SCRATCH", Source: "$SCRATCH" + hostfs}),
		at(10, plan.Op{Kind: plan.Umount, Target: hostfs + "$SCRATCH", NoFollow: true}),
		at(11, plan.Op{Kind: plan.Rmdir, Target: "$SCRATCH"}),
		at(12, plan.Op{Kind: plan.MakeSlave, Target: hostfs, Recursive: true}),
		at(13, plan.Op{Kind: plan.Umount, Target: hostfs, Lazy: true, NoFollow: true}),
	}
	return &plan.Program{Profile: "test", Facts: []string{"area=" + e.area}, Ops: append(ops, extra...)}
}

// launchCmd builds the command line of one launch.
func (e *env) launchCmd(prog *plan.Program, user string, cmd ...string) *exec.Cmd {
	e.t.Helper()
	data, err := prog.JSON()
	if err != nil {
		e.t.Fatal(err)
	}
	f, err := os.CreateTemp(e.area, "prog*.json")
	if err != nil {
		e.t.Fatal(err)
	}
	f.Write(data)
	f.Close()
	args := append([]string{"run", e.state, f.Name(), user, e.area + "/scratch/snap.rootfs_XXXXXX", "demo", "--"}, cmd...)
	c := exec.Command(os.Args[0], args...)
	c.Env = append(os.Environ(), helperEnv+"=1")
	c.Dir = e.area
	return c
}

// probe is the command the tests run inside: it prints the namespace,
// whether the program's marker is visible, and its credentials.
// The stamp, written on the program's tmpfs by the first command in a
// namespace, identifies the namespace: inode numbers of namespaces are
// reused once one is freed.
const probe = `readlink /proc/self/ns/mnt; test -d "$1/mnt/inside" && echo marker;
s="$1/mnt/inside/stamp"; [ -f "$s" ] || head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$s" 2>/dev/null; echo "stamp=$(cat "$s" 2>/dev/null)"; grep -E '^(Uid|Gid|CapEff|CapPrm):' /proc/self/status; pwd; echo "TMPDIR=$TMPDIR"`

// launch runs one launch of prog and returns its output.
func (e *env) launch(prog *plan.Program, user string) string {
	e.t.Helper()
	c := e.launchCmd(prog, user, "sh", "-c", probe, "sh", e.area)
	out, err := c.CombinedOutput()
	if err != nil {
		e.t.Fatalf("launch failed (%v):\n%s", err, out)
	}
	return string(out)
}

func (e *env) discard() {
	e.t.Helper()
	c := exec.Command(os.Args[0], "discard", e.state, "demo")
	c.Env = append(os.Environ(), helperEnv+"=1")
	if out, err := c.CombinedOutput(); err != nil {
		e.t.Fatalf("discard failed (%v):\n%s", err, out)
	}
}

var nsLine = regexp.MustCompile(`mnt:\[\d+\]`)

var stampLine = regexp.MustCompile(`stamp=[0-9a-f]{16}`)

// nsOf returns the stamp of the namespace a probe ran in.
func nsOf(t *testing.T, out string) string {
	t.Helper()
	ns := stampLine.FindString(out)
	if ns == "" {
		t.Fatalf("no namespace stamp in the output:\n%s", out)
	}
	return ns
}

func threadMounts(t *testing.T) string {
	data, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func withoutLine(table, substr string) string {
	var keep []string
	for _, line := range strings.SplitAfter(table, "\n") {
		if !strings.Contains(line, substr) {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}

func TestLaunchJoinDiscardRebuild(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	e := newEnv(t)
	self, _ := os.Readlink("/proc/self/ns/mnt")
	prog := e.program()
	before := threadMounts(t)

	first := e.launch(prog, "")
	ns1 := nsOf(t, first)
	if strings.Contains(first, self) {
		t.Fatalf("the command ran in the launcher's own namespace %s", self)
	}
	for _, want := range []string{"marker", "Uid:\t0\t0\t0\t0", "TMPDIR=/tmp", e.area + "\n"} {
		if !strings.Contains(first, want) {
			t.Errorf("first launch: output lacks %q:\n%s", want, first)
		}
	}
	if _, err := os.Stat(e.area + "/mnt/inside"); err == nil {
		t.Errorf("the program's tmpfs leaked out of the namespace")
	}
	if left, _ := filepath.Glob(e.area + "/scratch/*"); len(left) != 0 {
		t.Errorf("scratch directories left behind: %v", left)
	}
	if got := nsOf(t, e.launch(prog, "")); got != ns1 {
		t.Errorf("second launch: got namespace %s, want the preserved %s", got, ns1)
	}

	e.discard()
	for _, f := range []string{"ns/demo.mnt", "ns/demo.info"} {
		if _, err := os.Lstat(filepath.Join(e.state, f)); err == nil {
			t.Errorf("after discard, %s is still there", f)
		}
	}
	ns2 := nsOf(t, e.launch(prog, ""))
	if ns2 == ns1 {
		t.Errorf("after discard: got the old namespace %s again, want a new one", ns1)
	}

	// A changed program makes the preserved namespace stale.
	changed := e.program(at(14, plan.Op{Kind: plan.MakePrivate, Target: "/", Recursive: true}))
	ns3 := nsOf(t, e.launch(changed, ""))
	if ns3 == ns2 {
		t.Errorf("changed program: got the stale namespace %s, want a new one", ns2)
	}
	if got := nsOf(t, e.launch(changed, "")); got != ns3 {
		t.Errorf("changed program, second launch: got %s, want %s", got, ns3)
	}
	e.discard()
	after := threadMounts(t)
	if n := strings.Count(after, "/ns/demo.mnt"); n != 0 {
		t.Errorf("after the last discard, %d namespace files are still mounted", n)
	}
	// Discarding the last namespace also takes down the private self-bind
	// of the namespace directory: no trace is left in the mount table.
	if after != before {
		t.Errorf("after the last discard the mount table differs from before the first launch:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestLaunchParallel(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	e := newEnv(t)
	prog := e.program()
	const n = 32
	outs := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		c := e.launchCmd(prog, "", "readlink", "/proc/self/ns/mnt")
		c.Env = append(c.Env, "CONFINE_DEBUG=1")
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := c.CombinedOutput()
			outs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("launch %d failed (%v):\n%s", i, errs[i], outs[i])
			continue
		}
		created += strings.Count(outs[i], "confine: created mount namespace")
		seen[nsLine.FindString(outs[i])]++
	}
	if created != 1 {
		t.Errorf("%d parallel first launches created %d namespaces, want exactly one", n, created)
	}
	if len(seen) != 1 {
		t.Errorf("%d parallel first launches made %d namespaces, want exactly one: %v", n, len(seen), seen)
	}
	if got := strings.Count(threadMounts(t), "/ns/demo.mnt"); got != 1 {
		t.Errorf("%d namespace files mounted, want 1", got)
	}
}

func TestLaunchAsUser(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	e := newEnv(t)
	out := e.launch(e.program(), "nobody")
	for _, want := range []string{"marker", "Uid:\t65534\t65534\t65534\t65534", "CapEff:\t0000000000000000", "CapPrm:\t0000000000000000"} {
		if !strings.Contains(out, want) {
			t.Errorf("as nobody: output lacks %q:\n%s", want, out)
		}
	}
}
