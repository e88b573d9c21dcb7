package fake

import (
	"strings"

	"github.com/spf13/afero"
)

// A superblock has one dentry tree, and each mount of it shows one dentry
// of that tree as its root. A seeded host hands the files over one mount
// at a time, each tree as seen at that mount's point, so a filesystem
// mounted several times with roots that do not nest (btrfs subvolumes
// /root and /home of one device, kernel-propagation.md §13) arrives in
// pieces. The pieces are the superblock's parts: the files at and below
// dentry base come from fs, and the part with the longest base wins, so
// that a piece given for /home answers for /home/alice even when another
// piece covers "/".

// sbPart is one piece of a seeded superblock's dentry tree.
type sbPart struct {
	base string
	fs   afero.Fs
}

// locate maps dentry d to the tree that holds it and the path there. The
// superblock's own fs and base are the first part. ok is false for a
// dentry outside every part: the seed never said what is there.
func (sb *superblock) locate(d string) (fsys afero.Fs, p string, ok bool) {
	fsys, base := sb.fs, sb.base
	if base == "" {
		base = "/"
	}
	if !isSubdir(d, base) {
		fsys = nil
	}
	for _, part := range sb.parts {
		if isSubdir(d, part.base) && (fsys == nil || len(part.base) > len(base)) {
			fsys, base = part.fs, part.base
		}
	}
	switch {
	case fsys == nil:
		return nil, "", false
	case base == "/":
		return fsys, d, true
	}
	return fsys, join(rel(base, d)), true
}

// addPart gives the superblock the files at and below dentry base.
func (sb *superblock) addPart(base string, fsys afero.Fs) {
	sb.parts = append(sb.parts, sbPart{base: base, fs: fsys})
}

// optsView is what the mounts whose root lies at or below root show as
// super options when that differs from the superblock's. btrfs prints the
// subvolume of the mount's root dentry among its super options
// (btrfs_show_options(): subvolid=, subvol=), so two mounts of one btrfs
// show different option strings although the options are the
// superblock's; a seeded table keeps them per mount.
type optsView struct {
	root string
	// shown is the options the seeded line showed (without rw/ro) while
	// the superblock's options were baseline.
	shown, baseline string
}

// superOptionsAt renders mountinfo field 11 for a mount whose root is
// dentry root.
func (sb *superblock) superOptionsAt(root string) string {
	s := "rw"
	if sb.ro {
		s = "ro"
	}
	if opts := sb.optsAt(root); opts != "" {
		s += "," + opts
	}
	return s
}

// optsAt is the superblock's options as the longest view covering root
// changes them.
func (sb *superblock) optsAt(root string) string {
	var view *optsView
	for i := range sb.views {
		v := &sb.views[i]
		if isSubdir(root, v.root) && (view == nil || len(v.root) > len(view.root)) {
			view = v
		}
	}
	switch {
	case view == nil:
		return sb.opts
	case sb.opts == view.baseline:
		return view.shown
	}
	// A remount changed the superblock's options since the seed: show the
	// new ones with this view's own values put back in.
	return overrideOpts(sb.opts, view.baseline, view.shown)
}

// addView records that mounts with root at or below root show shown (the
// super options of a seeded line, without rw/ro), unless that is what
// they would show anyway.
func (sb *superblock) addView(root, shown string) {
	if sb.optsAt(root) != shown {
		sb.views = append(sb.views, optsView{root: root, shown: shown, baseline: sb.opts})
	}
}

// overrideOpts applies to now the options in which shown differs from
// baseline: a key whose value differs, or that baseline lacks, takes
// shown's value (in place, or appended); a key shown lacks is dropped.
func overrideOpts(now, baseline, shown string) string {
	key := func(o string) string { k, _, _ := strings.Cut(o, "="); return k }
	base := map[string]string{}
	for _, o := range splitOpts(baseline) {
		base[key(o)] = o
	}
	set := map[string]string{}
	var order []string
	inShown := map[string]bool{}
	for _, o := range splitOpts(shown) {
		inShown[key(o)] = true
		if base[key(o)] != o {
			set[key(o)] = o
			order = append(order, key(o))
		}
	}
	var out []string
	used := map[string]bool{}
	for _, o := range splitOpts(now) {
		k := key(o)
		switch {
		case set[k] != "":
			out = append(out, set[k])
			used[k] = true
		case base[k] != "" && !inShown[k]:
			// dropped in this view
		default:
			out = append(out, o)
		}
	}
	for _, k := range order {
		if !used[k] {
			out = append(out, set[k])
		}
	}
	return strings.Join(out, ",")
}

func splitOpts(s string) []string {
	var out []string
	for _, o := range strings.Split(s, ",") {
		if o != "" {
			out = append(out, o)
		}
	}
	return out
}
