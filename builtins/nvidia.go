package builtins

import (
	"go.starlark.net/starlark"
)

// nvidia(...) makes the host's NVIDIA userspace driver visible under
// /var/lib/snapd/lib/gl*.
//
// This is a placeholder that accepts keyword arguments and records
// nothing; the NVIDIA engineer owns this file and replaces it.
func nvidia(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 {
		return nil, starlark.UnpackArgs(b.Name(), args, nil)
	}
	return starlark.None, nil
}
