package executor

import (
	"path"

	"golang.org/x/sys/unix"
)

// maxStacked bounds the lazy unmounts of the scratch directory: a
// bootstrap stacks a self-bind and the rootfs there, rarely more.
const maxStacked = 16

// undo removes, best effort, what a failed execution made on the host's
// file systems, and returns the host paths it could not remove (see
// OpError.Leftovers). Mounts other than the scratch directory's are left
// to the caller, which discards the namespace.
//
// The order matters. Directories made inside the new root go first,
// while the scratch tree that holds them is still there. Then the scratch
// directory's mounts are detached and it is removed. Directories made at
// host paths go last: a base that is an rbind of the host's "/" makes
// them mount points inside the scratch tree until it is gone. rmdir only
// removes empty directories, so nothing that was there before can go.
func (r *run) undo() []string {
	for i := len(r.created) - 1; i >= 0; i-- {
		if c := r.created[i]; c.root != "" || c.pivoted {
			r.rmdir(c)
		}
	}
	r.removeScratch()
	var leftovers []string
	for i := len(r.created) - 1; i >= 0; i-- {
		if c := r.created[i]; c.root == "" && !c.pivoted {
			if err := r.rmdir(c); err != nil && !isErrno(err, unix.ENOENT) {
				leftovers = append(leftovers, c.name)
			}
		}
	}
	return leftovers
}

// rmdir removes a created directory through its held parent. Where that
// name no longer works (the fake kernel names the parent by path, which
// the pivot moved), it tries where the directory is after the pivot: the
// scratch tree is the new root and the host's tree hangs under put_old.
// On Linux the held parent's name keeps working, with or without /proc in
// the new root: rmdir takes it as the descriptor itself.
func (r *run) rmdir(c createdDir) error {
	err := r.sys.Rmdir(c.path)
	if err == nil || !r.pivoted || c.pivoted || !isErrno(err, unix.ENOENT) {
		return err
	}
	moved := place{root: "/", name: c.name, pivoted: true}
	if c.root == "" {
		moved.name = path.Join(r.putOld, c.name)
	}
	dst, release, rerr := r.resolveParent(moved)
	if rerr != nil {
		return err
	}
	defer release()
	return r.sys.Rmdir(dst)
}

// removeScratch detaches every mount stacked on the scratch directory and
// removes it.
func (r *run) removeScratch() {
	if r.scratch == "" {
		return
	}
	dir := r.scratch
	if r.pivoted {
		dir = path.Join(r.putOld, r.scratch)
	}
	for range maxStacked {
		// An rbind of a shared tree (the host's "/") holds peers of the
		// host's mounts: unmounting it as it is would propagate the
		// unmounts of its children to the host and take the host's /proc
		// with them. Made private first, a layer's children go quietly;
		// the layer itself still leaves its parent's peers, which is how
		// the scratch self-bind's copy in the host's /tmp goes away too.
		r.sys.Mount("none", dir, "", unix.MS_REC|unix.MS_PRIVATE, "")
		if err := r.sys.Unmount(dir, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil {
			break
		}
	}
	r.sys.Rmdir(dir)
}
