package apparmor

import (
	"fmt"
	"strings"
)

// Class is the kind of AppArmor rule.
type Class int

// The rule classes the generator emits, in the order a policy lists them.
const (
	Capability Class = iota + 1 // capability NAME,
	File                        // PATH PERMS,
	Mount                       // mount [fstype=T] [options=(…)] [SOURCE] -> TARGET,
	Umount                      // umount TARGET,
	PivotRoot                   // pivot_root oldroot=OLD NEW,
)

func (c Class) String() string {
	switch c {
	case Capability:
		return "capability"
	case File:
		return "file"
	case Mount:
		return "mount"
	case Umount:
		return "umount"
	case PivotRoot:
		return "pivot_root"
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// Rule is one AppArmor rule. Paths are AppArmor patterns (globs), already
// escaped: a literal `*` in a host path appears as `\*`.
type Rule struct {
	Class Class
	// Name is the capability of a Capability rule.
	Name string
	// Perms are the permissions of a File rule ("rw", "r", "rwk").
	Perms string
	// FSType restricts a Mount rule to one filesystem type.
	FSType string
	// Options are the mount flags of a Mount rule as AppArmor words in
	// the order they are written ("rw", "rbind"). A Mount rule with
	// options=(…) matches only calls whose flags are exactly these.
	Options []string
	// Source is the device or bind source of a Mount rule and put_old
	// (oldroot=) of a PivotRoot rule; empty means "no source condition",
	// which is how propagation changes and remounts are written.
	Source string
	// Target is the mount point of Mount and Umount rules, new_root of a
	// PivotRoot rule, or the path of a File rule.
	Target string
}

// String renders the rule as one line of policy, with its trailing comma.
func (r Rule) String() string {
	var b strings.Builder
	switch r.Class {
	case Capability:
		b.WriteString("capability " + r.Name)
	case File:
		b.WriteString(quote(r.Target) + " " + r.Perms)
	case Mount:
		b.WriteString("mount")
		if r.FSType != "" {
			b.WriteString(" fstype=" + r.FSType)
		}
		if len(r.Options) > 0 {
			b.WriteString(" options=(" + strings.Join(r.Options, " ") + ")")
		}
		if r.Source != "" {
			b.WriteString(" " + quote(r.Source))
		}
		b.WriteString(" -> " + quote(r.Target))
	case Umount:
		b.WriteString("umount " + quote(r.Target))
	case PivotRoot:
		b.WriteString("pivot_root")
		if r.Source != "" {
			b.WriteString(" oldroot=" + quote(r.Source))
		}
		b.WriteString(" " + quote(r.Target))
	default:
		fmt.Fprintf(&b, "# unknown rule class %d", int(r.Class))
	}
	b.WriteByte(',')
	return b.String()
}

// quote wraps a pattern in double quotes when the policy grammar would
// otherwise split it: whitespace, a comma (which would end the rule), a
// `#` (which would start a comment), parentheses or `=`.
func quote(pattern string) string {
	if strings.ContainsAny(pattern, " \t\n#()=\"") || strings.Contains(pattern, ",") && !commaOnlyInBraces(pattern) {
		return `"` + strings.ReplaceAll(pattern, `"`, `\"`) + `"`
	}
	return pattern
}

// commaOnlyInBraces reports whether every comma of pattern separates the
// members of a {…} alternation, where the grammar expects it.
func commaOnlyInBraces(pattern string) bool {
	depth := 0
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			depth--
		case ',':
			if depth == 0 {
				return false
			}
		}
	}
	return true
}
