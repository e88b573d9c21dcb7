package apparmor

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"

	"confine/plan"
)

// ScratchGlob is the pattern that covers every scratch directory the
// executor can make from plan.ScratchPattern: mkdtemp(3) replaces the X's
// with random letters and digits.
var ScratchGlob = strings.TrimSuffix(plan.ScratchPattern, "XXXXXX") + "*"

// placeholders maps each placeholder a program may hold to the glob that
// covers all of its execution-time values.
var placeholders = map[string]string{
	plan.Scratch: ScratchGlob,
}

// placeholderRE is compiled on first use, not at every launcher start.
var placeholderRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\$[A-Za-z_][A-Za-z0-9_]*`)
})

// Vary names a literal that was fixed when the program was evaluated but
// differs from launch to launch (the snap's name, say), and the glob that
// covers every value it can take. The literal must be distinctive enough
// not to occur by accident in unrelated paths.
type Vary struct {
	Literal string
	Glob    string
}

// Config says how execution-time values become globs.
type Config struct {
	// Vary lists the literals to widen, besides the placeholders.
	Vary []Vary
}

// shape is what the program tells about the file at a path.
type shape int

const (
	unknownShape shape = iota // a file or a directory: written PATH{,/}
	dirShape                  // a directory: written PATH/
	fileShape                 // not a directory: written PATH
)

// pattern turns a program path into an AppArmor pattern: placeholders and
// varying literals become globs, everything else is escaped so that it
// matches only itself, repeated slashes collapse (AppArmor compares
// normalised paths), and the shape decides the trailing slash the kernel
// adds to directory names when it mediates a call.
func (c Config) pattern(p string, s shape) (string, error) {
	if p == "" {
		return "", fmt.Errorf("empty path")
	}
	type piece struct {
		text string
		glob bool
	}
	pieces := []piece{{text: p}}
	split := func(lit, glob string) {
		var out []piece
		for _, pc := range pieces {
			if pc.glob || !strings.Contains(pc.text, lit) {
				out = append(out, pc)
				continue
			}
			parts := strings.Split(pc.text, lit)
			for i, part := range parts {
				if i > 0 {
					out = append(out, piece{text: glob, glob: true})
				}
				if part != "" {
					out = append(out, piece{text: part})
				}
			}
		}
		pieces = out
	}
	var names []string
	if strings.Contains(p, "$") {
		names = placeholderRE().FindAllString(p, -1)
	}
	for _, name := range names {
		glob, ok := placeholders[name]
		if !ok {
			return "", fmt.Errorf("unknown placeholder %s", name)
		}
		split(name, glob)
	}
	for _, v := range c.Vary {
		if v.Literal != "" {
			split(v.Literal, v.Glob)
		}
	}
	var b strings.Builder
	for _, pc := range pieces {
		if pc.glob {
			b.WriteString(pc.text)
		} else {
			b.WriteString(Escape(pc.text))
		}
	}
	out := collapseSlashes(b.String())
	if !strings.HasPrefix(out, "/") {
		return "", fmt.Errorf("%s: path must be absolute", p)
	}
	out = usrAlias(out)
	switch {
	case out == "/":
	case s == dirShape:
		out = strings.TrimSuffix(out, "/") + "/"
	case s == unknownShape:
		out = strings.TrimSuffix(out, "/") + "{,/}"
	}
	return out, nil
}

// usrDirs are the top-level directories that merged-/usr systems (and
// bases) replace with symlinks into /usr.
var usrDirs = []string{"bin", "sbin", "lib", "lib32", "lib64", "libx32"}

// usrAlias widens /lib/X (on the host or under the scratch root) to
// /{,usr/}lib/X. The executor resolves paths with symlinks followed, and
// AppArmor mediates the path it arrives at, so on a merged-/usr host or
// base the call that the program writes as /lib/modules reaches
// /usr/lib/modules. snap-confine's policy widens these the same way.
func usrAlias(pattern string) string {
	for _, root := range []string{"/", ScratchGlob + "/"} {
		if !strings.HasPrefix(pattern, root) {
			continue
		}
		rest := pattern[len(root):]
		for _, d := range usrDirs {
			if rest == d || strings.HasPrefix(rest, d+"/") {
				return root + "{,usr/}" + rest
			}
		}
	}
	return pattern
}

// Escape quotes the characters AppArmor would read as pattern syntax, so
// that a literal path can be put in a rule.
// It works on bytes: paths are byte strings, not necessarily UTF-8.
func Escape(literal string) string {
	var b strings.Builder
	for i := 0; i < len(literal); i++ {
		if strings.IndexByte(`\*?[]{}^"`, literal[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(literal[i])
	}
	return b.String()
}

func collapseSlashes(s string) string {
	for strings.Contains(s, "//") {
		s = strings.ReplaceAll(s, "//", "/")
	}
	return s
}

// shapes works out which paths of the program are directories. The
// program has no stat information, so it uses what the ops imply: mkdir
// makes directories and rmdir removes them; pivot_root, recursive binds,
// recursive propagation changes and new filesystems act on directories;
// a path with another path of the program below it is a directory; the
// link path of a symlink is not; and a bind or move gives its source and
// target the same shape. Whatever remains is unknown.
func shapes(p *plan.Program) map[string]shape {
	m := map[string]shape{}
	set := func(path string, s shape) {
		if path != "" && m[path] == unknownShape {
			m[path] = s
		}
	}
	var all []string
	for _, op := range p.Ops {
		switch op.Kind {
		case plan.Mkdir, plan.Rmdir, plan.Mount:
			set(op.Target, dirShape)
		case plan.Pivot:
			set(op.Target, dirShape)
			set(op.Source, dirShape)
		case plan.Bind:
			if op.Recursive {
				set(op.Target, dirShape)
				set(op.Source, dirShape)
			}
		case plan.MakeShared, plan.MakeSlave, plan.MakePrivate, plan.MakeUnbindable:
			if op.Recursive {
				set(op.Target, dirShape)
			}
		case plan.Symlink:
			set(op.Target, fileShape)
		}
		all = append(all, op.Target)
		if op.Kind == plan.Bind || op.Kind == plan.Move || op.Kind == plan.Pivot {
			all = append(all, op.Source)
		}
	}
	for _, q := range all {
		for dir := path.Dir(q); dir != q && dir != "/" && dir != "."; q, dir = dir, path.Dir(dir) {
			m[dir] = dirShape
		}
	}
	// A bind or move joins two paths of the same type (binding a
	// directory onto a file fails with ENOTDIR and the reverse too).
	for changed := true; changed; {
		changed = false
		for _, op := range p.Ops {
			if op.Kind != plan.Bind && op.Kind != plan.Move {
				continue
			}
			if m[op.Source] != m[op.Target] {
				if m[op.Source] == unknownShape {
					m[op.Source], changed = m[op.Target], true
				} else if m[op.Target] == unknownShape {
					m[op.Target], changed = m[op.Source], true
				}
			}
		}
	}
	return m
}
