package kerneltest_test

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/golden"
	"confine/internal/nstest"
	"confine/kernel"
	"confine/kernel/kerneltest"
	"confine/kernel/linux"
)

// TestLinuxConformance runs the suite on the real kernel, as root, inside
// nstest's throwaway namespace; each scenario gets its own scratch tmpfs.
//
// With -update it rewrites the expected tables in scenarios/ from the
// kernel instead (the flag reaches the re-executed child through the
// environment, since nstest passes only -test.run and -test.v).
func TestLinuxConformance(t *testing.T) {
	if golden.Update() {
		os.Setenv(envUpdate, "1")
	}
	if nstest.Reexec(t) {
		return
	}
	if os.Getenv(envUpdate) == "1" {
		kerneltest.Update(t, newLinuxEnv, ".")
		return
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the expected tables were captured on Linux %s; this kernel is %s", kerneltest.CapturedOn, kernelRelease())
		}
	})
	kerneltest.Run(t, newLinuxEnv)
}

// kernelRelease is uname -r.
func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return unix.ByteSliceToString(u.Release[:])
}

const envUpdate = "CONFINE_KERNELTEST_UPDATE"

// newLinuxEnv mounts a private tmpfs "scratch" on a fresh temporary
// directory; the lazy unmount registered after t.TempDir runs before the
// directory is removed.
func newLinuxEnv(t *testing.T) kerneltest.Env {
	root := t.TempDir()
	var sys linux.Linux
	if err := sys.Mount("scratch", root, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Propagation can stack mounts on the scratch root itself (a
		// mount on the root of a peer of it), so detach until nothing is
		// mounted there; the first unmount must work.
		if err := sys.Unmount(root, unix.MNT_DETACH); err != nil {
			t.Errorf("cannot unmount the scratch area: %v", err)
		}
		for range 1000 {
			if sys.Unmount(root, unix.MNT_DETACH) != nil {
				break
			}
		}
	})
	if err := sys.Mount("none", root, "", unix.MS_PRIVATE, ""); err != nil {
		t.Fatal(err)
	}
	return kerneltest.Env{Proc: &linuxProc{t: t, tid: 0}, Root: root}
}

// linuxProc is a process of the suite on the real kernel. The first one
// (tid 0) is the test process itself: every goroutine that is not locked
// to a thread runs in its namespace. The others are OS threads locked by
// a goroutine that called unshare(CLONE_FS) and setns into the parent's
// namespace and then unshare(CLONE_NEWNS); every call is forwarded to that
// thread. Such a thread is never unlocked, so it dies with its goroutine
// and no other goroutine ever runs in its namespace (golang/go#28979).
type linuxProc struct {
	linux.Linux
	t     *testing.T
	tid   int
	calls chan func()
	once  sync.Once
}

// Close ends the process's thread (no-op for the test process itself).
// Cleanup calls it too, so a scenario need not.
func (p *linuxProc) Close() error {
	if p.tid != 0 {
		p.once.Do(func() { close(p.calls) })
	}
	return nil
}

// on runs f on the process's thread.
func (p *linuxProc) on(f func()) {
	if p.tid == 0 {
		f()
		return
	}
	done := make(chan struct{})
	p.calls <- func() { f(); close(done) }
	<-done
}

// Unshare starts a thread in a copy of p's namespace, rooted where p is.
func (p *linuxProc) Unshare() (kerneltest.Proc, error) {
	// thread-self, not self: /proc/self/ns/mnt is the main thread's, and
	// the main thread may be one of the locked threads.
	nsPath := "/proc/thread-self/ns/mnt"
	if p.tid != 0 {
		nsPath = fmt.Sprintf("/proc/self/task/%d/ns/mnt", p.tid)
	}
	nsfd, err := unix.Open(nsPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", nsPath, err)
	}
	defer unix.Close(nsfd)
	child := &linuxProc{t: p.t, calls: make(chan func())}
	ready := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: see linuxProc
		err := unix.Unshare(unix.CLONE_FS)
		if err == nil {
			err = unix.Setns(nsfd, unix.CLONE_NEWNS)
		}
		if err == nil {
			err = unix.Unshare(unix.CLONE_NEWNS)
		}
		child.tid = unix.Gettid()
		ready <- err
		if err != nil {
			return
		}
		for f := range child.calls {
			f()
		}
	}()
	if err := <-ready; err != nil {
		return nil, fmt.Errorf("unshare: %w", err)
	}
	p.t.Cleanup(func() { child.Close() })
	return child, nil
}

// MountInfo reads the thread's table through /proc/self/task/TID from an
// ordinary thread, whose /proc is still the real one after a pivot.
func (p *linuxProc) MountInfo() ([]byte, error) {
	if p.tid == 0 {
		return p.Linux.MountInfo()
	}
	return os.ReadFile(fmt.Sprintf("/proc/self/task/%d/mountinfo", p.tid))
}

func (p *linuxProc) Mount(source, target, fstype string, flags uintptr, data string) (err error) {
	p.on(func() { err = p.Linux.Mount(source, target, fstype, flags, data) })
	return err
}

func (p *linuxProc) Unmount(target string, flags int) (err error) {
	p.on(func() { err = p.Linux.Unmount(target, flags) })
	return err
}

func (p *linuxProc) PivotRoot(newRoot, putOld string) (err error) {
	p.on(func() { err = p.Linux.PivotRoot(newRoot, putOld) })
	return err
}

func (p *linuxProc) Mkdir(path string, mode uint32) (err error) {
	p.on(func() { err = p.Linux.Mkdir(path, mode) })
	return err
}

func (p *linuxProc) Rmdir(path string) (err error) {
	p.on(func() { err = p.Linux.Rmdir(path) })
	return err
}

func (p *linuxProc) Symlink(target, linkpath string) (err error) {
	p.on(func() { err = p.Linux.Symlink(target, linkpath) })
	return err
}

func (p *linuxProc) Lstat(path string) (st kernel.Stat, err error) {
	p.on(func() { st, err = p.Linux.Lstat(path) })
	return st, err
}

func (p *linuxProc) Readlink(path string) (s string, err error) {
	p.on(func() { s, err = p.Linux.Readlink(path) })
	return s, err
}

func (p *linuxProc) Chdir(path string) (err error) {
	p.on(func() { err = p.Linux.Chdir(path) })
	return err
}

func (p *linuxProc) Chown(path string, uid, gid int) (err error) {
	p.on(func() { err = p.Linux.Chown(path, uid, gid) })
	return err
}

func (p *linuxProc) Mkdtemp(template string) (s string, err error) {
	p.on(func() { s, err = p.Linux.Mkdtemp(template) })
	return s, err
}

func (p *linuxProc) Resolve(root, name string) (s string, release func(), err error) {
	p.on(func() { s, release, err = p.Linux.Resolve(root, name) })
	return s, release, err
}

// CreateFile makes an empty regular file, for kerneltest's "touch".
func (p *linuxProc) CreateFile(path string) (err error) {
	p.on(func() {
		fd, e := unix.Open(path, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
		if e != nil {
			err = &os.PathError{Op: "create", Path: path, Err: e}
			return
		}
		unix.Close(fd)
	})
	return err
}
