package apparmor

import (
	"fmt"
	"strings"

	"confine/executor"
	"confine/plan"
)

// Rules returns the rules the launcher needs to execute p, one or more per
// op in program order (duplicates included; a Policy removes them), with
// the default Config: only placeholders are widened.
func Rules(p *plan.Program) ([]Rule, error) { return Config{}.Rules(p) }

// Rules returns the rules the launcher needs to execute p, one or more per
// op in program order. Optional ops get rules like any other: whether they
// run is decided at execution time, so the policy must allow them.
//
// An error names the op (its profile line and its mount(8) text) and what
// could not be expressed.
func (c Config) Rules(p *plan.Program) ([]Rule, error) {
	if p == nil {
		return nil, fmt.Errorf("apparmor: no program")
	}
	sh := shapes(p)
	fresh := freshFilesystems(p)
	var rules []Rule
	for _, op := range p.Ops {
		rs, err := c.opRules(op, sh)
		if err == nil {
			rs, err = c.collapse(op, rs, fresh)
		}
		if err != nil {
			return nil, fmt.Errorf("apparmor: %s: %s: %w", op.Where(), op, err)
		}
		rules = append(rules, rs...)
	}
	undo, err := c.undoRules(p)
	if err != nil {
		return nil, fmt.Errorf("apparmor: %w", err)
	}
	return append(rules, undo...), nil
}

// undoRules are the calls the executor makes when a program fails: it
// detaches whatever is stacked on the scratch directory (made rprivate
// first, so that the detach does not propagate to the host) and removes
// it, under put_old when the failure came after pivot_root (package
// executor, undo.go). Programs that do not use $SCRATCH need none.
func (c Config) undoRules(p *plan.Program) ([]Rule, error) {
	uses := false
	for _, op := range p.Ops {
		if strings.Contains(op.Source, plan.Scratch) || strings.Contains(op.Target, plan.Scratch) {
			uses = true
			break
		}
	}
	if !uses {
		return nil, nil
	}
	dirs := []string{plan.Scratch}
	for _, op := range p.Ops {
		if op.Kind == plan.Pivot && strings.HasPrefix(op.Source, plan.Scratch) {
			dirs = append(dirs, strings.TrimPrefix(op.Source, plan.Scratch)+"/"+plan.Scratch)
		}
	}
	var rules []Rule
	for _, d := range dirs {
		pat, err := c.pattern(d, dirShape)
		if err != nil {
			return nil, err
		}
		rules = append(rules,
			Rule{Class: Mount, Options: []string{"rw", "rprivate"}, Target: pat},
			Rule{Class: Umount, Target: pat},
			Rule{Class: File, Target: pat, Perms: "rw"})
	}
	return rules, nil
}

// opRules translates one op. Every plan.Kind has a case here; the test
// TestEveryKindHasARule fails when a new kind is added without one.
func (c Config) opRules(op plan.Op, sh map[string]shape) ([]Rule, error) {
	pat := func(p string) (string, error) { return c.pattern(p, sh[p]) }
	dir := func(p string) (string, error) { return c.pattern(p, dirShape) }
	target, err := pat(op.Target)
	if err != nil {
		return nil, err
	}
	// Mount rules carry the flags the executor really passes to mount(2)
	// (executor.Lower), as AppArmor option words: options=(…) matches
	// the flags exactly, so a rule written from the profile's text could
	// silently miss the call.
	mountOptions := func() ([]string, error) {
		call, err := executor.Lower(op)
		if err != nil {
			return nil, err
		}
		return flagWords(call.Flags)
	}
	switch op.Kind {
	case plan.Bind, plan.Move:
		source, err := pat(op.Source)
		if err != nil {
			return nil, err
		}
		words, err := mountOptions()
		if err != nil {
			return nil, err
		}
		return []Rule{{Class: Mount, Options: words, Source: source, Target: target}}, nil
	case plan.MakeShared, plan.MakeSlave, plan.MakePrivate, plan.MakeUnbindable, plan.Remount:
		// Propagation changes and remounts name no source: mount(2)
		// ignores it.
		words, err := mountOptions()
		if err != nil {
			return nil, err
		}
		return []Rule{{Class: Mount, Options: words, Target: target}}, nil
	case plan.Mount:
		if op.FSType == "" {
			return nil, fmt.Errorf("mount without a filesystem type")
		}
		words, err := mountOptions()
		if err != nil {
			return nil, err
		}
		// The source of a new filesystem is a device name ("tmpfs",
		// "none") unless it is a path.
		source := Escape(op.Source)
		if len(op.Source) > 0 && op.Source[0] == '/' {
			if source, err = c.pattern(op.Source, fileShape); err != nil {
				return nil, err
			}
		}
		if source == "" {
			source = "none"
		}
		if target, err = dir(op.Target); err != nil {
			return nil, err
		}
		return []Rule{{Class: Mount, FSType: Escape(op.FSType), Options: words, Source: source, Target: target}}, nil
	case plan.Umount:
		// umount2(2) flags (MNT_DETACH, UMOUNT_NOFOLLOW) are not mediated.
		return []Rule{{Class: Umount, Target: target}}, nil
	case plan.Mkdir, plan.Rmdir:
		// Creating or removing a directory is a write of "path/"; the
		// executor also opens it to check owner and mode.
		if target, err = dir(op.Target); err != nil {
			return nil, err
		}
		return []Rule{{Class: File, Target: target, Perms: "rw"}}, nil
	case plan.Symlink:
		// Creating a symlink is a write of the link path; its text is
		// not a path AppArmor looks at.
		if target, err = c.pattern(op.Target, fileShape); err != nil {
			return nil, err
		}
		return []Rule{{Class: File, Target: target, Perms: "rw"}}, nil
	case plan.Pivot:
		if target, err = dir(op.Target); err != nil {
			return nil, err
		}
		putOld, err := dir(op.Source)
		if err != nil {
			return nil, err
		}
		return []Rule{{Class: PivotRoot, Source: putOld, Target: target}}, nil
	}
	return nil, fmt.Errorf("no AppArmor rule for op kind %s", op.Kind)
}

// freshFilesystems returns the targets of the program's new filesystems
// (tmpfs and the like) that nothing is bound or moved into. The launcher
// made them itself and nothing of the host is reachable below them, so
// what it creates inside them needs no rule per file.
func freshFilesystems(p *plan.Program) []string {
	var fresh []string
	for _, op := range p.Ops {
		if op.Kind != plan.Mount {
			continue
		}
		covered := false
		for _, other := range p.Ops {
			if (other.Kind == plan.Bind || other.Kind == plan.Move) && strings.HasPrefix(other.Target, strings.TrimSuffix(op.Target, "/")+"/") {
				covered = true
				break
			}
		}
		if !covered {
			fresh = append(fresh, op.Target)
		}
	}
	return fresh
}

// collapse replaces the file rules of an op that creates or removes a name
// inside a fresh filesystem by one rule for everything below that
// filesystem. NVIDIA's symlink farms are the case in point: their file
// names carry the driver version, so rules per name would tie the policy
// to one driver release.
func (c Config) collapse(op plan.Op, rules []Rule, fresh []string) ([]Rule, error) {
	if op.Kind != plan.Mkdir && op.Kind != plan.Rmdir && op.Kind != plan.Symlink {
		return rules, nil
	}
	for _, t := range fresh {
		if strings.HasPrefix(op.Target, strings.TrimSuffix(t, "/")+"/") {
			dir, err := c.pattern(t, dirShape)
			if err != nil {
				return nil, err
			}
			return []Rule{{Class: File, Target: dir + "**", Perms: "rw"}}, nil
		}
	}
	return rules, nil
}
