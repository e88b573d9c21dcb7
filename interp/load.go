package interp

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"confine/builtins"
	"confine/internal/starc"

	"go.starlark.net/starlark"
)

// stdlibPrefix marks modules of the standard library: @stdlib//NAME.star.
const stdlibPrefix = "@stdlib//"

// loader resolves load() statements. Only two kinds of module exist:
// @stdlib//NAME.star from the stdlib file system, and NAME.star, a sibling
// of the loading file (a profile's neighbour, or another stdlib module
// when a stdlib module loads it). Nothing else is reachable: no
// subdirectories, no "..", no absolute paths.
type loader struct {
	profile     fs.FS
	profileDir  string
	stdlib      fs.FS
	predeclared starlark.StringDict
	maxSteps    uint64
	// stepsExceeded is set when the step limit cancels the thread.
	stepsExceeded bool
	// known are the predeclared and universal names, for suggestions.
	known []string
	// cache maps a module's display name to its result; a nil globals
	// with a nil err means the module is still loading.
	cache map[string]*module
	// stack holds the display names of the files being executed,
	// outermost (the profile) first, to name a load cycle.
	stack []string
}

type module struct {
	globals starlark.StringDict
	err     error
}

// load implements starlark.Thread.Load. Modules execute on the calling
// thread, so they share its step budget, and with recording disabled
// (builtins.SetLoading): a loaded module defines functions and constants.
func (l *loader) load(thread *starlark.Thread, name string) (starlark.StringDict, error) {
	caller := thread.CallFrame(0).Pos.Filename()
	display, fsys, file, err := l.resolve(caller, name)
	if err != nil {
		return nil, err
	}
	if m, ok := l.cache[display]; ok {
		if m == nil {
			return nil, fmt.Errorf("load cycle: %s -> %s", strings.Join(l.stack[l.indexOf(display):], " -> "), display)
		}
		return m.globals, m.err
	}
	src, err := fs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no module %s", display)
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}

	l.cache[display] = nil
	l.stack = append(l.stack, display)
	depth := thread.CallStackDepth()
	prev := builtins.SetLoading(thread, display)
	globals, err := starc.Exec(options, thread, display, src, l.predeclared)
	builtins.SetLoading(thread, prev)
	l.stack = l.stack[:len(l.stack)-1]
	if err != nil {
		err = l.newError(err, depth)
	}
	l.cache[display] = &module{globals, err}
	return globals, err
}

// indexOf returns the position of display in the load stack (0 if absent).
func (l *loader) indexOf(display string) int {
	for i, s := range l.stack {
		if s == display {
			return i
		}
	}
	return 0
}

// resolve maps a load() argument, as written in the file named caller,
// to the module's display name (used in positions and the cache), its
// file system and its path there.
func (l *loader) resolve(caller, name string) (display string, fsys fs.FS, file string, err error) {
	if rest, ok := strings.CutPrefix(name, stdlibPrefix); ok {
		if err := checkModuleName(name, rest); err != nil {
			return "", nil, "", err
		}
		if l.stdlib == nil {
			return "", nil, "", fmt.Errorf("no module %s: no stdlib in this build", name)
		}
		return name, l.stdlib, rest, nil
	}
	if strings.HasPrefix(name, "@") {
		return "", nil, "", fmt.Errorf("load %q: unknown repository (only %sNAME.star and sibling NAME.star files can be loaded)", name, stdlibPrefix)
	}
	if err := checkModuleName(name, name); err != nil {
		return "", nil, "", err
	}
	if strings.HasPrefix(caller, stdlibPrefix) {
		// A stdlib module's sibling is another stdlib module.
		return stdlibPrefix + name, l.stdlib, name, nil
	}
	return name, l.profile, path.Join(l.profileDir, name), nil
}

// checkModuleName accepts NAME.star where NAME is a plain file name.
func checkModuleName(full, base string) error {
	stem, ok := strings.CutSuffix(base, ".star")
	switch {
	case !ok || stem == "":
		return fmt.Errorf("load %q: module names end in .star", full)
	case strings.ContainsAny(base, "/\\") || stem == "." || stem == ".." || strings.HasPrefix(base, "."):
		return fmt.Errorf("load %q: only %sNAME.star and sibling NAME.star files can be loaded (no directories, no \"..\")", full, stdlibPrefix)
	case strings.ContainsAny(base, "\x00\n\r\t :"):
		return fmt.Errorf("load %q: bad character in module name", full)
	}
	return nil
}
