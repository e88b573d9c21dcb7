package fake

import (
	"container/heap"
	"io/fs"

	"github.com/spf13/afero"

	"confine/mountinfo"

	"golang.org/x/sys/unix"
)

// DefaultMountMax is the default of the fs.mount-max sysctl (added after
// CVE-2016-6213): a namespace may hold at most this many mounts.
const DefaultMountMax = 100000

// Kernel is the whole modelled machine: every namespace, mount and
// superblock, and the global allocators.
type Kernel struct {
	mountIDs idAlloc // mnt_id_ida
	groupIDs idAlloc // mnt_group_ida
	anonDevs idAlloc // unnamed_dev_ida: minors of 0:N devices
	seq      uint64  // mnt_id_unique
	nsSeq    uint64  // namespace creation counter
	pids     int
	temps    int // Mkdtemp counter, so names are deterministic
	ghosts   int // names for unlinked dentries still in use

	mounts     map[int]*Mount // attached or detached but alive, by ID
	childIndex map[childKey]*Mount
	groupRefs  map[int]int // members of each peer group
	procs      []*Proc
	init       *Proc
	nsfs       *superblock
	keyed      map[string]*superblock // one superblock per type (sysfs, mqueue, …)

	faults []fault

	// trackers are told which mounts each call may have changed (track.go).
	trackers []*Tracker

	// MountMax is fs.mount-max; exceeding it fails with ENOSPC.
	MountMax int

	// CloneKeepsUnbindable chooses what unshare(CLONE_NEWNS) makes of an
	// unbindable mount. sharedsubtree.rst says the copy is unbindable;
	// 6.18.44 was observed to make it private and bindable
	// (kernel-propagation.md §9.1, §16). The default, false, is the 6.18
	// behaviour; set it to model older kernels.
	CloneKeepsUnbindable bool

	// ShowOptions renders a new filesystem's superblock options (mountinfo
	// field 11) as its show_options does on 6.18: tmpfs size in kilobytes
	// of whole pages and mode only when not 1777, devpts with mode and
	// ptmxmode always. New and FromMountinfo turn it on, because the
	// kernel is right; off, the options are shown as given to mount(2)
	// (the differential and conformance tests drop field 11 either way).
	ShowOptions bool
}

// childKey indexes the mount attached at a dentry of a parent mount
// (the kernel's mount hash, __lookup_mnt()).
type childKey struct {
	parent *Mount
	dentry string
}

// Option configures New and FromMountinfo.
type Option func(*config)

type config struct {
	rootFSType, rootSource string
	files                  func(e mountinfo.Entry) afero.Fs
}

// WithRoot sets the filesystem type and source of the mount at "/"
// (default "tmpfs" and "root").
func WithRoot(fstype, source string) Option {
	return func(c *config) { c.rootFSType, c.rootSource = fstype, source }
}

// New returns a kernel with one namespace whose "/" is an empty private
// filesystem, and one process (Init) in it.
func New(opts ...Option) *Kernel {
	c := config{rootFSType: "tmpfs", rootSource: "root"}
	for _, o := range opts {
		o(&c)
	}
	k := newKernel()
	ns := k.newNamespace()
	rootfs := k.newRootfs(ns)
	sb := k.newSuperblock(c.rootFSType, c.rootSource, "")
	m := k.newMount(sb, "/")
	m.flags, m.source = mntRelatime, c.rootSource
	k.attach(m, rootfs, "/")
	k.commitSubtree(m, ns)
	k.init = k.newProc(ns, loc{m, "/"})
	return k
}

func newKernel() *Kernel {
	k := &Kernel{
		mounts:      map[int]*Mount{},
		childIndex:  map[childKey]*Mount{},
		groupRefs:   map[int]int{},
		keyed:       map[string]*superblock{},
		MountMax:    DefaultMountMax,
		ShowOptions: true,
	}
	k.mountIDs.next = 1
	k.groupIDs.next = 1
	k.anonDevs.next = 1
	k.nsfs = k.newSuperblock("nsfs", "nsfs", "")
	return k
}

// Init returns the first process, in the first namespace.
func (k *Kernel) Init() *Proc { return k.init }

// newNamespace is alloc_mnt_ns(): a new namespace with the next sequence
// number.
func (k *Kernel) newNamespace() *Namespace {
	k.nsSeq++
	return &Namespace{seq: k.nsSeq}
}

// newRootfs makes the hidden bottom mount of a namespace (init_mount_tree()).
func (k *Kernel) newRootfs(ns *Namespace) *Mount {
	sb := k.newSuperblock("rootfs", "none", "")
	m := k.newMount(sb, "/")
	m.flags, m.source = mntRelatime, "none"
	ns.root = m
	m.ns = ns
	ns.count++
	return m
}

// newMount is alloc_vfsmnt(): a mount with fresh IDs, not attached, not
// shared, in no namespace.
func (k *Kernel) newMount(sb *superblock, root string) *Mount {
	k.seq++
	m := &Mount{ID: k.mountIDs.get(), seq: k.seq, sb: sb, root: root}
	m.peerNext, m.peerPrev = m, m
	k.mounts[m.ID] = m
	k.touch(m)
	return m
}

// freeMount releases a mount's ID (the kernel does it when the last
// reference goes; the model has no references to wait for).
func (k *Kernel) freeMount(m *Mount) {
	if k.mounts[m.ID] == m {
		k.touch(m)
		delete(k.mounts, m.ID)
		k.mountIDs.put(m.ID)
	}
}

// errno wraps an errno the way the real side does: errors.Is(err,
// unix.EINVAL) holds, and the message says which call and path failed.
func errno(op, path string, e unix.Errno) error {
	return &fs.PathError{Op: op, Path: path, Err: e}
}

// idAlloc hands out the lowest free positive integer, like the kernel's
// IDA: IDs come back after they are released. IDs reserved above the
// high-water mark (a seeded table's) are skipped when reached, so a huge
// reserved ID costs nothing.
type idAlloc struct {
	next     int
	free     intHeap
	reserved map[int]bool
}

func (a *idAlloc) get() int {
	if a.free.Len() > 0 {
		return heap.Pop(&a.free).(int)
	}
	for {
		id := a.next
		a.next++
		if !a.reserved[id] {
			return id
		}
		delete(a.reserved, id)
	}
}

func (a *idAlloc) put(id int) { heap.Push(&a.free, id) }

// reserve marks id as used (for seeding from a table with given IDs).
func (a *idAlloc) reserve(id int) {
	if id >= a.next {
		if a.reserved == nil {
			a.reserved = map[int]bool{}
		}
		a.reserved[id] = true
		return
	}
	for i, v := range a.free {
		if v == id {
			heap.Remove(&a.free, i)
			return
		}
	}
}

type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// asErrno extracts the errno from an internal error; anything else (which
// would be a bug in the model) becomes EIO rather than a panic.
func asErrno(err error) unix.Errno {
	if e, ok := err.(unix.Errno); ok {
		return e
	}
	if pe, ok := err.(*fs.PathError); ok {
		if e, ok := pe.Err.(unix.Errno); ok {
			return e
		}
	}
	return unix.EIO
}
