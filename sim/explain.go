package sim

import (
	"fmt"
	"path"
	"strings"

	"confine/hosts"
	"confine/mountinfo"
	"confine/plan"
)

// Explanation says why a path of the snap's namespace is what it is.
type Explanation struct {
	Path string
	// Visible is whether Path exists in the snap after the program.
	Visible bool
	// Mount is the mount Path resolves to (when Visible), or the mount of
	// its deepest existing ancestor (when not).
	Mount Mount
	// Ancestor is that deepest existing ancestor when Path is missing.
	Ancestor string
	// History lists the ops that changed what Path resolves to, in order.
	History []Event
	// HiddenBy is the op after which Path stopped existing, -1 if none.
	HiddenBy int
	// Host lists the host mounts Path's mount exchanges events with.
	Peers   []mountinfo.Entry // same peer group: events flow both ways
	Masters []mountinfo.Entry // the group Path's mount receives from
	Slaves  []mountinfo.Entry // host mounts that receive from Path's group
	// Checks are the probes run after the analysis, to confirm it on the
	// fake kernel: a mount made on one side and looked for on the other.
	Checks []Check
}

// Check is one probe: a tmpfs mounted at Made on one side, looked for at
// Seen on the other.
type Check struct {
	From       Side
	Made, Seen string
	Got        bool
}

// Event is one op's effect on the path.
type Event struct {
	Step Step
	What string
}

// Explain simulates prog on host watching p, and explains p. The
// simulation is returned too, for its failure (Sim.Err) if any.
func Explain(prog *plan.Program, host *hosts.Host, p string) (*Explanation, *Sim, error) {
	if err := checkPath(p); err != nil {
		return nil, nil, err
	}
	s, err := Run(prog, host, Options{Watch: []string{p}})
	if err != nil {
		return nil, nil, err
	}
	x, err := s.explain(p)
	return x, s, err
}

func (s *Sim) explain(p string) (*Explanation, error) {
	x := &Explanation{Path: p, HiddenBy: -1}
	m, ok, err := s.MountAt(Snap, p)
	if err != nil {
		return nil, err
	}
	x.Visible = ok
	if !ok {
		for a := path.Dir(p); ; a = path.Dir(a) {
			if am, ok, _ := s.MountAt(Snap, a); ok {
				x.Ancestor, x.Mount = a, am
				break
			}
			if a == "/" {
				break
			}
		}
	} else {
		x.Mount = m
	}
	was, wasMount := false, 0
	for _, st := range s.Steps {
		if st.Skipped {
			continue
		}
		vis, id := st.Visible[p], st.Mount[p]
		switch {
		case vis && !was:
			x.History = append(x.History, Event{st, fmt.Sprintf("made it visible, on mount %d", id)})
		case !vis && was:
			x.History = append(x.History, Event{st, "made it disappear"})
			x.HiddenBy = st.Index
		case vis && id != wasMount && removed(st, wasMount):
			x.History = append(x.History, Event{st, fmt.Sprintf("removed mount %d, uncovering mount %d", wasMount, id)})
		case vis && id != wasMount:
			what := fmt.Sprintf("put mount %d over it, hiding mount %d", id, wasMount)
			if o := s.Origin(wasMount); o >= 0 {
				what += fmt.Sprintf(" made by op %d (%s)", o+1, s.Program.Ops[o].Where())
			}
			x.History = append(x.History, Event{st, what})
		case vis:
			for _, e := range st.Changed {
				if e.ID == id {
					x.History = append(x.History, Event{st, fmt.Sprintf("made mount %d %s", id, propagationNoun(Propagation(e.Optional)))})
				}
			}
		}
		if vis {
			x.HiddenBy = -1
		}
		was, wasMount = vis, id
	}
	if x.Visible {
		if err := x.relate(s); err != nil {
			return nil, err
		}
		x.probe(s)
	}
	return x, nil
}

// probe confirms the propagation analysis: it mounts a tmpfs below the
// path on the host (at the host path the snap's mount shows, when it
// shows a host mount) and looks for it in the snap, then the other way.
// Probes need a directory they can create; where they cannot (a
// read-only file system, a file), nothing is checked.
func (x *Explanation) probe(s *Sim) {
	if st, err := s.SnapProc.Lstat(x.Path); err != nil || !st.IsDir() {
		return
	}
	hostPath := x.Path
	related := append(append([]mountinfo.Entry{}, x.Peers...), x.Masters...)
	for _, h := range related {
		if h.Major != x.Mount.Major || h.Minor != x.Mount.Minor {
			continue
		}
		// The file at Path is the filesystem's Root+rel; the host mount
		// shows it at its point plus that path below its own root.
		fsPath := path.Join(x.Mount.Root, strings.TrimPrefix(x.Path, x.Mount.Point))
		if within(fsPath, h.Root) {
			hostPath = path.Join(h.Point, strings.TrimPrefix(fsPath, h.Root))
			break
		}
	}
	try := func(from Side, made, seen string) {
		if err := mkdirAll(s.proc(from), made); err != nil {
			return
		}
		if _, err := s.ProbeMount(from, made); err != nil {
			return
		}
		other := Snap
		if from == Snap {
			other = Host
		}
		got, _ := s.Sees(other, seen)
		x.Checks = append(x.Checks, Check{From: from, Made: made, Seen: seen, Got: got})
	}
	try(Host, path.Join(hostPath, ".confine-probe-host"), path.Join(x.Path, ".confine-probe-host"))
	try(Snap, path.Join(x.Path, ".confine-probe-snap"), path.Join(hostPath, ".confine-probe-snap"))
}

// relate finds the host mounts the path's mount shares a peer group with,
// receives from, or sends to (peer group IDs are global, so the same
// shared:N on both sides is the same group).
func (x *Explanation) relate(s *Sim) error {
	host, err := s.Table(Host)
	if err != nil {
		return err
	}
	group, master := tags(x.Mount.Optional)
	for _, e := range host {
		g, mst := tags(e.Optional)
		switch {
		case group != "" && g == group:
			x.Peers = append(x.Peers, e)
		case master != "" && g == master:
			x.Masters = append(x.Masters, e)
		case group != "" && mst == group:
			x.Slaves = append(x.Slaves, e)
		}
	}
	return nil
}

// tags returns the peer group and master group numbers of a mountinfo
// line ("" when absent).
func tags(optional []string) (group, master string) {
	for _, t := range optional {
		if g, ok := strings.CutPrefix(t, "shared:"); ok {
			group = g
		} else if m, ok := strings.CutPrefix(t, "master:"); ok {
			master = m
		}
	}
	return group, master
}

// Text renders the explanation for people.
func (x *Explanation) Text() string {
	var b strings.Builder
	if x.Visible {
		fmt.Fprintf(&b, "%s is on mount %d: %s\n", x.Path, x.Mount.ID, describeMount(x.Mount))
	} else {
		fmt.Fprintf(&b, "%s does not exist in the snap\n", x.Path)
		if x.Ancestor != "" {
			fmt.Fprintf(&b, "  its deepest existing ancestor %s is on mount %d: %s\n", x.Ancestor, x.Mount.ID, describeMount(x.Mount))
		}
	}
	if len(x.History) == 0 {
		if x.Visible {
			b.WriteString("no op of the program changed it: it came with the namespace\n")
		} else {
			b.WriteString("nothing provides it: no op of the program ever made it visible\n")
		}
	} else {
		b.WriteString("ops that made it what it is:\n")
		for _, ev := range x.History {
			fmt.Fprintf(&b, "  op %d %s: %s\n      %s\n", ev.Step.Index+1, ev.Step.Op.Where(), ev.Step.Op.String(), ev.What)
		}
	}
	if !x.Visible {
		if x.HiddenBy >= 0 {
			fmt.Fprintf(&b, "hidden by op %d (%s)\n", x.HiddenBy+1, x.History[len(x.History)-1].Step.Op.Where())
		}
		return b.String()
	}
	b.WriteString("propagation:\n")
	switch {
	case len(x.Peers) > 0:
		fmt.Fprintf(&b, "  both ways: peer of host %s\n", points(x.Peers))
	case len(x.Masters) > 0:
		fmt.Fprintf(&b, "  host -> snap only: receives from host %s\n", points(x.Masters))
	default:
		b.WriteString("  none with the host: mounts on either side stay there\n")
	}
	if len(x.Slaves) > 0 {
		fmt.Fprintf(&b, "  the host receives at %s\n", points(x.Slaves))
	}
	if len(x.Checks) > 0 {
		b.WriteString("checked on the fake kernel:\n")
	}
	for _, c := range x.Checks {
		other, where := "on the host", "in the snap"
		if c.From == Host {
			other, where = "in the snap", "on the host"
		}
		verdict := "no"
		if c.Got {
			verdict = "yes"
		}
		fmt.Fprintf(&b, "  a mount %s at %s appears %s at %s: %s\n", where, c.Made, other, c.Seen, verdict)
	}
	return b.String()
}

func describeMount(m Mount) string {
	s := fmt.Sprintf("%s %s root=%s %s", m.FSType, m.Source, m.Root, m.Propagation)
	if len(m.Optional) > 0 {
		s += " (" + strings.Join(m.Optional, " ") + ")"
	}
	return s
}

func points(es []mountinfo.Entry) string {
	var ps []string
	seen := map[string]bool{}
	for _, e := range es {
		if !seen[e.Point] {
			seen[e.Point] = true
			ps = append(ps, e.Point)
		}
	}
	if len(ps) > 4 {
		ps = append(ps[:4], fmt.Sprintf("and %d more", len(ps)-4))
	}
	return strings.Join(ps, ", ")
}

// removed reports whether step st removed the mount with this ID.
func removed(st Step, id int) bool {
	for _, e := range st.Removed {
		if e.ID == id {
			return true
		}
	}
	return false
}

// propagationNoun reads a propagation word as the state a mount is put in.
func propagationNoun(p string) string {
	switch p {
	case "slave":
		return "a slave (receives, sends nothing)"
	case "shared":
		return "shared (sends and receives)"
	case "shared,slave":
		return "shared and a slave"
	}
	return p
}
