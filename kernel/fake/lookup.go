package fake

import (
	"io/fs"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// maxSymlinks is MAXSYMLINKS (include/linux/namei.h): a lookup that
// follows more links than this fails with ELOOP.
const maxSymlinks = 40

// loc is a struct path: a mount and a dentry (an absolute path within the
// mount's superblock).
type loc struct {
	m *Mount
	d string
}

// isDir reports whether the dentry at l is a directory.
func (l loc) isDir() bool {
	mode, ok := l.m.sb.stat(l.d)
	return ok && mode.IsDir()
}

// isMountRoot is path_mounted(): the dentry is the root of its mount.
func (l loc) isMountRoot() bool { return l.d == l.m.root }

// walkFlags choose lookup behaviour like LOOKUP_* flags.
type walkFlags int

const (
	followFinal walkFlags = 1 << iota // LOOKUP_FOLLOW
	mustBeDir                         // LOOKUP_DIRECTORY
	keepExpiry                        // do not clear the MNT_EXPIRE mark (umount2's own lookup)
)

// walk is path_lookupat(): it resolves name component by component from
// root (absolute names and absolute symlinks) or cwd, crossing into the
// topmost mount at each dentry, following symlinks (all but the last
// component always, the last one with followFinal or a trailing slash),
// and handling ".." across mount boundaries without ever leaving root
// (follow_dotdot()). With root set to a directory, this is openat2's
// RESOLVE_IN_ROOT.
func (k *Kernel) walk(root, cwd loc, name string, flags walkFlags) (_ loc, err error) {
	if name == "" {
		return loc{}, unix.ENOENT
	}
	cur := cwd
	if strings.HasPrefix(name, "/") {
		cur = root
	}
	// The lookup's final reference is dropped with mntput(), which clears
	// the mount's MNT_EXPIRE mark ("used since it was marked"), whether the
	// lookup succeeded or failed inside that mount.
	// umount2's own successful lookup keeps it (mntput_no_expire()).
	defer func() {
		if cur.m != nil && (flags&keepExpiry == 0 || err != nil) {
			cur.m.expiry = false
		}
	}()
	type comp struct {
		name string
		last bool
	}
	var stack []comp // pending components, last on top
	push := func(p string, last bool) {
		parts := strings.Split(p, "/")
		first := true
		for i := len(parts) - 1; i >= 0; i-- {
			if parts[i] == "" {
				continue
			}
			stack = append(stack, comp{parts[i], last && first})
			first = false
		}
	}
	trailingSlash := strings.HasSuffix(name, "/") && name != "/"
	push(name, true)
	links := 0
	// curDir caches cur.isDir() from the step that reached cur, which
	// stat'ed it already: stats through afero are most of a walk's cost.
	curDir, known := false, false
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !known {
			curDir, known = cur.isDir(), true
		}
		if !curDir {
			return loc{}, unix.ENOTDIR
		}
		switch c.name {
		case ".":
			continue
		case "..":
			cur, known = k.dotdot(cur, root), false
			continue
		}
		next := loc{cur.m, join(cur.d, c.name)}
		mode, ok := next.m.sb.lstat(next.d)
		if !ok {
			return loc{}, unix.ENOENT
		}
		if c := k.childAt(next.m, next.d); c != nil {
			next = k.down(next)
			mode, _ = next.m.sb.stat(next.d)
		}
		follow := !c.last || flags&followFinal != 0 || trailingSlash
		if mode&fs.ModeSymlink != 0 && follow {
			// nosymfollow: "Do not follow symbolic links when
			// resolving paths" (mount(8)); the kernel fails with ELOOP.
			if next.m.flags&mntNosymfollow != 0 {
				return loc{}, unix.ELOOP
			}
			links++
			if links > maxSymlinks {
				return loc{}, unix.ELOOP
			}
			target, ok := next.m.sb.readlink(next.d)
			if !ok || target == "" {
				return loc{}, unix.ENOENT
			}
			if strings.HasPrefix(target, "/") {
				cur, known = root, false
			}
			push(target, c.last)
			continue
		}
		cur, curDir, known = next, mode.IsDir(), true
	}
	if trailingSlash || flags&mustBeDir != 0 {
		if !known {
			curDir = cur.isDir()
		}
		if !curDir {
			return loc{}, unix.ENOTDIR
		}
	}
	return cur, nil
}

// dotdot is follow_dotdot() followed by the mount crossing of step_into():
// at the process's root ".." stays put; at the root of a mount it climbs to
// the mountpoint in the parent first.
func (k *Kernel) dotdot(cur, root loc) loc {
	for {
		if cur == root {
			return cur
		}
		if cur.d != cur.m.root {
			cur.d = path.Dir(cur.d)
			break
		}
		if cur.m.parent == nil {
			return cur
		}
		cur = loc{cur.m.parent, cur.m.mountpoint}
	}
	return k.down(cur)
}

// walkParent resolves everything but the last component of name, for the
// calls that create or remove a name (filename_parentat()). The last
// component must be a plain name.
func (k *Kernel) walkParent(root, cwd loc, name string) (loc, string, error) {
	trimmed := strings.TrimRight(name, "/")
	if trimmed == "" {
		if name == "" {
			return loc{}, "", unix.ENOENT
		}
		return loc{}, "", unix.EEXIST // "/" always exists
	}
	dir, base := path.Split(trimmed)
	if base == "." || base == ".." {
		return loc{}, "", unix.EINVAL
	}
	start := cwd
	if dir == "" {
		dir = "."
	}
	d, err := k.walk(root, start, dir, followFinal|mustBeDir)
	if err != nil {
		return loc{}, "", err
	}
	return d, base, nil
}

// pathOf is prepend_path()/d_path(): the path of l as seen from root, and
// whether l is reachable from root at all (mountinfo skips mounts that are
// not).
func pathOf(l, root loc) (string, bool) {
	m, d := l.m, l.d
	suffix := ""
	for {
		if !isSubdir(d, m.root) {
			return "", false
		}
		if m == root.m && isSubdir(d, root.d) {
			return join(rel(root.d, d), suffix), true
		}
		suffix = path.Join(rel(m.root, d), suffix)
		if m.parent == nil {
			return "", false
		}
		d, m = m.mountpoint, m.parent
	}
}

// isPathReachable is is_path_reachable(): whether (m, d) lies at or below
// root, going up through mountpoints.
func isPathReachable(l, root loc) bool {
	_, ok := pathOf(l, root)
	return ok
}

// mountTarget is lock_mount(): the topmost mount at t, which must not be a
// removed directory ("cant_mount()": ENOENT).
func (k *Kernel) mountTarget(t loc) (loc, error) {
	t = k.down(t)
	if t.m.sb.isUnlinked(t.d) {
		return t, unix.ENOENT
	}
	return t, nil
}
