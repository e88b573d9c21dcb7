package hosts

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/spf13/afero"
)

// A tree spec is a txtar archive. Its comment lists one entry a line:
//
//	dir PATH…            directories (and their parents), mode 0755
//	dir:MODE PATH…       directories with an octal mode, e.g. dir:1777 /tmp
//	link PATH TEXT       a symlink holding TEXT
//	include SPEC PREFIX  another spec of fixtures/, placed under PREFIX
//	# …                  a comment
//
// and its files are regular files (mode 0644), named relative to "/".
// Lines apply in order, files last; a later entry may add to what an
// earlier one made.

// readSpec is how a spec finds the specs it includes.
type readSpec func(name string) ([]byte, error)

// buildTree applies the spec named name to tree under prefix. depth
// bounds includes, so that a spec including itself is an error rather
// than a hang.
func buildTree(tree *LinkFs, read readSpec, name, prefix string, depth int) error {
	if depth > 8 {
		return fmt.Errorf("%s: includes nested too deep", name)
	}
	data, err := read(name)
	if err != nil {
		return err
	}
	comment, files := splitArchive(string(data))
	for i, line := range strings.Split(comment, "\n") {
		if err := applyLine(tree, read, prefix, line, depth); err != nil {
			return fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
	}
	for _, f := range files {
		p := path.Join(prefix, "/"+f.name)
		if err := tree.MkdirAll(path.Dir(p), 0o755); err != nil {
			return fmt.Errorf("%s: %s: %w", name, f.name, err)
		}
		if err := afero.WriteFile(tree, p, []byte(f.data), 0o644); err != nil {
			return fmt.Errorf("%s: %s: %w", name, f.name, err)
		}
	}
	return nil
}

func applyLine(tree *LinkFs, read readSpec, prefix, line string, depth int) error {
	fields := strings.Fields(line)
	if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
		return nil
	}
	verb, args := fields[0], fields[1:]
	switch {
	case verb == "dir" || strings.HasPrefix(verb, "dir:"):
		mode := fs.FileMode(0o755)
		if m, ok := strings.CutPrefix(verb, "dir:"); ok {
			n, err := strconv.ParseUint(m, 8, 32)
			if err != nil || n > 0o7777 {
				return fmt.Errorf("bad directory mode %q", m)
			}
			mode = fs.FileMode(n&0o777) | modeBits(uint32(n))
		}
		if len(args) == 0 {
			return fmt.Errorf("dir: no path")
		}
		for _, p := range args {
			if err := checkAbs(p); err != nil {
				return err
			}
			full := path.Join(prefix, p)
			if err := tree.MkdirAll(full, 0o755); err != nil {
				return err
			}
			if err := tree.Chmod(full, mode|fs.ModeDir); err != nil {
				return err
			}
		}
	case verb == "link":
		if len(args) != 2 {
			return fmt.Errorf("link: want PATH TEXT, got %d words", len(args))
		}
		if err := checkAbs(args[0]); err != nil {
			return err
		}
		return tree.SymlinkIfPossible(args[1], path.Join(prefix, args[0]))
	case verb == "include":
		if len(args) != 2 {
			return fmt.Errorf("include: want SPEC PREFIX, got %d words", len(args))
		}
		if err := checkAbs(args[1]); err != nil {
			return err
		}
		return buildTree(tree, read, args[0], path.Join(prefix, args[1]), depth+1)
	default:
		return fmt.Errorf("unknown entry %q (want dir, link or include)", verb)
	}
	return nil
}

// modeBits turns the setuid, setgid and sticky bits of chmod(1) octal
// into fs.FileMode bits.
func modeBits(n uint32) fs.FileMode {
	var m fs.FileMode
	if n&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if n&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if n&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

func checkAbs(p string) error {
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return fmt.Errorf("%q: path must be absolute and clean", p)
	}
	return nil
}

type archiveFile struct{ name, data string }

// splitArchive reads the txtar format (a comment, then files each opened
// by a "-- NAME --" line). It is written here because go-internal's txtar
// pulls in golang.org/x/tools, which the module does not otherwise need.
func splitArchive(text string) (comment string, files []archiveFile) {
	var cur *archiveFile
	var b strings.Builder
	flush := func() {
		if cur == nil {
			comment = b.String()
		} else {
			cur.data = b.String()
			files = append(files, *cur)
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		trimmed := strings.TrimRight(line, "\n")
		if name, ok := strings.CutPrefix(trimmed, "-- "); ok && strings.HasSuffix(name, " --") && len(name) > 3 {
			flush()
			cur = &archiveFile{name: strings.TrimSpace(strings.TrimSuffix(name, " --"))}
			continue
		}
		b.WriteString(line)
	}
	flush()
	return comment, files
}
