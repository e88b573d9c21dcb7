package shippedtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/executor/executortest"
	"confine/hosts"
	"confine/internal/nstest"
	"confine/kernel/fake"
	"confine/kernel/linux"
	"confine/mountinfo"
	"confine/plan"
	"confine/profiles"
	"confine/sim"
	"confine/stdlib"
)

// fakeWorld is a fake kernel seeded from a host fixture the way sim seeds
// it (each mount's files from the host's tree at its mount point, under
// a copy-on-write layer of this world's own), with the host's process
// and one unshared for the snap. sim.Run builds the same world but
// cannot have a fault injected before it runs the program.
type fakeWorld struct {
	kernel     *fake.Kernel
	host, snap *fake.Proc
	tree       afero.Fs
}

func newFakeWorld(t *testing.T, h *hosts.Host) *fakeWorld {
	t.Helper()
	tree := afero.NewCopyOnWriteFs(afero.NewReadOnlyFs(h.Files), afero.NewMemMapFs())
	files := func(e mountinfo.Entry) afero.Fs {
		if h.Live() && (e.FSType == "proc" || e.FSType == "sysfs") {
			// As sim does, a live pseudo filesystem's tree is never read;
			// the hosts built here mount nothing below proc or sysfs.
			return afero.NewMemMapFs()
		}
		return afero.NewBasePathFs(tree, e.Point)
	}
	k, err := fake.FromMountinfo(h.Mounts, fake.WithFiles(files))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := k.Init().Unshare()
	if err != nil {
		t.Fatal(err)
	}
	snap.Umask(0) // as sim does: kernel/linux's mkdir gives exactly the mode asked for
	return &fakeWorld{kernel: k, host: k.Init(), snap: snap, tree: tree}
}

// listing renders everything below dirs in the world's file tree (as the
// host's mounts see it), one path a line.
func (w *fakeWorld) listing(dirs ...string) string {
	var b strings.Builder
	for _, d := range dirs {
		afero.Walk(w.tree, d, func(p string, fi os.FileInfo, err error) error {
			if err == nil {
				fmt.Fprintf(&b, "%s %v\n", p, fi.Mode())
			}
			return nil
		})
	}
	return b.String()
}

// checkOpError requires err to be the failure of op k of prog with EIO,
// naming the op and its profile line.
func checkOpError(t *testing.T, prog *plan.Program, k int, err error) *executor.OpError {
	t.Helper()
	var opErr *executor.OpError
	if !errors.As(err, &opErr) {
		t.Fatalf("op %d failing: got %v, want an *executor.OpError", k, err)
	}
	op := prog.Ops[k]
	if opErr.Index != k || opErr.Errno != unix.EIO {
		t.Fatalf("op %d failing (%s): got op %d with %v (%v), want op %d with EIO", k, op, opErr.Index, opErr.Errno, err, k)
	}
	if opErr.Where != op.Where() || !strings.HasPrefix(op.Where(), "classic.star:") {
		t.Errorf("op %d failing: got the error at %q, want %q (a line of classic.star)", k, opErr.Where, op.Where())
	}
	if msg := err.Error(); !strings.Contains(msg, opErr.Command) || !strings.Contains(msg, op.Where()) || !strings.Contains(msg, "Input/output error") {
		t.Errorf("op %d failing: got message %q, want it to name %q, %q and the errno", k, msg, opErr.Command, op.Where())
	}
	return opErr
}

// TestClassicFakeFaultEveryOp fails each op of the classic program in
// turn on the fake kernel seeded from the ubuntu-classic fixture: each
// failure is an *OpError naming the op and its classic.star line, the
// host's table is as it was, and nothing is left in the host's /tmp nor
// anywhere else the program creates directories.
func TestClassicFakeFaultEveryOp(t *testing.T) {
	h, err := hosts.Load("ubuntu-classic")
	if err != nil {
		t.Fatal(err)
	}
	prog, err := sim.Evaluate(sim.Profile{FS: profiles.FS, File: "classic.star", Name: "classic"}, stdlib.FS, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	clean := newFakeWorld(t, h)
	// Where the classic program makes directories on the host's side:
	// the scratch and private /tmp directories, /run/netns, /media and
	// the hostfs directory.
	watched := []string{"/tmp", "/run", "/media", "/var/lib/snapd"}
	before, _ := clean.host.MountInfo()
	filesBefore := clean.listing(watched...)
	res, err := executor.Execute(prog, clean.snap, executor.Options{})
	if err != nil {
		t.Fatalf("with no fault: %v", err)
	}
	skipped := map[int]bool{}
	for _, i := range res.Skipped {
		skipped[i] = true
	}

	// bindTmp is the op that binds the private /tmp over /tmp.
	bindTmp := -1
	for k, op := range prog.Ops {
		if op.Kind == plan.Bind && op.Target == "/tmp" {
			bindTmp = k
		}
	}
	tried := 0
	for k := range prog.Ops {
		if skipped[k] {
			continue // an op that makes no call cannot fail
		}
		tried++
		t.Run(fmt.Sprintf("op%03d", k), func(t *testing.T) {
			w := newFakeWorld(t, h)
			f := &opFault{target: k}
			w.kernel.InjectFault(func(call string) bool { return mutating(call) && f.fire() }, unix.EIO)
			_, err := executor.Execute(prog, w.snap, executor.Options{Trace: f})
			opErr := checkOpError(t, prog, k, err)
			removeLeftovers(t, w, opErr)
			if after, _ := w.host.MountInfo(); string(after) != string(before) {
				t.Errorf("op %d failing (%s): the host's table changed:\nbefore:\n%s\nafter:\n%s", k, opErr.Command, before, after)
			}
			if err := w.kernel.Check(); err != nil {
				t.Errorf("op %d failing (%s): the fake's invariants: %v", k, opErr.Command, err)
			}
			files := w.listing(watched...)
			if files == filesBefore {
				return
			}
			if k > bindTmp && withoutPrivateTmp(files) == filesBefore {
				t.Skip("known fake divergence: after the private /tmp is bound over /tmp, a failure leaves " +
					"/tmp/snap-private-tmp/snap.demo/tmp on the fake's host, while the real kernel's undo removes it " +
					"(TestClassicRealFaultSample): the fake's Resolve returns a path, not a held descriptor, so the " +
					"executor's rmdir through the parent resolves /tmp/snap-private-tmp again inside the bind and gets ENOENT")
			}
			t.Errorf("op %d failing (%s): the host's files changed:\nbefore:\n%s\nafter:\n%s", k, opErr.Command, filesBefore, files)
		})
	}
	if tried < 100 {
		t.Errorf("failed %d ops of %d, want the whole classic program (100 or more ops)", tried, len(prog.Ops))
	}
	t.Logf("failed each of %d ops in turn (%d optional ops skipped on this host)", tried, len(skipped))
}

// sampleOps picks the ops the real-kernel fault test fails: every tenth,
// the pivot_root and the two after it, and the last five.
func sampleOps(prog *plan.Program) []int {
	set := map[int]bool{}
	n := len(prog.Ops)
	for k := 0; k < n; k += 10 {
		set[k] = true
	}
	for k, op := range prog.Ops {
		if op.Kind == plan.Pivot {
			for j := k; j < k+3 && j < n; j++ {
				set[j] = true
			}
		}
	}
	for k := max(0, n-5); k < n; k++ {
		set[k] = true
	}
	var out []int
	for k := range set {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// realListing renders everything below dirs on this namespace's files.
func realListing(dirs ...string) string {
	var b strings.Builder
	for _, d := range dirs {
		filepath.Walk(d, func(p string, fi os.FileInfo, err error) error {
			if err == nil {
				fmt.Fprintf(&b, "%s %v\n", p, fi.Mode())
			}
			return nil
		})
	}
	return b.String()
}

// TestClassicRealFaultSample fails a sample of the classic program's ops
// on the real kernel, on the classic host built in this throwaway
// namespace (without /media and /run/netns, so that the program creates
// them): the host's table is unchanged, and nothing is left in /tmp, /run
// or where the program created directories, once the leftovers the
// executor reports are removed from here as the launcher does.
func TestClassicRealFaultSample(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	p := ubuntuClassic
	p.dirs = nil
	becomeHost(t, p)
	prog := evalOnHost(t, "classic")
	watched := []string{"/tmp", "/run", "/media", "/var/lib/snapd"}
	before, err := executortest.ThreadTable()
	if err != nil {
		t.Fatal(err)
	}
	filesBefore := realListing(watched...)
	top := topLevel(t)
	if strings.Contains(top, "media ") {
		t.Fatalf("the host has /media already; want the program to create it")
	}
	// The same failures on the fake, seeded from this host: the same op
	// fails, and the host's files end up the same.
	live, err := hosts.Load(hosts.Live)
	if err != nil {
		t.Fatal(err)
	}
	bindTmp := -1
	for k, op := range prog.Ops {
		if op.Kind == plan.Bind && op.Target == "/tmp" {
			bindTmp = k
		}
	}
	for _, k := range sampleOps(prog) {
		w := newFakeWorld(t, live)
		ff := &opFault{target: k}
		w.kernel.InjectFault(func(call string) bool { return mutating(call) && ff.fire() }, unix.EIO)
		_, fakeErr := executor.Execute(prog, w.snap, executor.Options{Trace: ff})
		fakeOpErr := checkOpError(t, prog, k, fakeErr)
		removeLeftovers(t, w, fakeOpErr)
		fakeFiles := w.listing(watched...)

		f := &opFault{target: k}
		snap, err := executortest.StartSnap(prog, faulty{Syscalls: linux.Linux{}, f: f}, f)
		snap.Close()
		opErr := checkOpError(t, prog, k, err)
		if got, want := derandomized(fakeOpErr.Error()), derandomized(opErr.Error()); got != want {
			t.Errorf("op %d failing: the fake says %q, the kernel %q", k, got, want)
		}
		for _, dir := range opErr.Leftovers {
			if err := os.Remove(dir); err != nil {
				t.Errorf("op %d failing (%s): leftover %s: %v", k, opErr.Command, dir, err)
			}
		}
		after, err := executortest.ThreadTable()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := mountinfo.Format(after), mountinfo.Format(before); got != want {
			t.Fatalf("op %d failing (%s): the host's table changed:\nbefore:\n%s\nafter:\n%s", k, opErr.Command, want, got)
		}
		files := realListing(watched...)
		if files != filesBefore {
			t.Fatalf("op %d failing (%s): files changed:\nbefore:\n%s\nafter:\n%s", k, opErr.Command, filesBefore, files)
		}
		if fakeFiles != files && !(k > bindTmp && withoutPrivateTmp(fakeFiles) == files) {
			// The exception is the known divergence of
			// TestClassicFakeFaultEveryOp.
			t.Errorf("op %d failing (%s): the fake leaves the host's files as\n%s\nthe kernel as\n%s", k, opErr.Command, fakeFiles, files)
		}
		if got := topLevel(t); got != top {
			t.Fatalf("op %d failing (%s): the host's top level changed:\nbefore:\n%s\nafter:\n%s", k, opErr.Command, top, got)
		}
	}
}

// topLevel renders the entries of this namespace's "/".
func topLevel(t *testing.T) string {
	t.Helper()
	des, err := os.ReadDir("/")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, de := range des {
		fmt.Fprintf(&b, "%s %v\n", de.Name(), de.Type())
	}
	return b.String()
}

// withoutPrivateTmp drops the lines of a listing under the private /tmp.
func withoutPrivateTmp(listing string) string {
	var rest strings.Builder
	for _, l := range strings.SplitAfter(listing, "\n") {
		if !strings.HasPrefix(l, "/tmp/snap-private-tmp") {
			rest.WriteString(l)
		}
	}
	return rest.String()
}

// derandomized replaces the scratch directory's mkdtemp suffix, which
// differs between the fake and the kernel.
func derandomized(msg string) string {
	return mkdtempSuffix.ReplaceAllString(msg, "_XXXXXX")
}

var mkdtempSuffix = regexp.MustCompile(`_[A-Za-z0-9]{6}\b`)

// removeLeftovers removes the directories a failed execution could not,
// from the fake host's namespace, as the launcher does from the original
// namespace (executor.OpError.Leftovers).
func removeLeftovers(t *testing.T, w *fakeWorld, opErr *executor.OpError) {
	t.Helper()
	for _, dir := range opErr.Leftovers {
		if err := w.host.Rmdir(dir); err != nil {
			t.Errorf("op %d failing (%s): leftover %s on the fake: %v", opErr.Index, opErr.Command, dir, err)
		}
	}
}
