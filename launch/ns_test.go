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
func preserveOnce(c *capturer, dst string, cpu int) error {
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
		if err := unshareOrdered(c.id); err != nil {
			errs <- err
			return
		}
		errs <- capture(c, unix.Gettid(), dst)
	}()
	if err := <-errs; err != nil {
		return err
	}
	return c.do(func() error {
		if err := unix.Unmount(dst, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil {
			return err
		}
		return os.Remove(dst)
	})
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
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ino, err := nsInode(threadNS)
	if err != nil {
		t.Fatal(err)
	}
	c, err := startCapturer(ino)
	if err != nil {
		t.Fatal(err)
	}
	defer c.stop()
	before := reorders.Load()
	dst := filepath.Join(dir, "snap.mnt")
	for i := range 500 {
		if err := preserveOnce(c, dst, i%runtime.NumCPU()); err != nil {
			t.Fatalf("preserve %d: %v", i, err)
		}
	}
	t.Logf("500 namespaces preserved; %d came out of order and were made again", reorders.Load()-before)
}

func BenchmarkPreserve(b *testing.B) {
	if !nstest.Inside() && os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	if !nstest.Inside() {
		b.Skip("run inside a throwaway namespace: go test -bench . with CONFINE_NSTEST_INSIDE=1 under unshare -m")
	}
	dir := b.TempDir()
	ino, _ := nsInode(threadNS)
	c, err := startCapturer(ino)
	if err != nil {
		b.Fatal(err)
	}
	defer c.stop()
	dst := filepath.Join(dir, "snap.mnt")
	for i := 0; b.Loop(); i++ {
		if err := preserveOnce(c, dst, i%runtime.NumCPU()); err != nil {
			b.Fatal(err)
		}
	}
}
