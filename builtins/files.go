package builtins

import (
	"fmt"

	"confine/plan"

	"go.starlark.net/starlark"
)

// mkdir(path, mode=0o755) records the creation of a directory, typically
// a mount point. mode holds chmod(1) bits, setuid, setgid and sticky
// included (0 to 0o7777).
func mkdir(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var target string
	mode := 0o755
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &target, "mode?", &mode); err != nil {
		return nil, err
	}
	if err := checkPath("path", target); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if mode < 0 || mode > 0o7777 {
		return nil, fmt.Errorf("%s: for parameter mode: got %#o, want 0 to 0o7777", b.Name(), mode)
	}
	return record(thread, b, plan.Op{Kind: plan.Mkdir, Target: target, Mode: uint32(mode)})
}

// rmdir(path) records the removal of an empty directory.
func rmdir(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var target string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &target); err != nil {
		return nil, err
	}
	if err := checkPath("path", target); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return record(thread, b, plan.Op{Kind: plan.Rmdir, Target: target})
}

// symlink(target, linkpath) records ln -s target linkpath. target is the
// link's text and may be relative (usr/lib); linkpath is a checked path.
func symlink(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var target, linkpath string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "target", &target, "linkpath", &linkpath); err != nil {
		return nil, err
	}
	if target == "" {
		return nil, fmt.Errorf("%s: for parameter target: empty link text", b.Name())
	}
	if err := checkText("target", target); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if err := checkPath("linkpath", linkpath); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return record(thread, b, plan.Op{Kind: plan.Symlink, Source: target, Target: linkpath})
}
