package builtins

import (
	"fmt"

	"confine/plan"

	"go.starlark.net/starlark"
)

// bind(src, dst, optional=False) records mount --bind src dst. An optional
// bind is skipped at execution time when src or dst does not exist.
func bind(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return bindOp(thread, b, args, kwargs, false)
}

// rbind(src, dst, optional=False) records mount --rbind src dst.
func rbind(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return bindOp(thread, b, args, kwargs, true)
}

func bindOp(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, recursive bool) (starlark.Value, error) {
	var src, dst string
	var optional bool
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "src", &src, "dst", &dst, "optional?", &optional); err != nil {
		return nil, err
	}
	if err := checkPaths("src", src, "dst", dst); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return record(thread, b, plan.Op{Kind: plan.Bind, Source: src, Target: dst, Recursive: recursive, Optional: optional})
}

// move(src, dst) records mount --move src dst.
func move(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var src, dst string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "src", &src, "dst", &dst); err != nil {
		return nil, err
	}
	if err := checkPaths("src", src, "dst", dst); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return record(thread, b, plan.Op{Kind: plan.Move, Source: src, Target: dst})
}

// checkPaths checks two path parameters in order.
func checkPaths(param1, p1, param2, p2 string) error {
	if err := checkPath(param1, p1); err != nil {
		return err
	}
	return checkPath(param2, p2)
}
