package builtins

import (
	"fmt"

	"confine/plan"

	"go.starlark.net/starlark"
)

// make_shared(path, recursive=False, optional=False) records mount --make-[r]shared path.
func makeShared(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return propagation(thread, b, args, kwargs, plan.MakeShared)
}

// make_slave(path, recursive=False, optional=False) records mount --make-[r]slave path.
func makeSlave(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return propagation(thread, b, args, kwargs, plan.MakeSlave)
}

// make_private(path, recursive=False, optional=False) records mount --make-[r]private path.
func makePrivate(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return propagation(thread, b, args, kwargs, plan.MakePrivate)
}

// make_unbindable(path, recursive=False, optional=False) records
// mount --make-[r]unbindable path.
func makeUnbindable(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return propagation(thread, b, args, kwargs, plan.MakeUnbindable)
}

// propagation records a propagation change. An optional one is skipped at
// execution time when its target does not exist, or when an optional op
// on the same target was skipped: snap-confine skips a whole optional
// mount-list entry, its make-rslave included, when the rbind finds
// nothing (sc_do_optional_mount).
func propagation(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, kind plan.Kind) (starlark.Value, error) {
	var target string
	var recursive, optional bool
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &target, "recursive?", &recursive, "optional?", &optional); err != nil {
		return nil, err
	}
	if err := checkPath("path", target); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return record(thread, b, plan.Op{Kind: kind, Target: target, Recursive: recursive, Optional: optional})
}
