// Package mountinfo renders, parses and normalizes /proc/PID/mountinfo.
//
// The fake kernel renders its table through Format, real tables are read
// with Parse (backed by github.com/moby/sys/mountinfo), and Normalize makes
// two tables comparable, so that the fake's output and a capture from the
// real kernel are compared as text.
package mountinfo

import (
	"fmt"
	"strings"
)

// Entry is one line of mountinfo (proc_pid_mountinfo(5)).
type Entry struct {
	ID       int    // field 1: mount ID
	Parent   int    // field 2: parent mount ID
	Major    int    // field 3: st_dev major
	Minor    int    // field 3: st_dev minor
	Root     string // field 4: root of the mount within its filesystem
	Point    string // field 5: mount point, relative to the reader's root
	Options  string // field 6: per-mount options, e.g. "rw,relatime"
	Optional []string
	// Optional holds field 7: zero or more tags such as "shared:2",
	// "master:1", "propagate_from:1", "unbindable", in the kernel's order.
	FSType       string // field 9
	Source       string // field 10
	SuperOptions string // field 11
}

// String renders the entry exactly as the kernel writes it, with paths and
// the source escaped (show_mountinfo in fs/proc_namespace.c).
func (e Entry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %d:%d %s %s %s", e.ID, e.Parent, e.Major, e.Minor,
		Escape(e.Root), Escape(e.Point), e.Options)
	for _, tag := range e.Optional {
		b.WriteString(" " + tag)
	}
	fmt.Fprintf(&b, " - %s %s %s", Escape(e.FSType), Escape(e.Source), e.SuperOptions)
	return b.String()
}

// Format renders a table, one line per entry, each ending in a newline.
func Format(entries []Entry) string {
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Escape writes space, tab, newline and backslash as the kernel's octal
// escapes (\040, \011, \012, \134), as seq_escape does for mountinfo.
func Escape(s string) string {
	if !strings.ContainsAny(s, " \t\n\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\\':
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
