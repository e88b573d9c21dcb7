package startest

import (
	"fmt"
	"sort"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"

	"confine/sim"
)

var syntaxIn = syntax.IN

// namespace is the value t.simulate returns: a finished simulation to
// query and to run propagation contracts on. Queries take the snap's side
// unless side = "host" is given.
type namespace struct {
	sim     *sim.Sim
	profile string
	host    string
}

var _ starlark.HasAttrs = (*namespace)(nil)

func (n *namespace) String() string        { return fmt.Sprintf("<namespace %s on %s>", n.profile, n.host) }
func (n *namespace) Type() string          { return "namespace" }
func (n *namespace) Freeze()               {}
func (n *namespace) Truth() starlark.Bool  { return true }
func (n *namespace) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: namespace") }

type nsMethod func(n *namespace, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error)

var nsMethods = map[string]nsMethod{
	"visible":     (*namespace).visible,
	"mount_at":    (*namespace).mountAt,
	"propagation": (*namespace).propagation,
	"mounts":      (*namespace).mounts,
	"mountinfo":   (*namespace).mountinfo,
	"explain":     (*namespace).explain,
	"host_mount":  probe(sim.Host, true),
	"host_umount": probe(sim.Host, false),
	"snap_mount":  probe(sim.Snap, true),
	"snap_umount": probe(sim.Snap, false),
	"snap_sees":   sees(sim.Snap),
	"host_sees":   sees(sim.Host),
	"leaks":       (*namespace).leaks,
}

func (n *namespace) Attr(name string) (starlark.Value, error) {
	switch name {
	case "ops":
		var ops []starlark.Value
		for _, op := range n.sim.Program.Ops {
			ops = append(ops, starlark.String(op.String()))
		}
		return starlark.NewList(ops), nil
	case "profile":
		return starlark.String(n.profile), nil
	case "host":
		return starlark.String(n.host), nil
	}
	m, ok := nsMethods[name]
	if !ok {
		return nil, nil
	}
	return starlark.NewBuiltin("ns."+name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return m(n, b, args, kwargs)
	}), nil
}

func (n *namespace) AttrNames() []string {
	names := []string{"host", "ops", "profile"}
	for name := range nsMethods {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// pathSide unpacks (path, side="snap").
func pathSide(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (string, sim.Side, error) {
	var p string
	side := "snap"
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &p, "side?", &side); err != nil {
		return "", 0, err
	}
	s, err := sim.ParseSide(side)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return p, s, nil
}

func wrap(b *starlark.Builtin, err error) error { return fmt.Errorf("%s: %w", b.Name(), err) }

// visible(path, side="snap") reports whether path exists there.
func (n *namespace) visible(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	p, side, err := pathSide(b, args, kwargs)
	if err != nil {
		return nil, err
	}
	ok, err := n.sim.Visible(side, p)
	if err != nil {
		return nil, wrap(b, err)
	}
	return starlark.Bool(ok), nil
}

// mount_at(path, side="snap") returns the mount path resolves to, or
// None when path does not exist.
func (n *namespace) mountAt(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	p, side, err := pathSide(b, args, kwargs)
	if err != nil {
		return nil, err
	}
	m, ok, err := n.sim.MountAt(side, p)
	if err != nil {
		return nil, wrap(b, err)
	}
	if !ok {
		return starlark.None, nil
	}
	return n.mountValue(m), nil
}

// propagation(path, side="snap") is the propagation of the mount path
// resolves to: shared, slave, shared,slave, private or unbindable.
func (n *namespace) propagation(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	p, side, err := pathSide(b, args, kwargs)
	if err != nil {
		return nil, err
	}
	m, ok, err := n.sim.MountAt(side, p)
	if err != nil {
		return nil, wrap(b, err)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %s does not exist on the %s side", b.Name(), p, side)
	}
	return starlark.String(m.Propagation), nil
}

// mounts(path="/", side="snap") lists the mount points at or below path.
func (n *namespace) mounts(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	p, side := "/", "snap"
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path?", &p, "side?", &side); err != nil {
		return nil, err
	}
	s, err := sim.ParseSide(side)
	if err != nil {
		return nil, wrap(b, err)
	}
	ms, err := n.sim.MountsUnder(s, p)
	if err != nil {
		return nil, wrap(b, err)
	}
	var out []starlark.Value
	for _, m := range ms {
		out = append(out, starlark.String(m.Point))
	}
	return starlark.NewList(out), nil
}

// mountinfo(side="snap") is the table in the kernel's format.
func (n *namespace) mountinfo(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	side := "snap"
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "side?", &side); err != nil {
		return nil, err
	}
	s, err := sim.ParseSide(side)
	if err != nil {
		return nil, wrap(b, err)
	}
	text, err := n.sim.MountInfo(s)
	if err != nil {
		return nil, wrap(b, err)
	}
	return starlark.String(text), nil
}

// leaks(allowed) probes every mount of the snap outside allowed and
// returns the host mount points (outside allowed) that the probes
// reached; see sim.Sim.Leaks.
func (n *namespace) leaks(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var list *starlark.List
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "allowed", &list); err != nil {
		return nil, err
	}
	var allowed []string
	for i := 0; i < list.Len(); i++ {
		p, ok := starlark.AsString(list.Index(i))
		if !ok {
			return nil, fmt.Errorf("%s: allowed[%d]: got %s, want a string", b.Name(), i, list.Index(i).Type())
		}
		allowed = append(allowed, p)
	}
	leaks, err := n.sim.Leaks(allowed)
	if err != nil {
		return nil, wrap(b, err)
	}
	var out []starlark.Value
	for _, p := range leaks {
		out = append(out, starlark.String(p))
	}
	return starlark.NewList(out), nil
}

// explain(path) is what `confine explain` prints for path. It simulates
// afresh: probes made on this namespace are not part of it.
func (n *namespace) explain(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var p string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &p); err != nil {
		return nil, err
	}
	x, _, err := sim.Explain(n.sim.Program, n.sim.Host, p)
	if err != nil {
		return nil, wrap(b, err)
	}
	return starlark.String(x.Text()), nil
}

// probe makes the *_mount and *_umount methods: an event on one side
// after the launch.
func probe(side sim.Side, mount bool) nsMethod {
	return func(n *namespace, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var p string
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &p); err != nil {
			return nil, err
		}
		var err error
		if mount {
			_, err = n.sim.ProbeMount(side, p)
		} else {
			err = n.sim.ProbeUmount(side, p)
		}
		if err != nil {
			return nil, wrap(b, err)
		}
		return starlark.None, nil
	}
}

// sees makes snap_sees and host_sees: whether a probe mounted on the
// other side is what path shows on this one.
func sees(side sim.Side) nsMethod {
	return func(n *namespace, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var p string
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &p); err != nil {
			return nil, err
		}
		ok, err := n.sim.Sees(side, p)
		if err != nil {
			return nil, wrap(b, err)
		}
		return starlark.Bool(ok), nil
	}
}

// mountValue is a mount as a Starlark struct.
func (n *namespace) mountValue(m sim.Mount) starlark.Value {
	var optional []starlark.Value
	for _, t := range m.Optional {
		optional = append(optional, starlark.String(t))
	}
	var op starlark.Value = starlark.None
	var command starlark.Value = starlark.None
	if m.Op >= 0 {
		o := n.sim.Program.Ops[m.Op]
		op, command = starlark.String(o.Where()), starlark.String(o.String())
	}
	return starlarkstruct.FromStringDict(starlark.String("mount"), starlark.StringDict{
		"id":          starlark.MakeInt(m.ID),
		"point":       starlark.String(m.Point),
		"source":      starlark.String(m.Source),
		"fstype":      starlark.String(m.FSType),
		"root":        starlark.String(m.Root),
		"options":     starlark.String(m.Options),
		"optional":    starlark.NewList(optional),
		"propagation": starlark.String(m.Propagation),
		"op":          op,
		"command":     command,
	})
}
