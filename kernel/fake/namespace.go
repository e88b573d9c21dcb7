package fake

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Unshare is fork(2) followed by unshare(CLONE_NEWNS) in the child: it
// returns a new process in a copy of p's namespace (fs/namespace.c
// copy_mnt_ns()) and leaves p where it was, so that a test can act on
// either side and watch the other. The copy (§9.1):
//
//   - a shared mount's copy is a peer of the original (same group: events
//     flow between the namespaces);
//   - a slave's copy is a slave of the same master;
//   - a private mount's copy is private;
//   - an unbindable mount's copy is private and bindable on 6.18
//     (Kernel.CloneKeepsUnbindable selects the documented behaviour);
//   - binds of namespace files are not copied (no CL_COPY_MNT_NS_FILE).
//
// The copy has new mount IDs, in depth-first tree order. The new
// process's root and working directory are the copies of p's.
func (p *Proc) Unshare() (*Proc, error) {
	k := p.k
	if err := k.fault("unshare(CLONE_NEWNS)"); err != nil {
		return nil, errno("unshare", "CLONE_NEWNS", asErrno(err))
	}
	old := p.ns
	if old.count > k.MountMax {
		return nil, errno("unshare", "CLONE_NEWNS", unix.ENOSPC)
	}
	ns := k.newNamespace()
	copyRoot := k.copyTree(old.root, old.root.root, clCopyUnbindable)
	k.commitSubtree(copyRoot, ns)
	ns.root = copyRoot
	// Map old mounts to their copies (the second pass of copy_mnt_ns()).
	mapped := map[*Mount]*Mount{}
	var pair func(a, b *Mount)
	pair = func(a, b *Mount) {
		mapped[a] = b
		i := 0
		for _, c := range a.children {
			if c.sb.ns != nil {
				continue
			}
			if i < len(b.children) {
				pair(c, b.children[i])
			}
			i++
		}
	}
	pair(old.root, copyRoot)
	q := k.newProc(ns, loc{mapped[p.root.m], p.root.d})
	q.cwd = loc{mapped[p.cwd.m], p.cwd.d}
	q.umask = p.umask
	if q.root.m == nil {
		q.root = k.down(loc{copyRoot, "/"})
	}
	if q.cwd.m == nil {
		q.cwd = q.root
	}
	return q, nil
}

// Setns is setns(2) with a mount namespace: p joins other's namespace, and
// its root and working directory become that namespace's root, following
// the mounts on it (mntns_install()).
func (p *Proc) Setns(other *Proc) error {
	if err := p.k.fault("setns(CLONE_NEWNS)"); err != nil {
		return errno("setns", "CLONE_NEWNS", asErrno(err))
	}
	p.join(other.ns)
	return nil
}

func (p *Proc) join(ns *Namespace) {
	r := p.k.down(loc{ns.root, ns.root.root})
	p.ns, p.root, p.cwd = ns, r, r
	p.k.touchAll()
}

// BindNamespace is mount --bind /proc/<pid>/ns/mnt target, with pid the
// process of: it keeps of's namespace alive on the file target, the way
// snap-confine preserves /run/snapd/ns/<snap>.mnt (§9.3). It fails with
// EINVAL unless of's namespace is newer than p's (mnt_ns_loop(), §9.4;
// binding one's own namespace is EINVAL too), and with ENOTDIR when target
// is a directory.
func (p *Proc) BindNamespace(of *Proc, target string) error {
	call := fmt.Sprintf("mount(%q, %q, \"\", MS_BIND, \"\")", fmt.Sprintf("/proc/%d/ns/mnt", of.pid), target)
	if err := p.k.fault(call); err != nil {
		return errno("mount", target, asErrno(err))
	}
	t, err := p.lookup(target, followFinal)
	if err != nil {
		return errno("mount", target, asErrno(err))
	}
	t = p.k.down(t)
	if err := p.k.nsLoop(p.ns, of.ns); err != nil {
		return errno("mount", target, asErrno(err))
	}
	if t.isDir() {
		return errno("mount", target, unix.ENOTDIR)
	}
	sb := p.k.nsSuperblock(of.ns)
	m := p.k.newMount(sb, sb.nsDentry())
	m.flags, m.source = mntFlags(0), "nsfs"
	if err := p.k.attachRecursive(m, t.m, t.d, false); err != nil {
		p.k.freeMount(m)
		return errno("mount", target, asErrno(err))
	}
	return nil
}

// nsSuperblock returns the nsfs "superblock" for one namespace: the
// kernel has one nsfs superblock with a dentry per namespace; the model
// keeps one per namespace so that the file knows which namespace it names.
func (k *Kernel) nsSuperblock(ns *Namespace) *superblock {
	sb := &superblock{fstype: "nsfs", major: k.nsfs.major,
		minor: k.nsfs.minor, fs: k.nsfs.fs, base: "/", ns: ns}
	sb.init()
	d := sb.nsDentry()
	if _, ok := sb.lstat(d); !ok {
		_ = sb.createFile(d)
	}
	return sb
}

// nsDentry is the name nsfs gives a mount namespace's inode, as mountinfo
// shows it in the root field: "mnt:[4026531841]" (the inode number; the
// model derives it from the sequence number).
func (sb *superblock) nsDentry() string {
	return fmt.Sprintf("/mnt:[%d]", 4026531840+sb.ns.seq)
}

// SetnsFile is setns(2) on a file that a namespace was bound to with
// BindNamespace (open(path) then setns(fd, CLONE_NEWNS)); EINVAL when the
// file is not a mount namespace file.
func (p *Proc) SetnsFile(path string) error {
	if err := p.k.fault("setns(CLONE_NEWNS)"); err != nil {
		return errno("setns", path, asErrno(err))
	}
	l, err := p.lookup(path, followFinal)
	if err != nil {
		return errno("open", path, asErrno(err))
	}
	if l.m.sb.ns == nil {
		return errno("setns", path, unix.EINVAL)
	}
	p.join(l.m.sb.ns)
	return nil
}
