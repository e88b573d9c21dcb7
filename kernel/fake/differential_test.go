package fake_test

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"confine/internal/nstest"
	"confine/kernel"
	"confine/kernel/fake"
	"confine/kernel/linux"
	"confine/mountinfo"
)

// TestDifferential runs random operation sequences on the real kernel (as
// root, in nstest's throwaway namespace, each in a private scratch tmpfs)
// and on the fake, and requires the same errno from every call and the
// same normalised mountinfo for the scratch area at the end. The seed is
// fixed, so a failure reproduces; it prints the steps.
func TestDifferential(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	var real linux.Linux
	base := t.TempDir()
	if err := real.Mount("scratch", base, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := real.Mount("", base, "", unix.MS_PRIVATE, ""); err != nil {
		t.Fatal(err)
	}
	defer real.Unmount(base, unix.MNT_DETACH)
	seed, runs, length := int64(1), 300, 12
	if s := os.Getenv("CONFINE_DIFF_SEED"); s != "" {
		// For hunting: CONFINE_DIFF_SEED=N CONFINE_DIFF_RUNS=M
		// [CONFINE_DIFF_LENGTH=L, default 20].
		seed, _ = strconv.ParseInt(s, 10, 64)
		runs, _ = strconv.Atoi(os.Getenv("CONFINE_DIFF_RUNS"))
		length = 20
		if n, err := strconv.Atoi(os.Getenv("CONFINE_DIFF_LENGTH")); err == nil {
			length = n
		}
	}
	r := rand.New(rand.NewSource(seed))
	succeeded, calls := 0, 0
	defer func() { t.Logf("%d of %d calls succeeded", succeeded, calls) }()
	for seq := 0; seq < runs; seq++ {
		ops := randomOps(r, length)
		area := fmt.Sprintf("%s/%d", base, seq)
		if err := os.Mkdir(area, 0o755); err != nil {
			t.Fatal(err)
		}
		p := fake.New().Init()
		setup := func(sys kernel.Syscalls, at string) error {
			if err := sys.Mount("area", at, "tmpfs", 0, ""); err != nil {
				return err
			}
			if err := sys.Mount("", at, "", unix.MS_PRIVATE, ""); err != nil {
				return err
			}
			for _, d := range []string{"a", "b", "c", "a/1", "b/1", "c/1"} {
				if err := sys.Mkdir(at+"/"+d, 0o755); err != nil {
					return err
				}
			}
			return nil
		}
		if err := p.Mkdir("/area", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := setup(real, area); err != nil {
			t.Fatal(err)
		}
		if err := setup(p, "/area"); err != nil {
			t.Fatal(err)
		}
		var log []string
		for i, op := range ops {
			errReal := op.apply(real, area, i)
			errFake := op.apply(p, "/area", i)
			log = append(log, fmt.Sprintf("%s -> %v", op, errnoOf(errReal)))
			calls++
			if errReal == nil {
				succeeded++
			}
			if errnoOf(errReal) != errnoOf(errFake) {
				t.Fatalf("sequence %d: %s: real %v, fake %v\nsteps:\n\t%s", seq, op, errReal, errFake, strings.Join(log, "\n\t"))
			}
			if err := p.Kernel().Check(); err != nil {
				t.Fatalf("sequence %d: %s: Check: %v", seq, op, err)
			}
		}
		for _, name := range diffPaths {
			stReal, errReal := real.Lstat(path.Join(area, name))
			stFake, errFake := p.Lstat(path.Join("/area", name))
			if errnoOf(errReal) != errnoOf(errFake) || stReal.Mode.Type() != stFake.Mode.Type() {
				t.Fatalf("sequence %d: lstat %s: real %v %v, fake %v %v\nsteps:\n\t%s", seq, name,
					stReal.Mode, errReal, stFake.Mode, errFake, strings.Join(log, "\n\t"))
			}
			for _, res := range []string{name, name + "/x", name + "/../c"} {
				// openat2(RESOLVE_IN_ROOT) fails with EAGAIN when any mount
				// anywhere on the machine changed during a ".." step
				// (handle_dots(): mount_lock seqcount); retry as callers must.
				gotR, release, errR := real.Resolve(area, res)
				for try := 0; errnoOf(errR) == unix.EAGAIN && try < 100; try++ {
					gotR, release, errR = real.Resolve(area, res)
				}
				if errR == nil {
					gotR, _ = os.Readlink(gotR)
					gotR = strings.TrimSuffix(gotR, " (deleted)") // d_path()'s marker
					release()
				}
				gotF, _, errF := p.Resolve("/area", res)
				gotR = strings.TrimPrefix(gotR, area)
				gotF = strings.TrimPrefix(gotF, "/area")
				if errnoOf(errR) != errnoOf(errF) || (errR == nil && gotR != gotF) {
					t.Fatalf("sequence %d: resolve %s: real %q %v, fake %q %v\nsteps:\n\t%s", seq, res,
						gotR, errR, gotF, errF, strings.Join(log, "\n\t"))
				}
			}
		}
		text, err := real.MountInfo()
		if err != nil {
			t.Fatal(err)
		}
		realTable, err := mountinfo.Parse(strings.NewReader(string(text)))
		if err != nil {
			t.Fatal(err)
		}
		got := areaLines(p.Entries(), "/area")
		want := areaLines(realTable, area)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("sequence %d: mountinfo differs\nsteps:\n\t%s\nreal:\n\t%s\nfake:\n\t%s", seq,
				strings.Join(log, "\n\t"), strings.Join(want, "\n\t"), strings.Join(got, "\n\t"))
		}
		if err := os.Chdir("/"); err != nil {
			t.Fatal(err)
		}
		// Detach everything stacked on the area (a link to the area's root
		// can put mounts on it, or even unmount it).
		for real.Unmount(area, unix.MNT_DETACH) == nil {
		}
	}
}

func errnoOf(err error) unix.Errno {
	var e unix.Errno
	if errors.As(err, &e) {
		return e
	}
	if err != nil {
		return unix.Errno(0xffff)
	}
	return 0
}

type diffOp struct {
	kind     string
	src, dst string
	rec      bool
}

var diffPaths = []string{"a", "b", "c", "a/1", "b/1", "c/1", "a/1/x", "b/1/x", "l", "a/l", "a/1/f", "a/1/..", "b/.", "l/1"}

// diffLinks are the texts of symlinks: relative only, so that the real
// side never leaves its area.
var diffLinks = []string{"b", "../c", "1/x", "a", "l", "1/f", "a/.."}

func randomOps(r *rand.Rand, n int) []diffOp {
	kinds := []string{"tmpfs", "tmpfs", "bind", "rbind", "move", "shared", "shared", "slave", "private",
		"unbindable", "umount", "umount-lazy", "remount-ro", "mkdir", "ln", "rmdir", "touch", "umount-nofollow",
		"remount-sb-ro", "remount-sb-rw", "bind-rdonly-slave", "tmpfs-shared", "expire", "chdir"}
	var ops []diffOp
	for range n {
		op := diffOp{kind: kinds[r.Intn(len(kinds))], src: diffPaths[r.Intn(len(diffPaths))],
			dst: diffPaths[r.Intn(len(diffPaths))], rec: r.Intn(3) == 0}
		if op.kind == "ln" {
			op.src = diffLinks[r.Intn(len(diffLinks))]
		}
		if op.kind == "shared" && r.Intn(4) == 0 {
			op.dst = "" // the area's root
		}
		ops = append(ops, op)
	}
	return ops
}

func (op diffOp) String() string {
	rec := ""
	if op.rec {
		rec = "r"
	}
	switch op.kind {
	case "bind", "rbind", "move", "ln", "bind-rdonly-slave":
		return fmt.Sprintf("%s %s %s", op.kind, op.src, op.dst)
	case "shared", "slave", "private", "unbindable":
		return fmt.Sprintf("make-%s%s /%s", rec, op.kind, op.dst)
	}
	return fmt.Sprintf("%s %s", op.kind, op.dst)
}

func (op diffOp) apply(sys kernel.Syscalls, area string, i int) error {
	src, dst := path.Join(area, op.src), path.Join(area, op.dst)
	var rec uintptr
	if op.rec {
		rec = unix.MS_REC
	}
	switch op.kind {
	case "tmpfs":
		return sys.Mount("t"+strconv.Itoa(i), dst, "tmpfs", 0, "")
	case "bind":
		return sys.Mount(src, dst, "", unix.MS_BIND, "")
	case "rbind":
		return sys.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, "")
	case "move":
		return sys.Mount(src, dst, "", unix.MS_MOVE, "")
	case "shared":
		return sys.Mount("", dst, "", unix.MS_SHARED|rec, "")
	case "slave":
		return sys.Mount("", dst, "", unix.MS_SLAVE|rec, "")
	case "private":
		return sys.Mount("", dst, "", unix.MS_PRIVATE|rec, "")
	case "unbindable":
		return sys.Mount("", dst, "", unix.MS_UNBINDABLE|rec, "")
	case "umount":
		return sys.Unmount(dst, 0)
	case "umount-lazy":
		return sys.Unmount(dst, unix.MNT_DETACH)
	case "remount-ro":
		return sys.Mount("", dst, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, "")
	case "mkdir":
		return sys.Mkdir(dst, 0o755)
	case "remount-sb-ro":
		return sys.Mount("", dst, "", unix.MS_REMOUNT|unix.MS_RDONLY, "")
	case "remount-sb-rw":
		return sys.Mount("", dst, "", unix.MS_REMOUNT, "")
	case "bind-rdonly-slave":
		// path_mount(): MS_BIND wins, MS_RDONLY and MS_SLAVE are ignored.
		return sys.Mount(src, dst, "", unix.MS_BIND|unix.MS_RDONLY|unix.MS_SLAVE|rec, "")
	case "tmpfs-shared":
		// A propagation flag wins over a new mount.
		return sys.Mount("t"+strconv.Itoa(i), dst, "tmpfs", unix.MS_SHARED, "")
	case "expire":
		return sys.Unmount(dst, unix.MNT_EXPIRE)
	case "chdir":
		// The working directory pins its mount: umount is EBUSY.
		return sys.Chdir(dst)
	case "rmdir":
		return sys.Rmdir(dst)
	case "ln":
		return sys.Symlink(op.src, dst)
	case "umount-nofollow":
		return sys.Unmount(dst, unix.UMOUNT_NOFOLLOW)
	case "touch":
		if p, ok := sys.(*fake.Proc); ok {
			return p.CreateFile(dst)
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		return f.Close()
	}
	panic(op.kind)
}

var diffGroupRE = regexp.MustCompile(`(shared|master|propagate_from):(\d+)`)

// areaLines keeps the entries at or below area, in order, as "ROOT POINT
// OPTIONS OPTIONAL SOURCE" with the area prefix cut and peer groups
// renumbered by first appearance.
func areaLines(entries []mountinfo.Entry, area string) []string {
	ids := map[string]int{}
	var out []string
	for _, e := range entries {
		if e.Point != area && !strings.HasPrefix(e.Point, area+"/") {
			continue
		}
		opt := diffGroupRE.ReplaceAllStringFunc(strings.Join(e.Optional, " "), func(s string) string {
			m := diffGroupRE.FindStringSubmatch(s)
			n, ok := ids[m[2]]
			if !ok {
				n = len(ids) + 1
				ids[m[2]] = n
			}
			return m[1] + ":" + strconv.Itoa(n)
		})
		point := "/" + strings.TrimPrefix(strings.TrimPrefix(e.Point, area), "/")
		out = append(out, fmt.Sprintf("%s %s %s [%s] %s", e.Root, point, e.Options, opt, e.Source))
	}
	return out
}
