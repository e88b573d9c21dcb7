package builtins

import (
	"fmt"

	"confine/plan"

	"go.starlark.net/starlark"
)

// pivot(new_root, put_old) records pivot_root new_root put_old. As
// pivot_root(2) requires, put_old must be at or underneath new_root.
func pivot(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var newRoot, putOld string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "new_root", &newRoot, "put_old", &putOld); err != nil {
		return nil, err
	}
	if err := checkPaths("new_root", newRoot, "put_old", putOld); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if !isUnder(putOld, newRoot) {
		return nil, fmt.Errorf("%s: for parameter put_old: %q is not at or under new_root %q", b.Name(), putOld, newRoot)
	}
	return record(thread, b, plan.Op{Kind: plan.Pivot, Target: newRoot, Source: putOld})
}

// scratch_dir() returns the placeholder "$SCRATCH": the directory the
// executor makes with mkdtemp(3) from plan.ScratchPattern. It records
// nothing, so loaded modules may call it at top level.
func scratchDir(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
		return nil, err
	}
	return starlark.String(plan.Scratch), nil
}
