package startest

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"confine/hosts"
	"confine/internal/starc"
	"confine/sim"

	"go.starlark.net/starlark"
)

// env is one test file's surroundings: where its relative names resolve,
// its loaded modules, and the hosts it loaded.
type env struct {
	cfg         Config
	file        File
	dir         string // the test file's directory in file.FS
	display     string // the test file's base name, as positions show it
	predeclared starlark.StringDict
	modules     map[string]*module
	hosts       map[string]*hosts.Host
}

type module struct {
	globals starlark.StringDict
	err     error
}

const stdlibPrefix = "@stdlib//"

func (e *env) thread(name string) *starlark.Thread {
	th := &starlark.Thread{Name: name, Load: e.load}
	th.SetMaxExecutionSteps(maxSteps)
	th.Print = func(_ *starlark.Thread, msg string) { fmt.Fprintf(e.cfg.Out, "    %s\n", msg) }
	return th
}

// load follows the profile loader's rules (package interp): only
// @stdlib//NAME.star and NAME.star siblings of the test file, plain
// names ending in .star, each module executed once.
func (e *env) load(thread *starlark.Thread, name string) (starlark.StringDict, error) {
	if e.modules == nil {
		e.modules = map[string]*module{}
	}
	if m, ok := e.modules[name]; ok {
		if m == nil {
			return nil, fmt.Errorf("load cycle through %s", name)
		}
		return m.globals, m.err
	}
	fsys, file := e.file.FS, ""
	base, std := strings.CutPrefix(name, stdlibPrefix)
	stem, ok := strings.CutSuffix(base, ".star")
	switch {
	case !ok || stem == "" || strings.ContainsAny(base, "/\\:") || strings.HasPrefix(base, "."):
		return nil, fmt.Errorf("load %q: only %sNAME.star and sibling NAME.star files can be loaded", name, stdlibPrefix)
	case std && e.cfg.Stdlib == nil:
		return nil, fmt.Errorf("load %q: no stdlib in this build", name)
	case std:
		fsys, file = e.cfg.Stdlib, base
	case strings.HasPrefix(name, "@"):
		return nil, fmt.Errorf("load %q: unknown repository", name)
	default:
		file = path.Join(e.dir, base)
	}
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("no module %s", name)
	}
	e.modules[name] = nil
	globals, err := starc.Exec(options, thread, name, src, e.predeclared)
	e.modules[name] = &module{globals, err}
	return globals, err
}

// profile resolves the profile argument of t.simulate: a shipped
// profile's name, or a path ending in .star relative to the test file.
func (e *env) profile(name string) (sim.Profile, error) {
	if !strings.HasSuffix(name, ".star") && !strings.Contains(name, "/") {
		if e.cfg.Profiles == nil {
			return sim.Profile{}, fmt.Errorf("profile %q: no shipped profiles in this build", name)
		}
		if _, err := fs.Stat(e.cfg.Profiles, name+".star"); err != nil {
			return sim.Profile{}, fmt.Errorf("profile %q: no such shipped profile", name)
		}
		return sim.Profile{FS: e.cfg.Profiles, File: name + ".star", Name: name}, nil
	}
	p := path.Join(e.dir, name)
	if path.IsAbs(name) || !fs.ValidPath(p) {
		return sim.Profile{}, fmt.Errorf("profile %q: give a shipped profile's name or a path relative to the test file, inside its directory", name)
	}
	sub, err := fs.Sub(e.file.FS, path.Dir(p))
	if err != nil {
		return sim.Profile{}, err
	}
	if _, err := fs.Stat(sub, path.Base(p)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return sim.Profile{}, fmt.Errorf("profile %q: no such file", name)
		}
		return sim.Profile{}, fmt.Errorf("profile %q: %w", name, err)
	}
	return sim.Profile{FS: sub, File: path.Base(p), Name: path.Base(p)}, nil
}

// host loads a host once per file.
func (e *env) host(name string) (*hosts.Host, error) {
	if e.hosts == nil {
		e.hosts = map[string]*hosts.Host{}
	}
	if h, ok := e.hosts[name]; ok {
		return h, nil
	}
	h, err := hosts.Load(name)
	if err != nil {
		return nil, err
	}
	e.hosts[name] = h
	return h, nil
}
