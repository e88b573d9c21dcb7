// Package starc lets confine run Starlark it compiled ahead of time
// instead of parsing, resolving and compiling the same embedded files on
// every evaluation (which was about 60% of evaluating a shipped profile).
//
// The stdlib and the shipped profiles are embedded in the binary, so
// their bytecode can be made by go generate (confine/internal/precompile)
// and embedded next to them as an archive, which their package registers
// here. Exec replaces starlark.ExecFileOptions in interp's loader and in
// startest's (confine test), which sees other predeclared names and so
// has entries of its own. It runs an archived program only when its key
// proves that compiling the source now would give the same program, and
// otherwise parses the source exactly as before. The key covers
// everything compilation depends on: the exact source bytes, the name
// positions carry, the dialect, the predeclared and universal names the
// resolver sees, and the go.starlark.net version and compiled-format
// version. Correctness never depends on an archive; a missing, stale or
// corrupt one only costs the parse it was meant to save, and a test in
// precompile fails when a committed one is stale.
package starc

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Key identifies one compilation: equal keys mean equal programs.
type Key [sha256.Size]byte

// Unit is what a compilation depends on besides the compiler itself.
type Unit struct {
	// Dialect is the syntax.FileOptions the source is parsed with.
	Dialect *syntax.FileOptions
	// Name is the file name positions (and error messages) carry, as
	// the loader names the module: "classic.star", "@stdlib//x.star".
	Name string
	// Src is the exact source.
	Src []byte
	// Predeclared are the predeclared names the resolver accepts (in
	// any order).
	Predeclared []string
}

// KeyOf returns the key of compiling u with go.starlark.net version
// starlarkVersion.
func KeyOf(u Unit, starlarkVersion string) Key {
	h := sha256.New()
	field := func(s string) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	field(archiveMagic)
	field(starlarkVersion)
	field(strconv.FormatUint(formatVersion(), 10))
	field(u.Name)
	field(fmt.Sprintf("%+v", *u.Dialect))
	names := u.Predeclared
	if !sort.StringsAreSorted(names) {
		names = append([]string(nil), names...)
		sort.Strings(names)
	}
	field(strconv.Itoa(len(names)))
	for _, name := range names {
		field(name)
	}
	universe := universeNames()
	field(strconv.Itoa(len(universe)))
	for _, name := range universe {
		field(name)
	}
	src := sha256.Sum256(u.Src)
	field(string(src[:]))
	var k Key
	h.Sum(k[:0])
	return k
}

// Compile parses, resolves and compiles u and returns the program's
// bytecode (starlark.Program.Write), or the error parsing would give.
func Compile(u Unit) ([]byte, error) {
	set := make(map[string]bool, len(u.Predeclared))
	for _, name := range u.Predeclared {
		set[name] = true
	}
	_, prog, err := starlark.SourceProgramOptions(u.Dialect, u.Name, u.Src, func(name string) bool { return set[name] })
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := prog.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// enabled turns the archives off in tests that compare both paths.
var enabled atomic.Bool

func init() { enabled.Store(true) }

// SetEnabled turns the use of archived programs on or off and returns
// the previous setting; tests use it to evaluate both ways.
func SetEnabled(on bool) bool { return enabled.Swap(on) }

// Exec is starlark.ExecFileOptions with an archived program used in
// place of parsing when one matches: it executes the module and returns
// its frozen globals, with the same results and errors.
func Exec(opts *syntax.FileOptions, thread *starlark.Thread, name string, src []byte, predeclared starlark.StringDict) (starlark.StringDict, error) {
	prog := Lookup(Unit{Dialect: opts, Name: name, Src: src, Predeclared: predeclared.Keys()})
	if prog == nil {
		return starlark.ExecFileOptions(opts, thread, name, src, predeclared)
	}
	g, err := prog.Init(thread, predeclared)
	g.Freeze()
	return g, err
}

// Lookup returns the archived program for u, or nil when no registered
// archive holds one or it cannot be decoded.
func Lookup(u Unit) *starlark.Program {
	if !enabled.Load() || u.Dialect == nil {
		return nil
	}
	var key Key
	keyVersion := "\x00" // no version: no key computed yet
	for _, a := range parsedArchives() {
		v := linkedVersion()
		if v == "" {
			// A test binary records no dependencies; it is built from
			// the go.mod the archive's version was read from, which
			// precompile's staleness test checks.
			v = a.version
		}
		if v != keyVersion {
			key, keyVersion = KeyOf(u, v), v
		}
		blob, ok := a.index[key]
		if !ok {
			continue
		}
		if prog, err := starlark.CompiledProgram(strings.NewReader(blob)); err == nil {
			return prog
		}
	}
	return nil
}

// archives are the registered archives, parsed on first use so that a
// process that evaluates nothing pays nothing.
var (
	mu       sync.Mutex
	archives []*archive
)

type archive struct {
	data    string
	parsed  bool
	version string
	index   map[Key]string // nil when the archive is unreadable
}

// Register adds an archive made by Archive (an embedded file). Only
// confine's own packages can call it, for archives built into the binary.
func Register(data string) {
	mu.Lock()
	defer mu.Unlock()
	archives = append(archives, &archive{data: data})
}

// parsedArchives returns the readable registered archives, parsing any
// not parsed yet. An archive is never changed once parsed.
func parsedArchives() []*archive {
	mu.Lock()
	defer mu.Unlock()
	var out []*archive
	for _, a := range archives {
		if !a.parsed {
			a.version, a.index, _ = parseArchive(a.data)
			a.parsed = true
		}
		if a.index != nil {
			out = append(out, a)
		}
	}
	return out
}

// formatVersion is go.starlark.net's compiled-format version, read from
// the header of a compiled empty program (the constant is internal).
var formatVersion = sync.OnceValue(func() uint64 {
	_, prog, err := starlark.SourceProgramOptions(&syntax.FileOptions{}, "", "", func(string) bool { return false })
	if err != nil {
		return 0
	}
	var buf bytes.Buffer
	if prog.Write(&buf) != nil || buf.Len() < 9 {
		return 0
	}
	// "!sky", a uint32 offset, then the version as a uvarint.
	v, n := binary.Uvarint(buf.Bytes()[8:])
	if n <= 0 {
		return 0
	}
	return v
})

// universeNames are starlark.Universe's names, sorted: the resolver
// accepts them too, and a program may add to Universe.
func universeNames() []string {
	names := make([]string, 0, len(starlark.Universe))
	for name := range starlark.Universe {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// linkedVersion is the version of go.starlark.net linked into this
// binary, "" when the binary records no dependencies (go test binaries).
var linkedVersion = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, dep := range bi.Deps {
		if dep.Path == starlarkModule {
			return moduleVersion(dep)
		}
	}
	return ""
})

const starlarkModule = "go.starlark.net"

// moduleVersion names a module's version, or its replacement.
func moduleVersion(m *debug.Module) string {
	if m.Replace != nil {
		return "=> " + m.Replace.Path + " " + m.Replace.Version
	}
	return m.Version
}
