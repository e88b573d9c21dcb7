package builtins

import (
	"fmt"

	"confine/plan"

	"go.starlark.net/starlark"
)

// make_shared(path, recursive=False) records mount --make-[r]shared path.
func makeShared(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return propagation(thread, b, args, kwargs, plan.MakeShared)
}

// make_slave(path, recursive=False) records mount --make-[r]slave path.
func makeSlave(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return propagation(thread, b, args, kwargs, plan.MakeSlave)
}

// make_private(path, recursive=False) records mount --make-[r]private path.
func makePrivate(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return propagation(thread, b, args, kwargs, plan.MakePrivate)
}

// make_unbindable(path, recursive=False) records
// mount --make-[r]unbindable path.
func makeUnbindable(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return propagation(thread, b, args, kwargs, plan.MakeUnbindable)
}

func propagation(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, kind plan.Kind) (starlark.Value, error) {
	var target string
	var recursive bool
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &target, "recursive?", &recursive); err != nil {
		return nil, err
	}
	if err := checkPath("path", target); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return record(thread, b, plan.Op{Kind: kind, Target: target, Recursive: recursive})
}
