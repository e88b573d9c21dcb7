package fake

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// TestErrnos pins the errno of every rejection in kernel-propagation.md
// §§2–10 and §18, each after a setup of mount(8)-like steps.
func TestErrnos(t *testing.T) {
	mount := func(src, dst, fstype string, flags uintptr) func(*Proc) error {
		return func(p *Proc) error { return p.Mount(src, dst, fstype, flags, "") }
	}
	umount := func(dst string, flags int) func(*Proc) error {
		return func(p *Proc) error { return p.Unmount(dst, flags) }
	}
	pivot := func(n, o string) func(*Proc) error {
		return func(p *Proc) error { return p.PivotRoot(n, o) }
	}
	base := []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "mkdir /a/d", "touch /f", "touch /a/f"}
	for _, test := range []struct {
		name  string
		setup []string
		op    func(*Proc) error
		want  unix.Errno
	}{
		// §2 dispatch
		{"MS_NOUSER", nil, mount("x", "/a", "tmpfs", 1<<31), unix.EINVAL},
		{"missing target", nil, mount("x", "/nope", "tmpfs", 0), unix.ENOENT},
		{"no fstype", nil, mount("x", "/a", "", 0), unix.EINVAL},
		{"new mount on a file", nil, mount("x", "/f", "tmpfs", 0), unix.ENOTDIR},
		// §3 make-*
		{"make-shared not a mount root", nil, mount("", "/a/d", "", unix.MS_SHARED), unix.EINVAL},
		{"make-shared|slave", nil, mount("", "/a", "", unix.MS_SHARED|unix.MS_SLAVE), unix.EINVAL},
		{"make-slave|rdonly", nil, mount("", "/a", "", unix.MS_SLAVE|unix.MS_RDONLY), unix.EINVAL},
		{"make-slave|nosuid", nil, mount("", "/a", "", unix.MS_SLAVE|unix.MS_NOSUID), unix.EINVAL},
		{"make-private|move", nil, mount("/a", "/b", "", unix.MS_PRIVATE|unix.MS_MOVE), unix.EINVAL},
		// §4 bind
		{"bind missing source", nil, mount("/nope", "/b", "", unix.MS_BIND), unix.ENOENT},
		{"bind empty source", nil, mount("", "/b", "", unix.MS_BIND), unix.ENOENT},
		{"bind unbindable", []string{"make-unbindable /a"}, mount("/a", "/b", "", unix.MS_BIND), unix.EINVAL},
		{"rbind unbindable", []string{"make-unbindable /a"}, mount("/a", "/b", "", unix.MS_BIND|unix.MS_REC), unix.EINVAL},
		{"bind file onto dir", nil, mount("/f", "/b", "", unix.MS_BIND), unix.ENOTDIR},
		{"bind dir onto file", nil, mount("/a", "/f", "", unix.MS_BIND), unix.ENOTDIR},
		// §6 move
		{"move missing source", nil, mount("/nope", "/b", "", unix.MS_MOVE), unix.ENOENT},
		{"move not a mount root", nil, mount("/a/d", "/b", "", unix.MS_MOVE), unix.EINVAL},
		{"move dir onto file", nil, mount("/a", "/f", "", unix.MS_MOVE), unix.EINVAL},
		{"move from a shared parent", []string{"make-shared /a", "tmpfs x /a/d"}, mount("/a/d", "/b", "", unix.MS_MOVE), unix.EINVAL},
		{"move unbindable tree onto shared", []string{"tmpfs x /a/d", "make-unbindable /a/d", "tmpfs b /b", "make-shared /b"},
			mount("/a", "/b", "", unix.MS_MOVE), unix.EINVAL},
		{"move into itself", nil, mount("/a", "/a/d", "", unix.MS_MOVE), unix.ELOOP},
		{"move / into itself", nil, mount("/", "/a", "", unix.MS_MOVE), unix.ELOOP},
		// §7 umount
		{"umount not a mount point", nil, umount("/a/d", 0), unix.EINVAL},
		{"umount missing", nil, umount("/nope", 0), unix.ENOENT},
		{"umount unknown flag", nil, umount("/a", 0x100), unix.EINVAL},
		{"umount busy", []string{"tmpfs x /a/d"}, umount("/a", 0), unix.EBUSY},
		{"umount busy cwd", []string{"chdir /a/d"}, umount("/a", 0), unix.EBUSY},
		{"umount expire|detach", nil, umount("/a", unix.MNT_EXPIRE|unix.MNT_DETACH), unix.EINVAL},
		{"umount expire|force", nil, umount("/a", unix.MNT_EXPIRE|unix.MNT_FORCE), unix.EINVAL},
		{"umount expire first call", nil, umount("/a", unix.MNT_EXPIRE), unix.EAGAIN},
		// §8 remount
		{"remount,bind not a mount root", nil, mount("", "/a/d", "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY), unix.EINVAL},
		{"remount not a mount root", nil, mount("", "/a/d", "", unix.MS_REMOUNT), unix.EINVAL},
		{"write on ro bind", []string{"bind /a /b", "remount-ro /b"}, func(p *Proc) error { return p.Mkdir("/b/x", 0o755) }, unix.EROFS},
		// §10 pivot_root
		{"pivot new_root missing", nil, pivot("/nope", "/a"), unix.ENOENT},
		{"pivot new_root a file", nil, pivot("/f", "/a"), unix.ENOTDIR},
		{"pivot put_old a file", nil, pivot("/a", "/a/f"), unix.ENOTDIR},
		{"pivot new_root /", nil, pivot("/", "/a"), unix.EBUSY},
		{"pivot put_old on the root mount", nil, pivot("/a", "/b"), unix.EBUSY},
		{"pivot new_root not a mount point", nil, pivot("/a/d", "/a/d"), unix.EINVAL},
		{"pivot put_old outside new_root", []string{"tmpfs b /b"}, pivot("/a", "/b"), unix.EINVAL},
		{"pivot shared parent of new_root", []string{"make-shared /", "make-private /a"}, pivot("/a", "/a/d"), unix.EINVAL},
		{"pivot shared put_old mount", []string{"make-shared /a"}, pivot("/a", "/a/d"), unix.EINVAL},
		// files
		{"mkdir exists", nil, func(p *Proc) error { return p.Mkdir("/a", 0o755) }, unix.EEXIST},
		{"mkdir under a file", nil, func(p *Proc) error { return p.Mkdir("/f/x", 0o755) }, unix.ENOTDIR},
		{"rmdir a mount point", nil, func(p *Proc) error { return p.Rmdir("/a") }, unix.EBUSY},
		{"rmdir not empty", []string{"mkdir /b/c"}, func(p *Proc) error { return p.Rmdir("/b") }, unix.ENOTEMPTY},
		{"rmdir a file", nil, func(p *Proc) error { return p.Rmdir("/f") }, unix.ENOTDIR},
		{"readlink a dir", nil, func(p *Proc) error { _, err := p.Readlink("/a"); return err }, unix.EINVAL},
		{"symlink loop", []string{"ln /l1 /l2", "ln /l2 /l1"}, func(p *Proc) error { _, err := p.Lstat("/l1/x"); return err }, unix.ELOOP},
		{"dangling symlink", []string{"ln /nope /l"}, func(p *Proc) error { return p.Chdir("/l") }, unix.ENOENT},
		{"mkdtemp template", nil, func(p *Proc) error { _, err := p.Mkdtemp("/tmp/x"); return err }, unix.EINVAL},
		{"chdir a file", nil, func(p *Proc) error { return p.Chdir("/f") }, unix.ENOTDIR},
	} {
		t.Run(test.name, func(t *testing.T) {
			p := New().Init()
			run(t, p, append(append([]string(nil), base...), test.setup...)...)
			before := p.mountinfoText()
			err := test.op(p)
			if !errors.Is(err, test.want) {
				t.Fatalf("got %v, want %v", err, test.want)
			}
			if err := p.k.Check(); err != nil {
				t.Fatalf("Check: %v", err)
			}
			if after := p.mountinfoText(); after != before && test.want != unix.EAGAIN {
				t.Errorf("a failed call changed the table:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

func TestMountMax(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /a", "mkdir /b", "tmpfs a /a", "make-shared /a", "mkdir /a/1", "tmpfs 1 /a/1")
	p.k.MountMax = p.ns.count + 1
	if err := step(p, "rbind /a /b"); !errors.Is(err, unix.ENOSPC) {
		t.Fatalf("rbind of 2 mounts with room for 1: got %v, want ENOSPC", err)
	}
	if err := p.k.Check(); err != nil {
		t.Fatal(err)
	}
	p.k.MountMax = p.ns.count + 2
	if err := step(p, "rbind /a /b"); err != nil {
		t.Fatalf("rbind with room for 2: %v", err)
	}
}

// TestMagicStripped: the old MS_MGC_VAL magic in the top 16 bits is
// dropped before dispatch (path_mount()), so a bind still binds.
func TestMagicStripped(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /a", "mkdir /b", "tmpfs a /a")
	if err := p.Mount("/a", "/b", "", 0xC0ED0000|unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind with MS_MGC_VAL: %v", err)
	}
	if got := normalized(p, false, true); len(got) != 2 || got[1] != "/b - a" {
		t.Errorf("got %q, want /b bound from a", got)
	}
}

func TestCreateDots(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /a")
	for _, test := range []struct {
		name string
		op   func() error
		want unix.Errno
	}{
		{"mkdir /a/.", func() error { return p.Mkdir("/a/.", 0o755) }, unix.EEXIST},
		{"mkdir /a/..", func() error { return p.Mkdir("/a/..", 0o755) }, unix.EEXIST},
		{"mkdir /nope/.", func() error { return p.Mkdir("/nope/.", 0o755) }, unix.ENOENT},
		{"mkdir /", func() error { return p.Mkdir("/", 0o755) }, unix.EEXIST},
		{"symlink /a/.", func() error { return p.Symlink("x", "/a/.") }, unix.EEXIST},
		{"rmdir /a/.", func() error { return p.Rmdir("/a/.") }, unix.EINVAL},
		{"rmdir /a/..", func() error { return p.Rmdir("/a/..") }, unix.ENOTEMPTY},
		{"rmdir /", func() error { return p.Rmdir("/") }, unix.EBUSY},
	} {
		if err := test.op(); !errors.Is(err, test.want) {
			t.Errorf("%s: got %v, want %v", test.name, err, test.want)
		}
	}
}
