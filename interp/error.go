package interp

import (
	"errors"
	"fmt"
	"strings"

	"confine/plan"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Error is an error in a profile or a module it loads: a syntax or name
// resolution error, a failing builtin, or an exceeded limit.
type Error struct {
	// Pos is where it happened: the innermost Starlark frame, or the
	// position a syntax error names.
	Pos plan.Pos
	// Msg says what was wrong; for a failing builtin it starts with the
	// builtin's name ("bind: for parameter dst: ...").
	Msg string
	// Backtrace is the Starlark call stack at the error, outermost first,
	// as EvalError.Backtrace renders it; empty for syntax errors.
	Backtrace string
	// Err is the underlying error.
	Err error
}

// Error renders the error as "file:line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// newError converts an error from starlark.ExecFileOptions to an *Error.
func newError(err error, maxSteps uint64) error {
	var ie *Error
	var evalErr *starlark.EvalError
	var synErr syntax.Error
	var resErrs resolve.ErrorList
	switch {
	case errors.As(err, &evalErr):
		e := &Error{Msg: evalErr.Msg, Backtrace: evalErr.Backtrace(), Err: err}
		if strings.Contains(e.Msg, "too many steps") {
			e.Msg = fmt.Sprintf("step limit exceeded: evaluation took more than %d steps", maxSteps)
		}
		// Innermost Starlark frame (the builtin's own frame has no
		// position).
		for i := len(evalErr.CallStack) - 1; i >= 0; i-- {
			if p := evalErr.CallStack[i].Pos; p.Filename() != "<builtin>" {
				e.Pos = posOf(p)
				break
			}
		}
		return e
	case errors.As(err, &ie):
		return ie
	case errors.As(err, &synErr):
		return &Error{Pos: posOf(synErr.Pos), Msg: synErr.Msg, Err: err}
	case errors.As(err, &resErrs) && len(resErrs) > 0:
		msgs := make([]string, len(resErrs))
		for i, re := range resErrs {
			msgs[i] = re.Msg
			if i > 0 {
				msgs[i] = posOf(re.Pos).String() + ": " + re.Msg
			}
		}
		return &Error{Pos: posOf(resErrs[0].Pos), Msg: strings.Join(msgs, "; "), Err: err}
	}
	return err
}

func posOf(p syntax.Position) plan.Pos {
	return plan.Pos{File: p.Filename(), Line: int(p.Line), Col: int(p.Col)}
}
