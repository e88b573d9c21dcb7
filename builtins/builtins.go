// Package builtins defines the Starlark builtins a profile calls to record
// its mount program: bind, rbind, make_shared, mount, pivot and the rest
// of the SPEC's table. Each builtin validates its arguments and appends one
// plan.Op to the program installed on the thread with SetProgram, stamped
// with the profile position that called it. Builtins never touch the host:
// evaluation stays a pure function of the profile and the facts.
package builtins

import (
	"fmt"
	"sort"

	"confine/facts"
	"confine/plan"

	"go.starlark.net/starlark"
)

// Predeclared returns a fresh dictionary of every builtin, for use as (part
// of) the predeclared environment of a profile.
func Predeclared() starlark.StringDict {
	d := make(starlark.StringDict, len(registry))
	for _, b := range registry {
		d[b.name] = starlark.NewBuiltin(b.name, b.fn)
	}
	return d
}

// Names returns the builtins' names, sorted.
func Names() []string {
	names := make([]string, len(registry))
	for i, b := range registry {
		names[i] = b.name
	}
	sort.Strings(names)
	return names
}

type builtinFunc = func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error)

// registry lists every builtin, sorted by name.
var registry = []struct {
	name string
	fn   builtinFunc
}{
	{"bind", bind},
	{"make_private", makePrivate},
	{"make_shared", makeShared},
	{"make_slave", makeSlave},
	{"make_unbindable", makeUnbindable},
	{"mkdir", mkdir},
	{"mount", mount},
	{"move", move},
	{"nvidia", nvidia},
	{"pivot", pivot},
	{"rbind", rbind},
	{"remount", remount},
	{"rmdir", rmdir},
	{"scratch_dir", scratchDir},
	{"symlink", symlink},
	{"umount", umount},
}

// Thread-local keys. They are unexported strings unlikely to clash with
// other packages' locals.
const (
	programKey = "confine/builtins.program"
	loadingKey = "confine/builtins.loading"
	factsKey   = "confine/builtins.facts"
)

// SetFacts makes the host facts the profile is evaluated with available
// to builtins that expand from them (nvidia), as Go values rather than
// the Starlark value facts. interp.Eval calls it.
func SetFacts(thread *starlark.Thread, f *facts.Facts) {
	thread.SetLocal(factsKey, f)
}

// Facts returns the facts installed by SetFacts, or nil when none were
// (a test thread, say).
func Facts(thread *starlark.Thread) *facts.Facts {
	f, _ := thread.Local(factsKey).(*facts.Facts)
	return f
}

// SetProgram installs the program that builtins called on thread append to.
func SetProgram(thread *starlark.Thread, p *plan.Program) {
	thread.SetLocal(programKey, p)
}

// Program returns the program installed by SetProgram. It panics if
// SetProgram was not called: that is a bug in the caller, not in a profile.
func Program(thread *starlark.Thread) *plan.Program {
	p, ok := thread.Local(programKey).(*plan.Program)
	if !ok || p == nil {
		panic("internal error: builtins.SetProgram was not called")
	}
	return p
}

// SetLoading marks thread as executing the top level of the loaded module
// named module ("" when done), and returns the previous value so that
// nested loads can restore it. While a module loads, recording builtins
// fail: loaded modules define functions and constants, and only the
// profile (directly or through those functions) decides what is recorded
// and in which order.
func SetLoading(thread *starlark.Thread, module string) (previous string) {
	previous, _ = thread.Local(loadingKey).(string)
	thread.SetLocal(loadingKey, module)
	return previous
}

// record validates op's paths and appends op to the thread's program,
// stamped with the caller's position and the Starlark call stack.
func record(thread *starlark.Thread, b *starlark.Builtin, op plan.Op) (starlark.Value, error) {
	if module, _ := thread.Local(loadingKey).(string); module != "" {
		return nil, fmt.Errorf("%s: cannot record an operation while loading %s: a loaded module may only define functions and constants; call them from the profile", b.Name(), module)
	}
	p := Program(thread)
	op.Stack = stackOf(thread)
	if n := len(op.Stack); n > 0 {
		// The innermost Starlark frame: thread.CallFrame(1) unless a
		// built-in (sorted's key=, say) made the call.
		op.Pos = op.Stack[n-1]
	} else {
		op.Pos = posOf(thread.CallFrame(1))
	}
	p.Ops = append(p.Ops, op)
	return starlark.None, nil
}

// posOf converts a Starlark call frame to a plan.Pos.
func posOf(fr starlark.CallFrame) plan.Pos {
	return plan.Pos{File: fr.Pos.Filename(), Line: int(fr.Pos.Line), Col: int(fr.Pos.Col)}
}

// stackOf returns the positions of the Starlark frames on thread,
// outermost first, leaving out built-in frames (the recording builtin
// itself among them).
func stackOf(thread *starlark.Thread) []plan.Pos {
	stack := thread.CallStack()
	out := make([]plan.Pos, 0, len(stack))
	for _, fr := range stack {
		if fr.Pos.Filename() == "<builtin>" {
			continue
		}
		out = append(out, posOf(fr))
	}
	return out
}
