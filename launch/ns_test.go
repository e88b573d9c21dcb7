package launch

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/nstest"
)

// tmpfsDir returns a temporary directory with a tmpfs mounted on it,
// unmounted again before the directory is removed.
func tmpfsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

// preserveOnce makes a namespace on a fresh thread, the way create does,
// preserves it at dst and discards it again.
func preserveOnce(o *origin, dst string, cpu int) error {
	errs := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with its namespace
		// Start on a chosen CPU, as the PR's reproduction does, so that
		// ids come from different per-CPU batches.
		var one unix.CPUSet
		one.Set(cpu)
		unix.SchedSetaffinity(0, &one)
		var all unix.CPUSet
		for i := 0; i < runtime.NumCPU(); i++ {
			all.Set(i)
		}
		unix.SchedSetaffinity(0, &all)
		fd, err := unshareOrdered(o.id)
		if err != nil {
			errs <- err
			return
		}
		defer unix.Close(fd)
		if err := capture(o, fd, dst); err != nil {
			errs <- err
			return
		}
		errs <- o.do(fd, func() error {
			if err := unix.Unmount(dst, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil {
				return err
			}
			return os.Remove(dst)
		})
	}()
	return <-errs
}

// TestPreserve500 preserves 500 namespaces in a row, each started on a
// different CPU than the last; on 6.18.y without the ordering workaround
// some of these captures fail with EINVAL.
func TestPreserve500(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	dir := tmpfsDir(t)
	if err := unix.Mount("none", dir, "", unix.MS_PRIVATE, ""); err != nil {
		t.Fatal(err)
	}
	o := lockedOrigin(t)
	before := reorders.Load()
	dst := filepath.Join(dir, "snap.mnt")
	for i := range 500 {
		if err := preserveOnce(o, dst, i%runtime.NumCPU()); err != nil {
			t.Fatalf("preserve %d: %v", i, err)
		}
	}
	t.Logf("500 namespaces preserved; %d came out of order and were made again", reorders.Load()-before)
}

// TestOriginDoReturns checks that a call made in the original namespace
// through origin.do leaves the thread in the new namespace again, and
// that a mount it makes lands in the original one.
func TestOriginDoReturns(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	dir := tmpfsDir(t)
	o := lockedOrigin(t)
	marker := filepath.Join(dir, "m")
	os.Mkdir(marker, 0o755)
	errs := make(chan error, 1)
	var inNew, inOrig bool
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with its namespace
		fd, err := unshareOrdered(o.id)
		if err != nil {
			errs <- err
			return
		}
		defer unix.Close(fd)
		newIno := nsInodeOf(t, threadNS)
		err = o.do(fd, func() error {
			inOrig = nsInodeOf(t, threadNS) != newIno
			return unix.Mount("tmpfs", marker, "tmpfs", 0, "")
		})
		inNew = nsInodeOf(t, threadNS) == newIno
		errs <- err
	}()
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if !inOrig || !inNew {
		t.Errorf("origin.do: ran in the original namespace %v, came back to the new one %v, want both", inOrig, inNew)
	}
	var st unix.Statx_t
	unix.Statx(unix.AT_FDCWD, marker, 0, unix.STATX_TYPE, &st)
	if st.Attributes&unix.STATX_ATTR_MOUNT_ROOT == 0 {
		t.Errorf("the mount made through origin.do is not in the original namespace")
	}
	unix.Unmount(marker, unix.MNT_DETACH)
}

func nsInodeOf(t *testing.T, path string) uint64 {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Error(err)
	}
	return st.Ino
}

func BenchmarkPreserve(b *testing.B) {
	if !nstest.Inside() && os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	if !nstest.Inside() {
		b.Skip("run inside a throwaway namespace: go test -bench . with CONFINE_NSTEST_INSIDE=1 under unshare -m")
	}
	dir := b.TempDir()
	o := lockedOrigin(b)
	dst := filepath.Join(dir, "snap.mnt")
	for i := 0; b.Loop(); i++ {
		if err := preserveOnce(o, dst, i%runtime.NumCPU()); err != nil {
			b.Fatal(err)
		}
	}
}

// lockedOrigin locks the calling goroutine to its thread and opens the
// thread's namespace as the origin, both undone when the test ends
// (clean-ups run on the test's own goroutine).
func lockedOrigin(tb testing.TB) *origin {
	tb.Helper()
	runtime.LockOSThread()
	o, err := openOrigin()
	if err != nil {
		runtime.UnlockOSThread()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		o.close()
		runtime.UnlockOSThread()
	})
	return o
}
