// Package plan holds the mount program: the ordered, frozen list of
// operations that a profile evaluates to, and its canonical renderings.
//
// The program is the value that every other part of confine passes
// around: the interpreter produces it, the checker and the AppArmor
// generator read it, and the executors (the fake kernel and the real one)
// consume it. To keep it a plain value that any of them can use without
// dragging in the others, this package imports neither go.starlark.net
// nor golang.org/x/sys: it is pure data plus rendering.
package plan
