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
	// Origin is the outermost Starlark frame: the line of the profile
	// that led to the error when Pos is in a function (a stdlib one,
	// say). It equals Pos for errors at a profile's top level.
	Origin plan.Pos
	// Msg says what was wrong; for a failing builtin it starts with the
	// builtin's name ("bind: for parameter dst: ...").
	Msg string
	// Backtrace is the Starlark call stack at the error, outermost first,
	// as EvalError.Backtrace renders it; empty for syntax errors.
	Backtrace string
	// Err is the underlying error.
	Err error
}

// Error renders the error as "file:line:col: message", or, when the error
// happened in a function, "origin > file:line:col: message" with the
// profile line that called it first, as program text shows provenance.
func (e *Error) Error() string {
	if e.Origin.File != "" && e.Origin != e.Pos {
		return e.Origin.String() + " > " + e.Pos.String() + ": " + e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// newError converts an error from starlark.ExecFileOptions to an *Error.
// skip is the number of outer frames that belong to the files loading
// this one, left out when looking for the Origin.
func (l *loader) newError(err error, skip int) error {
	var ie *Error
	var evalErr *starlark.EvalError
	var synErr syntax.Error
	var resErrs resolve.ErrorList
	switch {
	case errors.As(err, &evalErr):
		e := &Error{Msg: evalErr.Msg, Backtrace: evalErr.Backtrace(), Err: err}
		if errors.As(evalErr.Unwrap(), &ie) && ie.Backtrace != "" {
			// A failed load: modules run on the same thread, so the
			// module's backtrace holds the whole stack.
			e.Backtrace = ie.Backtrace
		}
		if l.stepsExceeded && e.Msg == "Starlark computation cancelled: "+stepLimitReason {
			e.Msg = fmt.Sprintf("step limit exceeded: evaluation took more than %d steps", l.maxSteps)
		}
		// Innermost Starlark frame (the builtin's own frame has no
		// position).
		for i, fr := range evalErr.CallStack {
			if fr.Pos.Filename() == "<builtin>" || i < skip {
				continue
			}
			if e.Origin.File == "" {
				e.Origin = posOf(fr.Pos)
			}
			e.Pos = posOf(fr.Pos)
		}
		return e
	case errors.As(err, &ie):
		return ie
	case errors.As(err, &synErr):
		return &Error{Pos: posOf(synErr.Pos), Origin: posOf(synErr.Pos), Msg: synErr.Msg, Err: err}
	case errors.As(err, &resErrs) && len(resErrs) > 0:
		msgs := make([]string, len(resErrs))
		for i, re := range resErrs {
			msgs[i] = re.Msg
			if name, ok := strings.CutPrefix(re.Msg, "undefined: "); ok {
				if near := nearest(name, l.known); near != "" {
					msgs[i] += fmt.Sprintf(" (did you mean %s?)", near)
				}
			}
			if i > 0 {
				msgs[i] = posOf(re.Pos).String() + ": " + re.Msg
			}
		}
		pos := posOf(resErrs[0].Pos)
		return &Error{Pos: pos, Origin: pos, Msg: strings.Join(msgs, "; "), Err: err}
	}
	return err
}

func posOf(p syntax.Position) plan.Pos {
	return plan.Pos{File: p.Filename(), Line: int(p.Line), Col: int(p.Col)}
}

// nearest returns the name in known closest to name, if it is close
// enough to be a likely typo (edit distance at most 2, or 1 for short
// names).
func nearest(name string, known []string) string {
	best, bestDist := "", 3
	if len(name) <= 3 {
		bestDist = 2
	}
	for _, k := range known {
		if d := editDistance(name, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein distance (with adjacent
// transpositions) between a and b.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
