package fake

import (
	"fmt"
	"io/fs"
	"strings"

	"confine/kernel"

	"golang.org/x/sys/unix"
)

// Proc is a process as far as mounts are concerned: its mount namespace,
// root and working directory (struct fs_struct). It implements
// kernel.Syscalls; every path is resolved as that process would resolve
// it.
type Proc struct {
	k     *Kernel
	pid   int
	ns    *Namespace
	root  loc
	cwd   loc
	umask uint32
}

var _ kernel.Syscalls = (*Proc)(nil)

func (k *Kernel) newProc(ns *Namespace, root loc) *Proc {
	k.pids++
	p := &Proc{k: k, pid: k.pids, ns: ns, root: root, cwd: root, umask: 0o022}
	k.procs = append(k.procs, p)
	return p
}

// Kernel returns the kernel the process runs on.
func (p *Proc) Kernel() *Kernel { return p.k }

// Pid returns the process's ID (1 for Init, then counting up).
func (p *Proc) Pid() int { return p.pid }

// Namespace returns the process's mount namespace.
func (p *Proc) Namespace() *Namespace { return p.ns }

// Fork returns a new process in the same namespace with the same root and
// working directory (fork(2) without CLONE_NEWNS).
func (p *Proc) Fork() *Proc {
	c := p.k.newProc(p.ns, p.root)
	c.cwd, c.umask = p.cwd, p.umask
	return c
}

// Umask is umask(2): it sets the mask Mkdir applies and returns the old one.
func (p *Proc) Umask(mask uint32) uint32 {
	old := p.umask
	p.umask = mask & 0o777
	return old
}

func (p *Proc) lookup(name string, flags walkFlags) (loc, error) {
	return p.k.walk(p.root, p.cwd, name, flags)
}

// Lstat is lstat(2): a final symlink is not followed, a final mountpoint
// is crossed.
func (p *Proc) Lstat(name string) (kernel.Stat, error) {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("lstat(%q)", name) }); err != nil {
		return kernel.Stat{}, errno("lstat", name, asErrno(err))
	}
	l, err := p.lookup(name, 0)
	if err != nil {
		return kernel.Stat{}, errno("lstat", name, asErrno(err))
	}
	return statOf(l), nil
}

func statOf(l loc) kernel.Stat {
	sb := l.m.sb
	mode, _ := sb.stat(l.d)
	own := sb.owners[l.d]
	return kernel.Stat{Mode: mode, UID: own[0], GID: own[1],
		Dev: unix.Mkdev(uint32(sb.major), uint32(sb.minor)), Ino: sb.inode(l.d)}
}

// Readlink is readlink(2); EINVAL when the file is not a symlink.
func (p *Proc) Readlink(name string) (string, error) {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("readlink(%q)", name) }); err != nil {
		return "", errno("readlink", name, asErrno(err))
	}
	l, err := p.lookup(name, 0)
	if err != nil {
		return "", errno("readlink", name, asErrno(err))
	}
	t, ok := l.m.sb.readlink(l.d)
	if !ok {
		return "", errno("readlink", name, unix.EINVAL)
	}
	return t, nil
}

// Chdir is chdir(2).
func (p *Proc) Chdir(name string) error {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("chdir(%q)", name) }); err != nil {
		return errno("chdir", name, asErrno(err))
	}
	l, err := p.lookup(name, followFinal|mustBeDir)
	if err != nil {
		return errno("chdir", name, asErrno(err))
	}
	p.cwd = l
	return nil
}

// Chown is lchown(2).
func (p *Proc) Chown(name string, uid, gid int) error {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("lchown(%q, %d, %d)", name, uid, gid) }); err != nil {
		return errno("lchown", name, asErrno(err))
	}
	l, err := p.lookup(name, 0)
	if err != nil {
		return errno("lchown", name, asErrno(err))
	}
	if err := writable(l); err != nil {
		return errno("lchown", name, asErrno(err))
	}
	own := l.m.sb.owners[l.d]
	if uid != -1 {
		own[0] = uid
	}
	if gid != -1 {
		own[1] = gid
	}
	l.m.sb.owners[l.d] = own
	return nil
}

// Mkdtemp is mkdtemp(3). The fake replaces XXXXXX with a counter (000001,
// 000002, …) so that simulated runs and their goldens are stable.
func (p *Proc) Mkdtemp(template string) (string, error) {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("mkdtemp(%q)", template) }); err != nil {
		return "", errno("mkdtemp", template, asErrno(err))
	}
	if !strings.HasSuffix(template, "XXXXXX") {
		return "", errno("mkdtemp", template, unix.EINVAL)
	}
	prefix := strings.TrimSuffix(template, "XXXXXX")
	for {
		p.k.temps++
		name := fmt.Sprintf("%s%06d", prefix, p.k.temps)
		err := p.Mkdir(name, 0o700)
		if err == nil {
			return name, nil
		}
		if !isErrno(err, unix.EEXIST) {
			return "", errno("mkdtemp", template, asErrno(err))
		}
	}
}

func isErrno(err error, e unix.Errno) bool {
	pe, ok := err.(*fs.PathError)
	return ok && pe.Err == e
}

// Resolve follows kernel.Syscalls: with root set, name is resolved as
// openat2(RESOLVE_IN_ROOT) would ("/" and ".." stop at root, absolute
// symlinks restart at root), and the result is the symlink-free path of the
// file found, as this process names it.
func (p *Proc) Resolve(root, name string) (string, func(), error) {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("resolve(%q, %q)", root, name) }); err != nil {
		return "", nil, errno("resolve", name, asErrno(err))
	}
	r, c := p.root, p.cwd
	if root != "" {
		l, err := p.lookup(root, followFinal|mustBeDir)
		if err != nil {
			return "", nil, errno("resolve", root, asErrno(err))
		}
		r, c = l, l
	}
	l, err := p.k.walk(r, c, name, followFinal)
	if err != nil {
		return "", nil, errno("resolve", name, asErrno(err))
	}
	s, ok := pathOf(l, p.root)
	if !ok {
		return "", nil, errno("resolve", name, unix.EXDEV)
	}
	return s, func() {}, nil
}

// MountInfo renders /proc/self/mountinfo for this process.
func (p *Proc) MountInfo() ([]byte, error) {
	if err := p.k.fault("mountinfo()"); err != nil {
		return nil, errno("open", "/proc/self/mountinfo", asErrno(err))
	}
	return []byte(p.mountinfoText()), nil
}

// Chroot is chroot(2): later lookups of "/" and ".." stop at name, and
// mountinfo lists only what is reachable from it (with propagate_from
// where a slave's master group is out of sight).
func (p *Proc) Chroot(name string) error {
	if err := p.k.faultCall(func() string { return fmt.Sprintf("chroot(%q)", name) }); err != nil {
		return errno("chroot", name, asErrno(err))
	}
	l, err := p.lookup(name, followFinal|mustBeDir)
	if err != nil {
		return errno("chroot", name, asErrno(err))
	}
	p.root = l
	p.k.touchAll()
	return nil
}
