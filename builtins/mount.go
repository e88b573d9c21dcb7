package builtins

import (
	"fmt"

	"confine/plan"

	"go.starlark.net/starlark"
)

// mount(fstype, source, target, options="") records
// mount -t fstype -o options source target: a new file system (tmpfs,
// devpts, proc, ...). source is free text ("tmpfs", "none", a device), but
// must be non-empty and free of whitespace.
func mount(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var fstype, source, target, options string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "fstype", &fstype, "source", &source, "target", &target, "options?", &options); err != nil {
		return nil, err
	}
	if err := checkFSType(fstype); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if source == "" {
		return nil, fmt.Errorf("%s: for parameter source: empty source (use \"none\" or the file-system type)", b.Name())
	}
	if err := checkText("source", source); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if err := checkPath("target", target); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if err := checkOptions("options", options, false); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return record(thread, b, plan.Op{Kind: plan.Mount, FSType: fstype, Source: source, Target: target, Options: options})
}

// remount(path, options) records mount -o remount,bind,options path: it
// changes the per-mount flags (ro, nosuid, nodev, noexec, ...) of the
// mount at path, typically a bind mount just made.
func remount(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var target, options string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &target, "options", &options); err != nil {
		return nil, err
	}
	if err := checkPath("path", target); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if options == "" {
		return nil, fmt.Errorf("%s: for parameter options: empty (want per-mount flags such as \"ro,nosuid\")", b.Name())
	}
	if err := checkOptions("options", options, true); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return record(thread, b, plan.Op{Kind: plan.Remount, Target: target, Options: options})
}

// umount(path, lazy=False, no_follow=False) records
// umount [--lazy] [--no-follow] path (MNT_DETACH, UMOUNT_NOFOLLOW).
func umount(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var target string
	var lazy, noFollow bool
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &target, "lazy?", &lazy, "no_follow?", &noFollow); err != nil {
		return nil, err
	}
	if err := checkPath("path", target); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return record(thread, b, plan.Op{Kind: plan.Umount, Target: target, Lazy: lazy, NoFollow: noFollow})
}
