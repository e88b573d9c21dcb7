package fake

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"confine/kernel"

	"golang.org/x/sys/unix"
)

// msMgcMask and msMgcVal are the magic number old callers put in the top
// 16 bits of the flags; path_mount() strips it.
const (
	msMgcMask = 0xffff0000
	msMgcVal  = 0xc0ed0000
	msNouser  = 1 << 31
)

// Mount is mount(2). It dispatches exactly as fs/namespace.c path_mount()
// does; the first matching row wins and the other flags are ignored
// (kernel-propagation.md §2):
//
//  1. MS_REMOUNT|MS_BIND: per-mount flags of that one mount;
//  2. MS_REMOUNT: the superblock (and that mount's flags);
//  3. MS_BIND: bind, MS_REC: rbind (MS_RDONLY, MS_SLAVE… are ignored);
//  4. MS_SHARED, MS_PRIVATE, MS_SLAVE, MS_UNBINDABLE: propagation change;
//  5. MS_MOVE: move;
//  6. otherwise a new filesystem of type fstype.
//
// The target is resolved first, following symlinks, so a missing target is
// ENOENT before anything about the source is known.
func (p *Proc) Mount(source, target, fstype string, flags uintptr, data string) error {
	if err := p.k.faultCall(func() string {
		return fmt.Sprintf("mount(%q, %q, %q, %s, %q)", source, target, fstype, kernel.FlagString(flags), data)
	}); err != nil {
		return errno("mount", target, asErrno(err))
	}
	if err := p.mount(source, target, fstype, flags, data); err != nil {
		return errno("mount", target, asErrno(err))
	}
	return nil
}

func (p *Proc) mount(source, target, fstype string, flags uintptr, data string) error {
	if flags&msMgcMask == msMgcVal {
		flags &^= msMgcMask
	}
	if flags&msNouser != 0 {
		return unix.EINVAL
	}
	t, err := p.lookup(target, followFinal)
	if err != nil {
		return err
	}
	mf := mntFlagsFromMS(flags)
	switch {
	case flags&(unix.MS_REMOUNT|unix.MS_BIND) == unix.MS_REMOUNT|unix.MS_BIND:
		return p.reconfigureMnt(t, flags, mf)
	case flags&unix.MS_REMOUNT != 0:
		return p.remount(t, flags, mf, data)
	case flags&unix.MS_BIND != 0:
		return p.loopback(source, t, flags&unix.MS_REC != 0)
	case flags&(unix.MS_SHARED|unix.MS_PRIVATE|unix.MS_SLAVE|unix.MS_UNBINDABLE) != 0:
		if t.m.ns != p.ns {
			return unix.EINVAL
		}
		return p.k.doChangeType(t, flags)
	case flags&unix.MS_MOVE != 0:
		return p.moveMount(source, t)
	}
	return p.newMount(source, t, fstype, flags, mf, data)
}

// remountAtime is the end of path_mount(): a remount that names no atime
// flag keeps the mount's atime flags.
func remountAtime(m *Mount, flags uintptr, mf mntFlags) mntFlags {
	if flags&(unix.MS_NOATIME|unix.MS_NODIRATIME|unix.MS_RELATIME|unix.MS_STRICTATIME) == 0 {
		mf = mf&^mntAtimeMask | m.flags&mntAtimeMask
	}
	return mf
}

// reconfigureMnt is do_reconfigure_mnt(): MS_REMOUNT|MS_BIND changes the
// per-mount flags of exactly this mount; a submount of an rbind stays as
// it was (§8, verified on 6.18).
func (p *Proc) reconfigureMnt(t loc, flags uintptr, mf mntFlags) error {
	if t.m.ns != p.ns || !t.isMountRoot() {
		return unix.EINVAL
	}
	t.m.flags = remountAtime(t.m, flags, mf)
	p.k.touch(t.m)
	return nil
}

// remount is do_remount(): reconfigure the superblock (every bind of it
// sees the change) and set this mount's flags.
func (p *Proc) remount(t loc, flags uintptr, mf mntFlags, data string) error {
	if t.m.ns != p.ns || !t.isMountRoot() {
		return unix.EINVAL
	}
	if flags&unix.MS_RDONLY != 0 && !t.m.sb.ro && p.k.hasOrphans(t.m.sb) {
		// sb_prepare_remount_readonly(): removed files still in use
		// (s_remove_count) keep the filesystem writable.
		return unix.EBUSY
	}
	// Every mount of the superblock shows its options.
	p.k.touchAll()
	t.m.sb.ro = flags&unix.MS_RDONLY != 0
	if data != "" {
		t.m.sb.opts = data
	}
	t.m.flags = remountAtime(t.m, flags, mf)
	p.k.touch(t.m)
	return nil
}

// newMount is do_new_mount(): a fresh superblock of any type (the fake
// has no filesystem drivers, so every type is a virtual one with an
// anonymous 0:N device), attached on top of whatever is at the target.
// "The same as bind … with the exception that the source mount is always a
// private mount" (sharedsubtree.rst), so under a shared parent it gets a
// new group and propagates (§4.2).
func (p *Proc) newMount(source string, t loc, fstype string, flags uintptr, mf mntFlags, data string) error {
	if fstype == "" {
		return unix.EINVAL
	}
	t, err := p.k.mountTarget(t)
	if err != nil {
		return err
	}
	if t.m.ns != p.ns {
		return unix.EINVAL
	}
	if !t.isDir() {
		return unix.ENOTDIR
	}
	if source == "" {
		source = "none"
	}
	sb, fresh := p.k.keyed[fstype], false
	if sb == nil {
		opts := data
		if p.k.ShowOptions {
			opts = showOptions(fstype, data)
		}
		sb, fresh = p.k.newSuperblock(fstype, source, opts), true
		sb.ro = flags&unix.MS_RDONLY != 0
		if err := sb.fs.Chmod("/", fileModeDir(fstype, data)); err != nil {
			return toErrno(err)
		}
		if fstype == "devpts" {
			if err := sb.fillDevpts(data); err != nil {
				return err
			}
		}
		if keyedFS[fstype] {
			p.k.keyed[fstype] = sb
		}
	}
	m := p.k.newMount(sb, "/")
	m.flags, m.source = mf, source
	if err := p.k.attachRecursive(m, t.m, t.d, false); err != nil {
		p.k.freeMount(m)
		if fresh && !keyedFS[fstype] {
			p.k.anonDevs.put(sb.minor)
		}
		return err
	}
	return nil
}

// fileModeDir is the mode of a new filesystem's root: a mode= option
// wins (tmpfs, devtmpfs, ramfs), else tmpfs roots are 1777
// (shmem_fill_super()) and others 0755.
func fileModeDir(fstype, data string) fs.FileMode {
	for _, o := range strings.Split(data, ",") {
		if v, ok := strings.CutPrefix(o, "mode="); ok {
			if m, err := strconv.ParseUint(v, 8, 32); err == nil {
				return fs.ModeDir | fileMode(uint32(m))
			}
		}
	}
	if fstype == "tmpfs" {
		return fs.ModeDir | fileMode(0o1777)
	}
	return fs.ModeDir | fileMode(0o755)
}
