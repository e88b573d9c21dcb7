package fake

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/spf13/afero"
	"golang.org/x/sys/unix"
)

// superblock is one filesystem instance (struct super_block): every mount
// of it, whatever its root, sees the same files. Files live in an afero.Fs;
// symbolic links, which afero's MemMapFs lacks (spf13/afero#258), live in
// links, with an empty regular file in fs as a placeholder so that
// directory listings and rmdir's emptiness check see them.
type superblock struct {
	fstype, opts string
	ro           bool
	major, minor int

	fs   afero.Fs
	base string // the dentry that fs's "/" stands for (seeded trees)
	// parts are more pieces of a seeded tree and views the super options
	// of seeded mounts that show them differently (views.go).
	parts []sbPart
	views []optsView
	// nodes holds device nodes (the ptmx of a devpts instance): their
	// type and permission bits, with an empty file in fs as placeholder.
	nodes map[string]fs.FileMode

	links map[string]string
	// unlinked holds directories removed while a mount had them as its
	// root (or a process as its root or working directory): the dentry
	// lives on, unlinked (d_unlinked()), under a name of its own that no
	// lookup can produce ("/c/1//deleted\x00N"), so a new file created at
	// the old path is a different dentry. It stats as an empty directory
	// and nothing can be created in it.
	unlinked map[string]fs.FileMode
	owners   map[string][2]int
	inos     map[string]uint64
	ino      uint64

	ns *Namespace // for nsfs: the dentry "/" names this namespace
}

// newSuperblock is sget()+fill_super for a virtual filesystem: a fresh,
// empty tree and an anonymous device 0:N (get_anon_bdev()).
func (k *Kernel) newSuperblock(fstype, source, opts string) *superblock {
	sb := &superblock{fstype: fstype, opts: opts,
		minor: k.anonDevs.get(), fs: afero.NewMemMapFs(), base: "/"}
	sb.init()
	return sb
}

func (sb *superblock) init() {
	sb.links = map[string]string{}
	sb.owners = map[string][2]int{}
	sb.inos = map[string]uint64{}
	sb.unlinked = map[string]fs.FileMode{}
	sb.nodes = map[string]fs.FileMode{}
}

// superOptions renders mountinfo field 11 for a mount of the superblock
// whose root has no view of its own (views.go).
func (sb *superblock) superOptions() string {
	s := "rw"
	if sb.ro {
		s = "ro"
	}
	if sb.opts != "" {
		s += "," + sb.opts
	}
	return s
}

// lstat reports the type and permission bits of dentry d; ok is false when
// it does not exist.
func (sb *superblock) lstat(d string) (mode fs.FileMode, ok bool) {
	if _, isLink := sb.links[d]; isLink {
		return fs.ModeSymlink | 0o777, true
	}
	if mode, isNode := sb.nodes[d]; isNode {
		return mode, true
	}
	fsys, p, ok := sb.locate(d)
	if !ok {
		return 0, false
	}
	var fi fs.FileInfo
	var err error
	if l, isL := fsys.(afero.Lstater); isL {
		fi, _, err = l.LstatIfPossible(p)
	} else {
		fi, err = fsys.Stat(p)
	}
	if err != nil {
		return 0, false
	}
	return fi.Mode(), true
}

// stat is lstat for a dentry already in hand (a mount's root, a working
// directory): unlike a lookup by name, it finds a directory that was
// removed while a mount kept it alive.
func (sb *superblock) stat(d string) (fs.FileMode, bool) {
	if mode, ok := sb.lstat(d); ok {
		return mode, true
	}
	mode, ok := sb.unlinked[d]
	return mode, ok
}

// isUnlinked reports whether d is a removed directory kept alive by a
// mount on it.
func (sb *superblock) isUnlinked(d string) bool {
	_, ok := sb.unlinked[d]
	return ok
}

// readlink returns the text of the symlink at d.
func (sb *superblock) readlink(d string) (string, bool) {
	if t, ok := sb.links[d]; ok {
		return t, true
	}
	mode, ok := sb.lstat(d)
	if !ok || mode&fs.ModeSymlink == 0 {
		return "", false
	}
	fsys, p, _ := sb.locate(d)
	if r, isR := fsys.(afero.LinkReader); isR {
		t, err := r.ReadlinkIfPossible(p)
		return t, err == nil
	}
	return "", false
}

// inode returns a stable inode number for d.
func (sb *superblock) inode(d string) uint64 {
	if n, ok := sb.inos[d]; ok {
		return n
	}
	sb.ino++
	sb.inos[d] = sb.ino
	return sb.ino
}

// fileMode converts chmod(1) bits to an fs.FileMode.
func fileMode(mode uint32) fs.FileMode {
	m := fs.FileMode(mode & 0o777)
	if mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

func (sb *superblock) mkdir(d string, mode uint32) error {
	fsys, p, ok := sb.locate(d)
	if !ok {
		return unix.EROFS
	}
	if err := keepAncestorModes(fsys, p, func() error { return fsys.Mkdir(p, fileMode(mode)) }); err != nil {
		return toErrno(err)
	}
	// MemMapFs keeps the mode as given; afero.OsFs applies the umask, as
	// mkdir(2) does. Either way Chmod makes the sticky bit stick.
	_ = fsys.Chmod(p, fs.ModeDir|fileMode(mode))
	return nil
}

func (sb *superblock) createFile(d string) error {
	fsys, p, ok := sb.locate(d)
	if !ok {
		return unix.EROFS
	}
	var f afero.File
	err := keepAncestorModes(fsys, p, func() (err error) {
		f, err = fsys.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		return err
	})
	if err != nil {
		return toErrno(err)
	}
	return f.Close()
}

// keepAncestorModes runs create, which makes the name p in fsys, and then
// gives every ancestor of p back the permission bits it had before.
// Creating a name never changes its parent's mode on Linux, but a
// copy-on-write tree (afero.CopyOnWriteFs, which sim lays over a live or
// fixture host) copies the missing parents into its layer with the new
// file's mode: mkdir of snap-confine's 0700 private /tmp directory made
// the host's /tmp 0700 instead of 1777 (found by comparing the classic
// profile's launch with the real kernel, executor/shippedtest).
func keepAncestorModes(fsys afero.Fs, p string, create func() error) error {
	type saved struct {
		dir  string
		mode fs.FileMode
	}
	var before []saved
	for d := path.Dir(p); ; d = path.Dir(d) {
		if fi, err := fsys.Stat(d); err == nil {
			before = append(before, saved{d, fi.Mode()})
		}
		if d == "/" || d == "." {
			break
		}
	}
	if err := create(); err != nil {
		return err
	}
	for _, s := range before {
		if fi, err := fsys.Stat(s.dir); err == nil && fi.Mode() != s.mode {
			_ = fsys.Chmod(s.dir, s.mode)
		}
	}
	return nil
}

func (sb *superblock) symlink(d, target string) error {
	if err := sb.createFile(d); err != nil {
		return err
	}
	sb.links[d] = target
	return nil
}

// isEmptyDir reports whether the directory d has no entries.
func (sb *superblock) isEmptyDir(d string) bool {
	fsys, p, ok := sb.locate(d)
	if !ok {
		return true
	}
	names, err := afero.ReadDir(fsys, p)
	return err == nil && len(names) == 0
}

func (sb *superblock) remove(d string) error {
	fsys, p, ok := sb.locate(d)
	if !ok {
		return unix.EROFS
	}
	if err := fsys.Remove(p); err != nil {
		return toErrno(err)
	}
	delete(sb.links, d)
	delete(sb.nodes, d)
	delete(sb.owners, d)
	delete(sb.inos, d)
	return nil
}

// toErrno maps afero's errors to the errno the kernel would give.
func toErrno(err error) unix.Errno {
	var e unix.Errno
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, fs.ErrExist), strings.Contains(err.Error(), "already exists"):
		return unix.EEXIST
	case errors.Is(err, fs.ErrNotExist), strings.Contains(err.Error(), "not exist"):
		return unix.ENOENT
	case errors.Is(err, fs.ErrPermission):
		return unix.EPERM
	}
	return unix.EIO
}
