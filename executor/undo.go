package executor

import (
	"path"

	"golang.org/x/sys/unix"
)

// maxStacked bounds the lazy unmounts of the scratch directory: a
// bootstrap stacks a self-bind and the rootfs there, rarely more.
const maxStacked = 16

// undo removes, best effort, what a failed execution made on the host's
// file systems: the directories the program created (rmdir only removes
// empty ones, so nothing that was there before can go) and the scratch
// directory, whose mounts are first detached in this namespace. Mounts
// elsewhere are left to the caller, which discards the namespace.
func (r *run) undo() {
	for i := len(r.created) - 1; i >= 0; i-- {
		pl := r.created[i]
		if r.pivoted && !pl.pivoted {
			if pl.root == "" {
				// The host's tree now hangs under put_old.
				pl = place{root: "/", name: path.Join(r.putOld, pl.name), pivoted: true}
			} else {
				// The scratch tree is the new root.
				pl = place{root: "/", name: pl.name, pivoted: true}
			}
		}
		if dst, release, err := r.resolveParent(pl); err == nil {
			r.sys.Rmdir(dst)
			release()
		}
	}
	if r.scratch == "" {
		return
	}
	dir := r.scratch
	if r.pivoted {
		dir = path.Join(r.putOld, r.scratch)
	}
	for range maxStacked {
		if err := r.sys.Unmount(dir, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil {
			break
		}
	}
	r.sys.Rmdir(dir)
}
