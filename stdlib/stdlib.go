// Package stdlib holds confine's standard Starlark library: the modules a
// profile loads as @stdlib//NAME.star.
//
// bootstrap.star is snap-confine's namespace bootstrap (snapd's
// sc_bootstrap_mount_namespace and the steps around it) written as
// reusable functions, so that each platform's profile is a short list of
// calls in snap-confine's order rather than a copy of the whole sequence.
// The modules only define functions and constants; every op is recorded
// when a profile calls them, stamped with the profile line that did.
//
// The files are embedded so that the launcher never reads Starlark from
// the disk at run time: what it evaluates is what was built and reviewed.
package stdlib

import "embed"

// FS holds the stdlib modules, by file name (bootstrap.star, ...).
//
//go:embed *.star
var FS embed.FS

// The bytecode of the files above (compiled.starc, registered by
// compiled.go) saves parsing them on every evaluation.
//
//go:generate go run confine/internal/precompile -stdlib
