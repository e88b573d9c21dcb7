package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"confine/mountinfo"
)

// Tree renders a table the way findmnt(8) does: one mount a line, nested
// under its parent, with columns TARGET SOURCE FSTYPE PROPAGATION. A bind
// of a subdirectory shows its root in brackets after the source, as
// findmnt does ("/dev/sda1[/media]").
func Tree(table []mountinfo.Entry) string {
	byID := map[int]bool{}
	children := map[int][]int{}
	for i, e := range table {
		byID[e.ID] = true
		children[e.Parent] = append(children[e.Parent], i)
	}
	type row struct{ target, source, fstype, prop string }
	var rows []row
	var walk func(i int, prefix string, last, top bool)
	walk = func(i int, prefix string, last, top bool) {
		e := table[i]
		branch, next := "", prefix
		if !top {
			if last {
				branch, next = "└─", prefix+"  "
			} else {
				branch, next = "├─", prefix+"│ "
			}
		}
		source := e.Source
		if e.Root != "/" {
			source += "[" + e.Root + "]"
		}
		rows = append(rows, row{prefix + branch + e.Point, source, e.FSType, Propagation(e.Optional)})
		kids := children[e.ID]
		for j, k := range kids {
			if table[k].ID == e.ID {
				continue
			}
			walk(k, next, j == len(kids)-1, false)
		}
	}
	for i, e := range table {
		if !byID[e.Parent] || e.Parent == e.ID {
			walk(i, "", true, true)
		}
	}
	width := [3]int{len("TARGET"), len("SOURCE"), len("FSTYPE")}
	for _, r := range rows {
		width[0] = max(width[0], len([]rune(r.target)))
		width[1] = max(width[1], len(r.source))
		width[2] = max(width[2], len(r.fstype))
	}
	var b strings.Builder
	line := func(r row) {
		pad := width[0] - len([]rune(r.target))
		fmt.Fprintf(&b, "%s%s %-*s %-*s %s\n", r.target, strings.Repeat(" ", pad), width[1], r.source, width[2], r.fstype, r.prop)
	}
	line(row{"TARGET", "SOURCE", "FSTYPE", "PROPAGATION"})
	for _, r := range rows {
		line(r)
	}
	return b.String()
}

// jsonMount is one mount in the JSON form of a namespace.
type jsonMount struct {
	ID          int      `json:"id"`
	Parent      int      `json:"parent"`
	Target      string   `json:"target"`
	Source      string   `json:"source"`
	FSType      string   `json:"fstype"`
	Root        string   `json:"root"`
	Options     string   `json:"options"`
	Propagation string   `json:"propagation"`
	Optional    []string `json:"optional"`
	// Op is the op that created the mount (snap side only).
	Op *jsonOp `json:"op,omitempty"`
}

type jsonOp struct {
	Index   int    `json:"index"`
	Where   string `json:"where"`
	Command string `json:"command"`
}

// JSON renders side's table as a JSON document: {"side": …, "mounts":
// [...]}, each mount with its propagation and, on the snap side, the op
// that created it.
func (s *Sim) JSON(side Side) ([]byte, error) {
	table, err := s.Table(side)
	if err != nil {
		return nil, err
	}
	doc := struct {
		Side   string      `json:"side"`
		Host   string      `json:"host"`
		Mounts []jsonMount `json:"mounts"`
		Error  string      `json:"error,omitempty"`
	}{Side: side.String(), Host: s.Host.Name, Mounts: []jsonMount{}}
	if s.Err != nil {
		doc.Error = s.Err.Error()
	}
	for _, e := range table {
		m := jsonMount{ID: e.ID, Parent: e.Parent, Target: e.Point, Source: e.Source, FSType: e.FSType,
			Root: e.Root, Options: e.Options, Propagation: Propagation(e.Optional), Optional: e.Optional}
		if m.Optional == nil {
			m.Optional = []string{}
		}
		if side == Snap {
			if i := s.Origin(e.ID); i >= 0 {
				op := s.Program.Ops[i]
				m.Op = &jsonOp{Index: i, Where: op.Where(), Command: op.String()}
			}
		}
		doc.Mounts = append(doc.Mounts, m)
	}
	// Op provenance reads "classic.star:35 > @stdlib//bootstrap.star:145":
	// keep ">" as it is rather than HTML-escaped.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// StepsText renders what each op did to the snap's table, in order: the
// op with its profile line, then the mountinfo lines it added (+),
// removed (-) or changed the propagation or flags of (~). Paths are as
// the snap saw them at the time (under the scratch directory before the
// pivot).
func (s *Sim) StepsText() string {
	var b strings.Builder
	for _, st := range s.Steps {
		b.WriteString("op ")
		b.WriteString(strconv.Itoa(st.Index + 1))
		b.WriteByte(' ')
		b.WriteString(st.Op.Where())
		b.WriteString(": ")
		b.WriteString(st.Op.String())
		switch {
		case st.Failed:
			b.WriteString("  (failed)")
		case st.Skipped:
			b.WriteString("  (skipped: optional, source or target missing)")
		}
		b.WriteByte('\n')
		for _, e := range st.Added {
			b.WriteString("  + ")
			b.WriteString(e.String())
			b.WriteByte('\n')
		}
		for _, e := range st.Removed {
			b.WriteString("  - ")
			b.WriteString(e.String())
			b.WriteByte('\n')
		}
		for _, e := range st.Changed {
			b.WriteString("  ~ ")
			b.WriteString(e.String())
			b.WriteByte('\n')
		}
	}
	return b.String()
}
