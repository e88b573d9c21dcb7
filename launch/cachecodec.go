package launch

import (
	"encoding/binary"
	"errors"
	"strings"

	"confine/plan"
)

// Cache entries are not plan.Program's JSON: decoding JSON by reflection
// took about 11 µs per op (34 ms for a 3k-op program on the benchmark
// machine), more than executing the op. This is a length-prefixed
// encoding that decodes with bounds checks and no reflection. Kinds are
// stored by name, so an entry never means a different op if plan.Kind is
// renumbered. Any malformed entry is an error, and so a cache miss.

const cacheMagic = "confine-program 1\n"

const (
	flagRecursive = 1 << iota
	flagLazy
	flagNoFollow
	flagOptional
)

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64)  { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) str(s string)   { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) pos(p plan.Pos) { e.str(p.File); e.uint(uint64(p.Line)); e.uint(uint64(p.Col)) }

// encodeProgram renders prog as a cache entry.
func encodeProgram(prog *plan.Program) []byte {
	e := encoder{b: make([]byte, 0, 64+len(prog.Ops)*96)}
	e.b = append(e.b, cacheMagic...)
	e.str(prog.Profile)
	e.uint(uint64(len(prog.Facts)))
	for _, f := range prog.Facts {
		e.str(f)
	}
	e.uint(uint64(len(prog.Ops)))
	for _, op := range prog.Ops {
		e.str(op.Kind.String())
		e.str(op.Source)
		e.str(op.Target)
		e.str(op.FSType)
		e.str(op.Options)
		e.uint(bit(op.Recursive, flagRecursive) | bit(op.Lazy, flagLazy) | bit(op.NoFollow, flagNoFollow) | bit(op.Optional, flagOptional))
		e.uint(uint64(op.Mode))
		e.pos(op.Pos)
		e.uint(uint64(len(op.Stack)))
		for _, p := range op.Stack {
			e.pos(p)
		}
	}
	return e.b
}

func bit(on bool, flag uint64) uint64 {
	if on {
		return flag
	}
	return 0
}

var errEntry = errors.New("malformed cache entry")

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errEntry
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length that must fit in what is left (each element takes
// at least min bytes), so a corrupt length cannot make a huge allocation.
func (d *decoder) count(min int) int {
	n := d.uint()
	if n > uint64(len(d.b)/min) {
		d.err = errEntry
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count(1)
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) int() int {
	v := d.uint()
	if v > 1<<31 {
		d.err = errEntry
	}
	return int(v)
}

func (d *decoder) pos() plan.Pos {
	return plan.Pos{File: d.str(), Line: d.int(), Col: d.int()}
}

// decodeProgram reads a cache entry written by encodeProgram.
func decodeProgram(data []byte) (*plan.Program, error) {
	rest, ok := strings.CutPrefix(string(data[:min(len(data), len(cacheMagic))]), cacheMagic)
	if !ok || rest != "" {
		return nil, errEntry
	}
	d := decoder{b: data[len(cacheMagic):]}
	prog := &plan.Program{Profile: d.str()}
	if n := d.count(1); n > 0 {
		prog.Facts = make([]string, n)
		for i := range prog.Facts {
			prog.Facts[i] = d.str()
		}
	}
	if n := d.count(12); n > 0 {
		prog.Ops = make([]plan.Op, n)
	}
	for i := range prog.Ops {
		if d.err != nil {
			break
		}
		op := &prog.Ops[i]
		kind, ok := plan.ParseKind(d.str())
		if !ok {
			return nil, errEntry
		}
		op.Kind = kind
		op.Source, op.Target, op.FSType, op.Options = d.str(), d.str(), d.str(), d.str()
		flags := d.uint()
		op.Recursive, op.Lazy = flags&flagRecursive != 0, flags&flagLazy != 0
		op.NoFollow, op.Optional = flags&flagNoFollow != 0, flags&flagOptional != 0
		mode := d.uint()
		if mode > 0o7777 {
			return nil, errEntry
		}
		op.Mode = uint32(mode)
		op.Pos = d.pos()
		if n := d.count(3); n > 0 {
			op.Stack = make([]plan.Pos, n)
			for j := range op.Stack {
				op.Stack[j] = d.pos()
			}
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errEntry
	}
	return prog, nil
}
