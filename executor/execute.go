package executor

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"golang.org/x/sys/unix"

	"confine/kernel"
	"confine/plan"
)

// Options adjust Execute.
type Options struct {
	// Trace, when not nil, receives each op in mount(8) syntax, with
	// placeholders substituted, before it runs. The CLI sets it to stderr
	// when CONFINE_DEBUG=1.
	Trace io.Writer
	// ScratchPattern is the mkdtemp(3) template for $SCRATCH; empty means
	// plan.ScratchPattern.
	ScratchPattern string
}

// Result is what a successful execution leaves behind.
type Result struct {
	// Scratch is the directory that replaced $SCRATCH ("" when the program
	// does not use it).
	Scratch string
	// Skipped lists the indices of optional ops that were skipped because
	// their source or target did not exist, or (for propagation changes)
	// because an optional op on the same target was skipped before.
	Skipped []int
}

// Execute runs prog's ops in order on sys, in the calling goroutine (so on
// the caller's thread, and in its mount namespace). It stops at the first
// failure, undoes what it safely can on the host side (see the package
// documentation) and returns an *OpError.
func Execute(prog *plan.Program, sys kernel.Syscalls, opts Options) (*Result, error) {
	if prog == nil || sys == nil {
		return nil, errors.New("cannot execute: no program or no kernel")
	}
	scratch, mkdirs := scan(prog)
	// One allocation for every directory the program may create, instead
	// of a slice that doubles its way up in programs with many mkdirs.
	r := &run{sys: sys, opts: opts, created: make([]createdDir, 0, mkdirs)}
	if scratch {
		pattern := opts.ScratchPattern
		if pattern == "" {
			pattern = plan.ScratchPattern
		}
		dir, err := sys.Mkdtemp(pattern)
		if err != nil {
			return nil, fmt.Errorf("cannot create temporary directory for the root file system: %w", err)
		}
		r.scratch = dir
		r.tracef("scratch directory for constructing namespace: %s", dir)
	}
	res := &Result{Scratch: r.scratch}
	// skippedTargets holds the targets of skipped optional ops, so that
	// an optional propagation change of the same entry is skipped with its
	// mount instead of acting on whatever lies beneath.
	var skippedTargets map[string]bool
	defer r.dropRoot()
	for i, op := range prog.Ops {
		if r.opts.Trace != nil {
			r.tracef("performing operation: %s  # %s", r.substitute(op).String(), op.Where())
		}
		if op.Optional && op.Kind.IsPropagation() && skippedTargets[op.Target] {
			r.traceOp("skipped optional operation: %s (its mount was skipped)", op)
			res.Skipped = append(res.Skipped, i)
			continue
		}
		err := r.do(op)
		if !r.pivoted || op.Kind == plan.Pivot {
			// Before the pivot any op may stack a mount on the
			// scratch directory, which changes what its name opens.
			r.dropRoot()
		}
		if err != nil && op.Optional && errors.Is(err, unix.ENOENT) {
			r.traceOp("skipped optional operation: %s", op)
			res.Skipped = append(res.Skipped, i)
			if skippedTargets == nil {
				skippedTargets = map[string]bool{}
			}
			skippedTargets[op.Target] = true
			continue
		}
		if err != nil {
			leftovers := r.undo()
			r.releaseCreated()
			e := newOpError(i, op, r.substitute(op), err)
			e.Leftovers = leftovers
			return nil, e
		}
	}
	r.releaseCreated()
	return res, nil
}

func (r *run) releaseCreated() {
	for _, c := range r.created {
		c.release()
	}
	r.created = nil
}

// scan reports whether prog uses $SCRATCH and how many mkdir ops it has.
func scan(prog *plan.Program) (scratch bool, mkdirs int) {
	for _, op := range prog.Ops {
		if !scratch && (strings.Contains(op.Source, plan.Scratch) || strings.Contains(op.Target, plan.Scratch)) {
			scratch = true
		}
		if op.Kind == plan.Mkdir {
			mkdirs++
		}
	}
	return scratch, mkdirs
}

// run is the state of one execution.
type run struct {
	sys     kernel.Syscalls
	opts    Options
	scratch string
	// pivoted is set once pivot_root succeeded; from then on paths are
	// resolved in the new root, "/".
	pivoted bool
	// putOld is where the old root went, as a path in the new root.
	putOld string
	// procChecked and procOK record whether /proc/self/fd is reachable
	// after the pivot (a new root without /proc cannot use procfd paths).
	procChecked, procOK bool
	// created lists the directories the program made, to remove them
	// again if a later op fails.
	created []createdDir
	// root is the lookup root held open (see holdRoot).
	root heldRoot
}

// heldRoot is a root directory resolved once for many lookups.
type heldRoot struct {
	name    string // the root as locate gave it ("" when none is held)
	path    string // what Resolve returned for it
	release func()
}

// createdDir is a directory the program made. Its parent stays open
// (path names it through the held descriptor) until execution ends, so
// that undo removes the very directory it made even when a later mount
// has covered its name.
type createdDir struct {
	place
	path    string // the name mkdir was given: resolved parent + "/" + base
	release func()
}

// place is a path together with the root it is resolved in.
type place struct {
	root, name string
	pivoted    bool
}

func (r *run) tracef(format string, args ...any) {
	if r.opts.Trace != nil {
		fmt.Fprintf(r.opts.Trace, "confine: "+format+"\n", args...)
	}
}

// traceOp traces op with placeholders substituted. The text is only built
// when someone reads it: rendering every op cost more than running it.
func (r *run) traceOp(format string, op plan.Op) {
	if r.opts.Trace != nil {
		r.tracef(format, r.substitute(op).String())
	}
}

func (r *run) subst(p string) string {
	if r.scratch == "" {
		return p
	}
	return strings.ReplaceAll(p, plan.Scratch, r.scratch)
}

// substitute returns op with its placeholders replaced, for messages.
func (r *run) substitute(op plan.Op) plan.Op {
	op.Source, op.Target = r.subst(op.Source), r.subst(op.Target)
	return op
}

// locate decides the root a program path is resolved in: the scratch
// directory for $SCRATCH/… before the pivot, the new root after it, and
// the caller's own root for host paths before it.
func (r *run) locate(p string) place {
	if r.pivoted {
		return place{root: "/", name: r.subst(p), pivoted: true}
	}
	if r.scratch != "" && strings.HasPrefix(p, plan.Scratch) {
		rest := p[len(plan.Scratch):]
		switch {
		case rest == "":
			return place{root: r.scratch, name: "/"}
		case rest[0] == '/' && (len(rest) == 1 || rest[1] != '/'):
			// Program paths are clean: rest is the name as it stands.
			return place{root: r.scratch, name: rest}
		case rest[0] == '/':
			return place{root: r.scratch, name: "/" + strings.TrimLeft(rest, "/")}
		}
	}
	return place{name: r.subst(p)}
}

// resolve returns a path naming the file at pl, and its release function.
func (r *run) resolve(pl place) (string, func(), error) {
	root := ""
	if pl.root != "" {
		var err error
		if root, err = r.holdRoot(pl.root); err != nil {
			return "", nil, err
		}
	}
	resolved, release, err := r.sys.Resolve(root, pl.name)
	if err != nil {
		return "", nil, err
	}
	return r.usable(pl, resolved, release)
}

// resolveBrief is resolve for a path used only until the op ends, as a
// mount's source and target are: "/" in a root is then the held root
// itself, which is what a lookup would open again. The held root goes
// when the op ends (before the pivot) or at a pivot, so a path that
// outlives the op, such as the parent a created directory keeps for undo,
// must come from resolve: a later name of that descriptor number could be
// another file.
func (r *run) resolveBrief(pl place) (string, func(), error) {
	if pl.root == "" || pl.name != "/" {
		return r.resolve(pl)
	}
	root, err := r.holdRoot(pl.root)
	if err != nil {
		return "", nil, err
	}
	return r.usable(pl, root, noRelease)
}

// usable checks that a resolved path can be used for the call at pl.
func (r *run) usable(pl place, resolved string, release func()) (string, func(), error) {
	if pl.pivoted && strings.HasPrefix(resolved, "/proc/self/fd/") && !r.haveProc() {
		// The new root is "/", so the kernel's own lookup is already
		// confined to it; without /proc the plain path is the safe choice.
		release()
		return pl.name, noRelease, nil
	}
	return resolved, release, nil
}

func noRelease() {}

// holdRoot resolves the root directory of a lookup once and keeps it for
// the lookups that follow (on Linux an O_PATH descriptor, passed back to
// Resolve as /proc/self/fd/N), instead of opening and closing the root on
// every lookup. Execute drops it whenever what the root's name opens may
// have changed: after every op before the pivot, since a mount stacked on
// the scratch directory changes it, and at a pivot. After the pivot the
// root is "/", which opens the calling thread's root whatever is mounted
// on it, and only pivot_root (or chroot) moves that.
func (r *run) holdRoot(root string) (string, error) {
	if r.root.name == root {
		return r.root.path, nil
	}
	r.dropRoot()
	resolved, release, err := r.sys.Resolve("", root)
	if err != nil {
		return "", err
	}
	r.root = heldRoot{name: root, path: resolved, release: release}
	return resolved, nil
}

// dropRoot releases the held root, if any.
func (r *run) dropRoot() {
	if r.root.release != nil {
		r.root.release()
	}
	r.root = heldRoot{}
}

func (r *run) haveProc() bool {
	if !r.procChecked {
		_, err := r.sys.Lstat("/proc/self/fd")
		r.procChecked, r.procOK = true, err == nil
	}
	return r.procOK
}

// resolveParent resolves the directory holding pl and appends the last
// component unresolved, for calls that must not follow it.
func (r *run) resolveParent(pl place) (string, func(), error) {
	name := pl.name
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	name = path.Clean(name) // allocates only when name was not clean
	if name == "/" {
		return r.resolve(pl)
	}
	dir, base := path.Split(name)
	parent := pl
	parent.name = dir
	resolved, release, err := r.resolve(parent)
	if err != nil {
		return "", nil, err
	}
	return strings.TrimSuffix(resolved, "/") + "/" + base, release, nil
}

// do runs one op.
func (r *run) do(op plan.Op) error {
	call, err := Lower(op)
	if err != nil {
		return err
	}
	target := r.locate(op.Target)
	switch call.Name {
	case "mount":
		source := call.Source
		if op.Kind == plan.Bind || op.Kind == plan.Move {
			from := r.locate(op.Source)
			src, release, err := r.resolveBrief(from)
			if err != nil {
				return err
			}
			defer release()
			if from == target {
				// A self-bind: one lookup names both ends.
				return r.sys.Mount(src, src, call.FSType, call.Flags, call.Data)
			}
			source = src
		}
		dst, release, err := r.resolveBrief(target)
		if err != nil {
			return err
		}
		defer release()
		return r.sys.Mount(source, dst, call.FSType, call.Flags, call.Data)
	case "umount2":
		dst, release, err := r.resolveParent(target)
		if err != nil {
			return err
		}
		defer release()
		flags := call.UFlags
		if target.root != "" && !target.pivoted {
			// The final component is looked up by the kernel from the
			// resolved parent; following a symlink there could leave the
			// scratch root.
			flags |= unix.UMOUNT_NOFOLLOW
		}
		return r.sys.Unmount(dst, flags)
	case "mkdir":
		return r.mkdir(target, call.Mode)
	case "rmdir":
		dst, release, err := r.resolveParent(target)
		if err != nil {
			return err
		}
		defer release()
		return r.sys.Rmdir(dst)
	case "symlink":
		dst, release, err := r.resolveParent(target)
		if err != nil {
			return err
		}
		defer release()
		return r.sys.Symlink(r.subst(call.Source), dst)
	case "pivot_root":
		return r.pivot(op)
	}
	return fmt.Errorf("cannot execute %s", call.Name)
}

// mkdir creates a mount point. An existing directory is accepted (and not
// recorded as created); anything else in the way is an error.
func (r *run) mkdir(target place, mode uint32) error {
	dst, release, err := r.resolveParent(target)
	if err != nil {
		return err
	}
	err = r.sys.Mkdir(dst, mode)
	if err == nil {
		r.created = append(r.created, createdDir{place: target, path: dst, release: release})
		return nil
	}
	defer release()
	if errors.Is(err, unix.EEXIST) {
		if st, serr := r.sys.Lstat(dst); serr == nil && st.IsDir() {
			return nil
		}
	}
	return err
}

func (r *run) pivot(op plan.Op) error {
	newRoot, releaseNew, err := r.resolveBrief(r.locate(op.Target))
	if err != nil {
		return err
	}
	defer releaseNew()
	putOld, releaseOld, err := r.resolveBrief(r.locate(op.Source))
	if err != nil {
		return err
	}
	defer releaseOld()
	if err := r.sys.PivotRoot(newRoot, putOld); err != nil {
		return err
	}
	oldName, newName := r.subst(op.Source), r.subst(op.Target)
	r.putOld = path.Clean("/" + strings.TrimPrefix(oldName, newName))
	r.pivoted = true
	// pivot_root moves the root of every process whose root was the old
	// one, but the working directory stays in the old tree.
	return r.sys.Chdir("/")
}
