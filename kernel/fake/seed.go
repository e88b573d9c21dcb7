package fake

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/afero"

	"confine/mountinfo"
)

// WithFiles gives FromMountinfo the files of each superblock (mounts with
// the same major:minor share one). It is called with the first table
// entry that names a superblock, and again for each later entry whose
// root lies outside every tree given so far (another btrfs subvolume of
// the same device); each call returns the tree as seen at that entry's
// mount point, i.e. the directory e.Root of the filesystem. For the live
// host that is afero.NewBasePathFs(hostFs, e.Point). A root inside a tree
// already given is taken from that tree, since a superblock has one
// dentry tree. Symbolic links in the returned trees are honoured when
// they implement afero.Lstater and afero.LinkReader (OsFs, BasePathFs and
// ReadOnlyFs over it, CopyOnWriteFs do).
func WithFiles(files func(e mountinfo.Entry) afero.Fs) Option {
	return func(c *config) { c.files = files }
}

// FromMountinfo builds a kernel whose first namespace holds exactly the
// mounts of table, a parsed /proc/self/mountinfo in the kernel's line
// order, and whose Init process has the table's "/" as its root:
//
//   - mount IDs, parent IDs, device numbers, roots, per-mount and
//     superblock options, fstype and source are kept, so MountInfo renders
//     the table back unchanged; a mount whose super options differ from
//     its superblock's first mount (btrfs's subvolid= and subvol= name the
//     subvolume of the mount's root) keeps its own, and so do later binds
//     of dentries below its root;
//   - shared:N puts the mount in peer group N; master:N makes it a slave of
//     group N (a group with no member in the table, because it lives in
//     another namespace, is represented by a detached mount, made a slave
//     of the group propagate_from names); unbindable is kept;
//   - the mount that the table's "/" sits on (its parent ID is not listed)
//     becomes the hidden rootfs, with that ID;
//   - the directory (or file) each mount sits on is created in its parent's
//     files when missing; if those files are read-only, lookups of that
//     mount point fail instead.
//
// Later lines may have smaller IDs than their parents (after a move or a
// pivot_root); each is attached to its parent whatever the order. A table
// read by a chrooted process may lack the mount around its root: mounts
// whose parent is not listed hang off "/" (or a hidden stand-in).
func FromMountinfo(table []mountinfo.Entry, opts ...Option) (*Kernel, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if len(table) == 0 {
		return nil, fmt.Errorf("mountinfo: empty table")
	}
	k := newKernel()
	byID := map[int]int{}
	for i, e := range table {
		if _, dup := byID[e.ID]; dup {
			return nil, fmt.Errorf("mountinfo: mount ID %d listed twice", e.ID)
		}
		byID[e.ID] = i
	}
	// The mount at "/" whose parent is out of sight is the root. Other
	// mounts whose parent is out of sight (a reader chrooted below a mount
	// root sees no line for the mount around it) hang off the root, or,
	// without a "/" line, off a hidden mount standing in for the unseen one.
	rootIdx := -1
	orphan := map[int]bool{}
	for i, e := range table {
		if _, ok := byID[e.Parent]; ok && e.Parent != e.ID {
			continue
		}
		switch {
		case e.Point != "/":
			orphan[i] = true
		case rootIdx >= 0:
			return nil, fmt.Errorf("mountinfo: two mounts (%d, %d) at / without a listed parent", table[rootIdx].ID, e.ID)
		default:
			rootIdx = i
		}
	}
	for _, e := range table {
		k.mountIDs.reserve(e.ID)
		if e.Major == 0 {
			k.anonDevs.reserve(e.Minor)
		}
	}
	ns := k.newNamespace()
	rootfsID := -1
	if rootIdx >= 0 && table[rootIdx].Parent != table[rootIdx].ID && table[rootIdx].Parent > 0 {
		rootfsID = table[rootIdx].Parent
		k.mountIDs.reserve(rootfsID)
	} else {
		rootfsID = k.mountIDs.get()
	}
	rootfs := &Mount{ID: rootfsID, root: "/", flags: mntRelatime, ns: ns, source: "none"}
	rootfs.sb = k.newSuperblock("rootfs", "none", "")
	rootfs.peerNext, rootfs.peerPrev = rootfs, rootfs
	k.seq++
	rootfs.seq = k.seq
	k.mounts[rootfsID] = rootfs
	ns.root = rootfs
	ns.count++

	// hidden stands for the unseen mount around a chrooted reader's root:
	// its "/" is above the reader's root, so it is never listed.
	var hidden *Mount
	procRoot := loc{}
	if rootIdx < 0 {
		hidden = k.newMount(k.newSuperblock("none", "none", ""), "/")
		hidden.flags, hidden.source = mntRelatime, "none"
		for i := range table {
			if orphan[i] {
				if id := table[i].Parent; id > 0 && k.mounts[id] == nil && id != hidden.ID {
					// Show the orphans' parent ID as the table does.
					delete(k.mounts, hidden.ID)
					k.mountIDs.put(hidden.ID)
					k.mountIDs.reserve(id)
					hidden.ID = id
					k.mounts[id] = hidden
				}
				break
			}
		}
		_ = hidden.sb.fs.MkdirAll("/chroot", 0o755)
		k.attach(hidden, rootfs, "/")
		procRoot = loc{hidden, "/chroot"}
	}

	sbs := map[[2]int]*superblock{}
	empty := map[*superblock]bool{} // seeded without files
	mounts := make([]*Mount, len(table))
	for i, e := range table {
		key := [2]int{e.Major, e.Minor}
		sb := sbs[key]
		if sb == nil {
			var made bool
			sb, made = seedSuperblock(e, c.files)
			sbs[key], empty[sb] = sb, made
		} else {
			seedRoot(sb, e, c.files, empty[sb])
		}
		k.seq++
		m := &Mount{ID: e.ID, seq: k.seq, sb: sb, root: join(e.Root), flags: parseMntFlags(e.Options),
			source: e.Source}
		if keyedFS[e.FSType] && k.keyed[e.FSType] == nil {
			k.keyed[e.FSType] = sb
		}
		m.peerNext, m.peerPrev = m, m
		k.mounts[m.ID] = m
		mounts[i] = m
	}
	// Attach parents before children, whatever the table order.
	attached := map[int]bool{}
	var attachOne func(i int, depth int) error
	attachOne = func(i int, depth int) error {
		if attached[i] {
			return nil
		}
		if depth > len(table) {
			return fmt.Errorf("mountinfo: mount %d: its parents form a cycle", table[i].ID)
		}
		e, m := table[i], mounts[i]
		if i == rootIdx {
			k.attach(m, rootfs, "/")
			attached[i] = true
			return nil
		}
		if orphan[i] {
			parent, base := hidden, "/chroot"
			if rootIdx >= 0 {
				if err := attachOne(rootIdx, depth+1); err != nil {
					return err
				}
				parent = mounts[rootIdx]
				base = parent.root
			}
			d := join(base, e.Point)
			if k.childAt(parent, d) != nil {
				return fmt.Errorf("mountinfo: mounts %d and %d both sit on %s", k.childAt(parent, d).ID, e.ID, e.Point)
			}
			makeMountpoint(parent.sb, d, m)
			k.attach(m, parent, d)
			attached[i] = true
			return nil
		}
		pi := byID[e.Parent]
		if err := attachOne(pi, depth+1); err != nil {
			return err
		}
		pe, parent := table[pi], mounts[pi]
		if !isSubdir(e.Point, pe.Point) {
			return fmt.Errorf("mountinfo: mount %d at %s is not below its parent %d at %s", e.ID, e.Point, pe.ID, pe.Point)
		}
		d := join(parent.root, rel(pe.Point, e.Point))
		if k.childAt(parent, d) != nil {
			return fmt.Errorf("mountinfo: mounts %d and %d both sit on %s of mount %d", k.childAt(parent, d).ID, e.ID, e.Point, pe.ID)
		}
		makeMountpoint(parent.sb, d, m)
		k.attach(m, parent, d)
		attached[i] = true
		return nil
	}
	for i := range table {
		if err := attachOne(i, 0); err != nil {
			return nil, err
		}
	}
	k.commitSubtree(rootfs, ns)
	if err := k.seedPropagation(table, mounts); err != nil {
		return nil, err
	}
	if rootIdx >= 0 {
		root := mounts[rootIdx]
		procRoot = loc{root, root.root}
	}
	k.init = k.newProc(ns, procRoot)
	if err := k.Check(); err != nil {
		return nil, fmt.Errorf("mountinfo: %v", err)
	}
	return k, nil
}

// seedSuperblock makes the superblock first named by e; empty says that
// no files were given for it, so its tree is made up as mounts name it.
func seedSuperblock(e mountinfo.Entry, files func(mountinfo.Entry) afero.Fs) (sb *superblock, empty bool) {
	sb = &superblock{fstype: e.FSType, major: e.Major, minor: e.Minor, base: "/"}
	sb.init()
	sb.ro, sb.opts = splitSuperOptions(e.SuperOptions)
	if files != nil {
		if fsys := files(e); fsys != nil {
			sb.fs = fsys
			sb.base = join(e.Root)
		}
	}
	if sb.fs == nil {
		sb.fs, empty = afero.NewMemMapFs(), true
		_ = sb.fs.MkdirAll(join(e.Root), 0o755)
	}
	return sb, empty
}

// seedRoot adds what a later mount e of sb shows: its root dentry, which
// may lie outside every tree given so far (another btrfs subvolume), and
// its super options, which may differ from the first mount's (btrfs
// shows the root's subvolume among them). A root inside a tree given
// before is taken from that tree: the superblock has one dentry tree.
func seedRoot(sb *superblock, e mountinfo.Entry, files func(mountinfo.Entry) afero.Fs, empty bool) {
	root := join(e.Root)
	_, opts := splitSuperOptions(e.SuperOptions)
	sb.addView(root, opts)
	if fsys, p, ok := sb.locate(root); ok {
		if empty {
			_ = fsys.MkdirAll(p, 0o755)
		}
		return
	}
	if files != nil {
		if fsys := files(e); fsys != nil {
			sb.addPart(root, fsys)
		}
	}
}

// splitSuperOptions splits mountinfo field 11 into the superblock's
// read-only flag and the rest.
func splitSuperOptions(s string) (ro bool, opts string) {
	first, rest, _ := strings.Cut(s, ",")
	switch first {
	case "ro", "rw":
		return first == "ro", rest
	}
	return false, s
}

// makeMountpoint creates dentry d in sb for child m to sit on: a directory,
// or an empty file when m's root is not a directory. Errors (a read-only
// tree) are ignored: the mount point then cannot be looked up, as on a
// host whose files were not captured.
func makeMountpoint(sb *superblock, d string, m *Mount) {
	if _, ok := sb.lstat(d); ok {
		return
	}
	fsys, p, ok := sb.locate(d)
	if !ok {
		return
	}
	if mode, ok := m.sb.lstat(m.root); ok && !mode.IsDir() {
		_ = fsys.MkdirAll(parentOf(p), 0o755)
		if f, err := fsys.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			f.Close()
		}
		return
	}
	_ = fsys.MkdirAll(p, 0o755)
}

func parentOf(p string) string {
	if i := strings.LastIndex(p, "/"); i > 0 {
		return p[:i]
	}
	return "/"
}

// seedPropagation applies the optional fields of the table.
func (k *Kernel) seedPropagation(table []mountinfo.Entry, mounts []*Mount) error {
	first := map[int]*Mount{}
	for i, e := range table {
		m := mounts[i]
		for _, tag := range e.Optional {
			name, val, _ := strings.Cut(tag, ":")
			switch name {
			case "shared":
				g, err := strconv.Atoi(val)
				if err != nil || g <= 0 {
					return fmt.Errorf("mountinfo: mount %d: bad tag %q", e.ID, tag)
				}
				if f := first[g]; f != nil {
					k.addPeerAfter(m, f.peerPrev)
				} else {
					k.groupIDs.reserve(g)
					k.setGroup(m, g)
					first[g] = m
				}
			case "unbindable":
				m.unbindable = true
			}
		}
	}
	for i, e := range table {
		m := mounts[i]
		for _, tag := range e.Optional {
			name, val, _ := strings.Cut(tag, ":")
			if name != "master" {
				continue
			}
			g, err := strconv.Atoi(val)
			if err != nil || g <= 0 {
				return fmt.Errorf("mountinfo: mount %d: bad tag %q", e.ID, tag)
			}
			if g == m.group {
				return fmt.Errorf("mountinfo: mount %d: slave of its own group %d", e.ID, g)
			}
			master := first[g]
			if master == nil {
				// The master group is out of sight: stand it in with a
				// detached mount of the same filesystem, itself a slave of
				// the group propagate_from names, if that one is in sight.
				master = k.newMount(m.sb, m.root)
				k.groupIDs.reserve(g)
				k.setGroup(master, g)
				first[g] = master
				if from := propagateFrom(e.Optional); from != 0 && first[from] != nil && from != g {
					master.master = first[from]
					first[from].slaves = append(first[from].slaves, master)
				}
			}
			master.slaves = append(master.slaves, m)
			m.master = master
		}
	}
	return nil
}

// propagateFrom returns the group of a propagate_from:N tag, or 0.
func propagateFrom(tags []string) int {
	for _, tag := range tags {
		if v, ok := strings.CutPrefix(tag, "propagate_from:"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				return n
			}
		}
	}
	return 0
}
