package apparmor

import (
	"fmt"
	"strings"

	"confine/kernel"
)

// Request is one concrete call as AppArmor mediates it: a mount(2) with
// its flags, an umount2(2), a pivot_root(2), or a file access. Paths are
// what the kernel would name: absolute, clean, with a trailing slash when
// the file is a directory.
type Request struct {
	Class Class
	// Flags are the mount(2) flags of a Mount request.
	Flags uintptr
	// FSType is the filesystem type of a Mount request that makes a new
	// filesystem.
	FSType string
	// Source is the mount source (a path or a device name) or put_old.
	Source string
	// Target is the mount point, new_root, or the file.
	Target string
	// Perms are the file permissions a File request needs ("w", "rw").
	Perms string
}

func (q Request) String() string {
	switch q.Class {
	case File:
		return fmt.Sprintf("file %s %s", q.Target, q.Perms)
	case Mount:
		return fmt.Sprintf("mount fstype=%q source=%q target=%q flags=%s", q.FSType, q.Source, q.Target, kernel.FlagString(q.Flags))
	}
	return fmt.Sprintf("%s source=%q target=%q", q.Class, q.Source, q.Target)
}

// variables are the policy variables the launcher's rules use, as
// tunables/global defines them (narrowed to what the matcher needs).
var variables = map[string]string{
	"@{PROC}": "/proc/",
	"@{pid}":  "{[1-9],[1-9][0-9]*}",
	"@{tid}":  "{[1-9],[1-9][0-9]*}",
}

// Matcher answers whether a set of rules allows a request, the way the
// kernel would for the rule forms this package emits.
type Matcher struct {
	rules []compiled
}

type compiled struct {
	rule           Rule
	flags          uintptr
	source, target *Glob
	fstype         *Glob
}

// NewMatcher compiles rules. It fails on a pattern or option word that
// the matcher does not understand, which in a test means the generator
// wrote something unexpected.
func NewMatcher(rules []Rule) (*Matcher, error) {
	m := &Matcher{}
	for _, r := range rules {
		c := compiled{rule: r}
		var err error
		glob := func(p string) (*Glob, error) {
			if p == "" {
				return nil, nil
			}
			for name, val := range variables {
				p = strings.ReplaceAll(p, name, val)
			}
			if strings.Contains(p, "@{") {
				return nil, fmt.Errorf("rule %s: unknown variable in %s", r, p)
			}
			return CompileGlob(collapseSlashes(p))
		}
		if c.target, err = glob(r.Target); err != nil {
			return nil, err
		}
		if c.source, err = glob(r.Source); err != nil {
			return nil, err
		}
		if c.fstype, err = glob(r.FSType); err != nil {
			return nil, err
		}
		for _, w := range r.Options {
			f, ok := optionFlags[w]
			if !ok {
				return nil, fmt.Errorf("rule %s: unknown mount option %q", r, w)
			}
			c.flags |= f
		}
		m.rules = append(m.rules, c)
	}
	return m, nil
}

// Allows reports whether some rule allows q. For mount rules with
// options=(…) the flags must be exactly the rule's; a rule without a
// source or fstype condition allows any.
func (m *Matcher) Allows(q Request) bool {
	return m.Which(q) != nil
}

// Which returns the first rule that allows q, or nil.
func (m *Matcher) Which(q Request) *Rule {
	for i := range m.rules {
		c := &m.rules[i]
		if c.allows(q) {
			return &c.rule
		}
	}
	return nil
}

func (c *compiled) allows(q Request) bool {
	r := c.rule
	if r.Class != q.Class {
		return false
	}
	switch r.Class {
	case Capability:
		return r.Name == q.Target
	case File:
		for _, p := range q.Perms {
			if !strings.ContainsRune(r.Perms, p) {
				return false
			}
		}
		return c.target.Match(q.Target)
	case Mount:
		if c.flags != q.Flags {
			return false
		}
		if c.fstype != nil && !c.fstype.Match(q.FSType) {
			return false
		}
		if c.source != nil && !c.source.Match(q.Source) {
			return false
		}
		return c.target.Match(q.Target)
	case Umount:
		return c.target.Match(q.Target)
	case PivotRoot:
		if c.source != nil && !c.source.Match(q.Source) {
			return false
		}
		return c.target.Match(q.Target)
	}
	return false
}
