package apparmor

import (
	"fmt"
	"strings"

	"confine/executor"
	"confine/plan"
)

// OpRequest is one request an op makes when it executes.
type OpRequest struct {
	Op      plan.Op
	Request Request
}

// Requests returns the concrete requests that executing p makes, with
// each placeholder replaced by its value in values (every placeholder the
// program uses must have one). When the program leaves a path's type open
// (a file or a directory could be there), the op yields a request for
// each, since the policy must allow whichever it turns out to be.
func Requests(p *plan.Program, values map[string]string) ([]OpRequest, error) {
	sh := shapes(p)
	var out []OpRequest
	for _, op := range p.Ops {
		rs, err := opRequests(op, sh, values)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", op.Where(), op, err)
		}
		for _, r := range rs {
			out = append(out, OpRequest{Op: op, Request: r})
		}
	}
	return out, nil
}

func opRequests(op plan.Op, sh map[string]shape, values map[string]string) ([]Request, error) {
	resolve := func(p string) (string, error) {
		for _, name := range placeholderRE().FindAllString(p, -1) {
			v, ok := values[name]
			if !ok {
				return "", fmt.Errorf("no value for placeholder %s", name)
			}
			p = strings.ReplaceAll(p, name, v)
		}
		return collapseSlashes(p), nil
	}
	// names lists what the kernel may call the file at p.
	names := func(p string, s shape) ([]string, error) {
		r, err := resolve(p)
		if err != nil {
			return nil, err
		}
		asDir := strings.TrimSuffix(r, "/") + "/"
		switch s {
		case dirShape:
			return []string{asDir}, nil
		case fileShape:
			return []string{r}, nil
		}
		return []string{r, asDir}, nil
	}
	var reqs []Request
	targets, err := names(op.Target, sh[op.Target])
	if err != nil {
		return nil, err
	}
	sources := []string{""}
	if op.Kind == plan.Bind || op.Kind == plan.Move {
		if sources, err = names(op.Source, sh[op.Source]); err != nil {
			return nil, err
		}
	}
	mount := func(flags uintptr, fstype string) {
		for _, s := range sources {
			for _, t := range targets {
				reqs = append(reqs, Request{Class: Mount, Flags: flags, FSType: fstype, Source: s, Target: t})
			}
		}
	}
	// The flags are the executor's own (executor.Lower). The rules are
	// written from the same lowering, so what this checks is the way
	// back: option words read as flags, and paths widened into globs
	// that must still match the concrete, resolved names.
	call, err := executor.Lower(op)
	if err != nil {
		return nil, err
	}
	switch op.Kind {
	case plan.Bind, plan.MakeShared, plan.MakeSlave, plan.MakePrivate, plan.MakeUnbindable, plan.Remount, plan.Move:
		mount(call.Flags, "")
	case plan.Mount:
		source := call.Source
		if source == "" {
			source = "none"
		}
		sources = []string{source}
		if targets, err = names(op.Target, dirShape); err != nil {
			return nil, err
		}
		mount(call.Flags, call.FSType)
	case plan.Umount:
		for _, t := range targets {
			reqs = append(reqs, Request{Class: Umount, Target: t})
		}
	case plan.Mkdir, plan.Rmdir:
		t, err := names(op.Target, dirShape)
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, Request{Class: File, Target: t[0], Perms: "w"})
	case plan.Symlink:
		t, err := names(op.Target, fileShape)
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, Request{Class: File, Target: t[0], Perms: "w"})
	case plan.Pivot:
		root, err := names(op.Target, dirShape)
		if err != nil {
			return nil, err
		}
		putOld, err := names(op.Source, dirShape)
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, Request{Class: PivotRoot, Source: putOld[0], Target: root[0]})
	default:
		return nil, fmt.Errorf("unknown op kind %s", op.Kind)
	}
	return reqs, nil
}
