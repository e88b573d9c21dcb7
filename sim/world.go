package sim

import (
	"path"
	"strings"

	"github.com/spf13/afero"

	"confine/hosts"
	"confine/kernel"
	"confine/kernel/fake"
	"confine/mountinfo"
)

// pseudoFS are filesystems whose contents are the kernel's, not files:
// for a live host their real trees (/proc, /sys, …) are never read, only
// the directories that other mounts sit on are made.
var pseudoFS = map[string]bool{
	"proc": true, "sysfs": true, "cgroup": true, "cgroup2": true, "debugfs": true,
	"tracefs": true, "securityfs": true, "bpf": true, "pstore": true, "configfs": true,
	"fusectl": true, "efivarfs": true, "selinuxfs": true, "autofs": true, "mqueue": true,
	"hugetlbfs": true, "binfmt_misc": true, "devpts": true, "nsfs": true,
}

// newWorld seeds the fake kernel with host's mount table and files
// (fake.FromMountinfo) and returns its first process (the host's side)
// and a process in a new mount namespace unshared from it (the snap's
// side, before the program).
//
// Each simulation writes to a copy-on-write layer of its own over the
// host's files, so that one Host serves any number of simulations, and a
// live host's files are read-only twice over.
func newWorld(h *hosts.Host) (host, snap kernel.Syscalls, err error) {
	tree := afero.NewCopyOnWriteFs(afero.NewReadOnlyFs(h.Files), afero.NewMemMapFs())
	files := func(e mountinfo.Entry) afero.Fs {
		if h.Live() && pseudoFS[e.FSType] {
			return mountPoints(h.Mounts, e.Point)
		}
		return newBaseFs(tree, e.Point)
	}
	k, err := fake.FromMountinfo(h.Mounts, fake.WithFiles(files))
	if err != nil {
		return nil, nil, err
	}
	init := k.Init()
	child, err := init.Unshare()
	if err != nil {
		return nil, nil, err
	}
	// The launcher's kernel (kernel/linux) creates a directory with
	// exactly the mode the program asks for (mkdir, then fchmod), whatever
	// its umask: the snap's private /tmp is 1777. With umask 0 the fake's
	// mkdir(2) does the same (compared with the real kernel by
	// executor/shippedtest).
	child.Umask(0)
	return init, child, nil
}

// mountPoints is an in-memory tree holding only the directories that the
// mounts of table below point sit on, relative to point.
func mountPoints(table []mountinfo.Entry, point string) afero.Fs {
	fsys := afero.NewMemMapFs()
	for _, e := range table {
		if e.Point != point && within(e.Point, point) {
			fsys.MkdirAll(path.Clean("/"+strings.TrimPrefix(e.Point, point)), 0o755)
		}
	}
	return fsys
}
