package fake

import (
	"testing"

	"golang.org/x/sys/unix"
)

var fuzzPaths = []string{"/", "/a", "/b", "/a/1", "/b/1", "/c", "/a/1/x", "/l", ".", "/c/..", "/nope"}

// fuzzOp applies the operation that the three bytes choose.
func fuzzOp(procs *[]*Proc, op, x, y byte) {
	ps := *procs
	p := ps[int(op>>5)%len(ps)]
	src, dst := fuzzPaths[int(x)%len(fuzzPaths)], fuzzPaths[int(y)%len(fuzzPaths)]
	rec := uintptr(0)
	if x&0x80 != 0 {
		rec = unix.MS_REC
	}
	switch op % 20 {
	case 0:
		p.Mount("t", dst, "tmpfs", 0, "")
	case 1:
		p.Mount(src, dst, "", unix.MS_BIND, "")
	case 2:
		p.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, "")
	case 3:
		p.Mount(src, dst, "", unix.MS_MOVE, "")
	case 4:
		p.Mount("", dst, "", unix.MS_SHARED|rec, "")
	case 5:
		p.Mount("", dst, "", unix.MS_SLAVE|rec, "")
	case 6:
		p.Mount("", dst, "", unix.MS_PRIVATE|rec, "")
	case 7:
		p.Mount("", dst, "", unix.MS_UNBINDABLE|rec, "")
	case 8:
		p.Unmount(dst, 0)
	case 9:
		p.Unmount(dst, unix.MNT_DETACH)
	case 10:
		p.Unmount(dst, unix.MNT_EXPIRE)
	case 11:
		p.Mount("", dst, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, "")
	case 12:
		if len(ps) < 4 {
			if q, err := p.Unshare(); err == nil {
				*procs = append(ps, q)
			}
		}
	case 13:
		p.PivotRoot(src, dst)
	case 14:
		p.Chdir(dst)
	case 15:
		p.Mkdir(dst, 0o755)
	case 16:
		p.Rmdir(dst)
	case 17:
		p.Symlink(src, dst)
	case 18:
		p.Resolve(src, dst)
	case 19:
		p.Mount("", dst, "", uintptr(x)<<12|uintptr(y)<<20, "")
	}
}

// fuzzTree is the small tree random operation sequences run on: a few
// directories, a tmpfs on /a and a symlink into it, with room for 300
// mounts.
func fuzzTree() (*Kernel, *Proc) {
	k := New()
	k.MountMax = 300
	p := k.Init()
	for _, d := range []string{"/a", "/b", "/c", "/a/1", "/b/1"} {
		p.Mkdir(d, 0o755)
	}
	p.Mount("ta", "/a", "tmpfs", 0, "")
	p.Mkdir("/a/1", 0o755)
	p.Mkdir("/a/1/x", 0o755)
	p.Symlink("a/1", "/l")
	return k, p
}

// FuzzOps runs random operation sequences on a small tree: the model must
// never panic, and its invariants must hold after every operation.
func FuzzOps(f *testing.F) {
	f.Add([]byte{4, 1, 1, 0, 3, 3, 1, 1, 2, 12, 0, 0, 8, 0, 3})
	f.Add([]byte{2, 1, 2, 5, 0, 2, 0, 0, 4, 9, 0, 1, 13, 1, 2})
	f.Add([]byte{7, 0, 1, 2, 1, 2, 36, 0, 3, 0, 0, 3, 68, 0, 1, 9, 0, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		k, p := fuzzTree()
		procs := []*Proc{p}
		for i := 0; i+2 < len(ops) && i < 3*64; i += 3 {
			fuzzOp(&procs, ops[i], ops[i+1], ops[i+2])
			if err := k.Check(); err != nil {
				t.Fatalf("after op %d (%v): %v", i/3, ops[i:i+3], err)
			}
			for _, q := range procs {
				if _, err := q.MountInfo(); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
