package fake

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// Calls that create and remove names: mkdir(2), rmdir(2), symlink(2) and
// open(2) with O_CREAT. Their checks follow fs/namei.c filename_create()
// and do_rmdir(), in order.

// Mkdir is mkdir(2); the process's umask clears permission bits (022 by
// default, as for a login shell).
func (p *Proc) Mkdir(name string, mode uint32) error {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("mkdir(%q, %#o)", name, mode) }); err != nil {
		return errno("mkdir", name, asErrno(err))
	}
	dir, base, err := p.createParent(name)
	if err != nil {
		return errno("mkdir", name, asErrno(err))
	}
	d := join(dir.d, base)
	// filename_create(): an existing name is EEXIST even on a read-only
	// mount ("don't fail immediately if it's r/o, at least try to report
	// other errors").
	if _, ok := dir.m.sb.lstat(d); ok {
		return errno("mkdir", name, unix.EEXIST)
	}
	if err := creatable(dir); err != nil {
		return errno("mkdir", name, asErrno(err))
	}
	if err := dir.m.sb.mkdir(d, mode&^p.umask); err != nil {
		return errno("mkdir", name, asErrno(err))
	}
	return nil
}

// createParent is filename_parentat() followed by filename_create()'s
// check of the last component: "." and ".." (LAST_DOT, LAST_DOTDOT) name
// something that exists, so they are EEXIST once the directory resolves.
func (p *Proc) createParent(name string) (loc, string, error) {
	switch path.Base(strings.TrimRight(name, "/")) {
	case ".", "..":
		if _, err := p.lookup(name, followFinal|mustBeDir); err != nil {
			return loc{}, "", err
		}
		return loc{}, "", unix.EEXIST
	}
	return p.k.walkParent(p.root, p.cwd, name)
}

// writable is mnt_want_write(): EROFS on a read-only mount or superblock.
func writable(l loc) error {
	if l.m.flags&mntReadonly != 0 || l.m.sb.ro {
		return unix.EROFS
	}
	return nil
}

// Rmdir is rmdir(2), with do_rmdir()'s order: a last component of "."
// is EINVAL and ".." ENOTEMPTY, a read-only mount is EROFS before the
// name is even looked up, and a dentry something is mounted on in the
// caller's namespace is busy (vfs_rmdir()'s is_local_mountpoint()). A
// directory mounted on only in other namespaces is removed, and those
// mounts are detached there (detach_mounts()), as 6.18 does: the
// launcher removes a failed launch's directories from the original
// namespace while the failed one may still hold mounts on them.
func (p *Proc) Rmdir(name string) error {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("rmdir(%q)", name) }); err != nil {
		return errno("rmdir", name, asErrno(err))
	}
	fail := func(e unix.Errno) error { return errno("rmdir", name, e) }
	if name != "" && strings.TrimRight(name, "/") == "" {
		return fail(unix.EBUSY) // LAST_ROOT
	}
	switch path.Base(strings.TrimRight(name, "/")) {
	case ".":
		return fail(unix.EINVAL)
	case "..":
		return fail(unix.ENOTEMPTY)
	}
	dir, base, err := p.k.walkParent(p.root, p.cwd, name)
	if err != nil {
		if err == unix.EEXIST {
			err = unix.EBUSY // rmdir("/")
		}
		return fail(asErrno(err))
	}
	if err := writable(dir); err != nil {
		return fail(asErrno(err))
	}
	d := join(dir.d, base)
	mode, ok := dir.m.sb.lstat(d)
	switch {
	case !ok:
		return fail(unix.ENOENT)
	case !mode.IsDir():
		return fail(unix.ENOTDIR)
	case p.k.isLocalMountpoint(p.ns, dir.m.sb, d):
		return fail(unix.EBUSY)
	case !dir.m.sb.isEmptyDir(d):
		return fail(unix.ENOTEMPTY)
	}
	if err := dir.m.sb.remove(d); err != nil {
		return fail(asErrno(err))
	}
	p.k.detachMounts(dir.m.sb, d)
	p.k.keepUnlinked(dir.m.sb, d, mode)
	return nil
}

// isMountpoint is d_mountpoint(): whether any mount, in any namespace, sits
// on dentry d of sb.
func (k *Kernel) isMountpoint(sb *superblock, d string) bool {
	for key := range k.childIndex {
		if key.parent.sb == sb && key.dentry == d {
			return true
		}
	}
	return false
}

// isLocalMountpoint is is_local_mountpoint(): whether a mount of ns sits
// on dentry d of sb.
func (k *Kernel) isLocalMountpoint(ns *Namespace, sb *superblock, d string) bool {
	for key, m := range k.childIndex {
		if key.parent.sb == sb && key.dentry == d && m.ns == ns {
			return true
		}
	}
	return false
}

// detachMounts is __detach_mounts() for a removed dentry: every mount on
// it goes with its whole subtree, lazily and without propagation
// (umount_tree(mnt, UMOUNT_CONNECTED)), oldest first.
func (k *Kernel) detachMounts(sb *superblock, d string) {
	for {
		var m *Mount
		for key, c := range k.childIndex {
			if key.parent.sb == sb && key.dentry == d && (m == nil || c.seq < m.seq) {
				m = c
			}
		}
		if m == nil {
			return
		}
		list := m.subtree()
		doomed := &doomSet{mounts: map[*Mount]bool{}}
		for _, x := range list {
			doomed.mounts[x] = true
		}
		k.unmountList(list, doomed)
	}
}

// keepUnlinked gives a removed directory that a mount or a process still
// holds a dentry of its own (see superblock.unlinked).
func (k *Kernel) keepUnlinked(sb *superblock, d string, mode fs.FileMode) {
	k.ghosts++
	ghost := fmt.Sprintf("%s//deleted\x00%d", d, k.ghosts)
	used := false
	for _, m := range k.mounts {
		if m.sb == sb && m.root == d {
			m.root, used = ghost, true
			k.touchTree(m)
		}
	}
	for _, q := range k.procs {
		for _, l := range []*loc{&q.root, &q.cwd} {
			if l.m.sb == sb && l.d == d {
				l.d, used = ghost, true
				k.touchAll()
			}
		}
	}
	if used {
		sb.unlinked[ghost] = mode
	}
}

// hasOrphans reports whether a removed directory of sb is still held by a
// mount or a process.
func (k *Kernel) hasOrphans(sb *superblock) bool {
	if len(sb.unlinked) == 0 {
		return false
	}
	for _, m := range k.mounts {
		if m.sb == sb && sb.isUnlinked(m.root) {
			return true
		}
	}
	for _, q := range k.procs {
		for _, l := range []loc{q.root, q.cwd} {
			if l.m.sb == sb && sb.isUnlinked(l.d) {
				return true
			}
		}
	}
	return false
}

// creatable is the check of may_create()/lookup_create(): a directory that
// was removed (kept alive by a mount) cannot get new entries.
func creatable(dir loc) error {
	if dir.m.sb.isUnlinked(dir.d) {
		return unix.ENOENT
	}
	return writable(dir)
}

// Symlink is symlink(2).
func (p *Proc) Symlink(target, linkpath string) error {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("symlink(%q, %q)", target, linkpath) }); err != nil {
		return errno("symlink", linkpath, asErrno(err))
	}
	if target == "" {
		return errno("symlink", linkpath, unix.ENOENT)
	}
	dir, base, err := p.createParent(linkpath)
	if err != nil {
		return errno("symlink", linkpath, asErrno(err))
	}
	d := join(dir.d, base)
	if _, ok := dir.m.sb.lstat(d); ok {
		return errno("symlink", linkpath, unix.EEXIST)
	}
	if err := creatable(dir); err != nil {
		return errno("symlink", linkpath, asErrno(err))
	}
	if err := dir.m.sb.symlink(d, target); err != nil {
		return errno("symlink", linkpath, asErrno(err))
	}
	return nil
}

// CreateFile creates an empty regular file (open(2) with O_CREAT|O_EXCL),
// for tests and fixtures that need files to bind-mount.
func (p *Proc) CreateFile(name string) error {
	dir, base, err := p.k.walkParent(p.root, p.cwd, name)
	if err != nil {
		return errno("open", name, asErrno(err))
	}
	if _, ok := dir.m.sb.lstat(join(dir.d, base)); ok {
		// open(2) steps into the existing file, crossing a mount on it,
		// before O_EXCL says EEXIST: that use clears an MNT_EXPIRE mark.
		p.k.down(loc{dir.m, join(dir.d, base)}).m.expiry = false
		return errno("open", name, unix.EEXIST)
	}
	if err := creatable(dir); err != nil {
		return errno("open", name, asErrno(err))
	}
	if err := dir.m.sb.createFile(join(dir.d, base)); err != nil {
		return errno("open", name, asErrno(err))
	}
	return nil
}
