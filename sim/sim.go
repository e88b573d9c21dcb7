package sim

import (
	"fmt"
	"path"
	"strings"

	"confine/executor"
	"confine/hosts"
	"confine/kernel"
	"confine/mountinfo"
	"confine/plan"
)

// Side names one of the two namespaces of a simulation.
type Side int

const (
	Snap Side = iota // the snap's namespace, built by the program
	Host             // the host's namespace it was unshared from
)

func (s Side) String() string {
	if s == Host {
		return "host"
	}
	return "snap"
}

// ParseSide reads "snap" or "host".
func ParseSide(s string) (Side, error) {
	switch s {
	case "snap":
		return Snap, nil
	case "host":
		return Host, nil
	}
	return 0, fmt.Errorf("side %q: want snap or host", s)
}

// Options adjust Run.
type Options struct {
	// Watch lists paths (as the snap sees them after the program) whose
	// visibility is recorded after every op, for Explain.
	Watch []string

	// fullDiff records every op by reading and diffing the whole table,
	// as on a real kernel, even on the fake: tests compare the two.
	fullDiff bool
}

// Sim is a finished simulation: both namespaces, live, and what each op
// did to the snap's.
type Sim struct {
	Program *plan.Program
	Host    *hosts.Host
	// HostProc and SnapProc are processes in the two namespaces.
	HostProc, SnapProc kernel.Syscalls
	// Steps holds one entry per op of Program that was reached.
	Steps []Step
	// Scratch is the directory $SCRATCH stood for.
	Scratch string
	// Err is the executor's error when the program failed (an
	// *executor.OpError); the namespaces are left as the failure left
	// them, so that they can still be inspected.
	Err error

	origin map[int]int // snap mount ID → index of the op that made it
	probes int
	// stacked maps "side:path" of a probe that could not be made at its
	// path (read-only) to the ancestor it was stacked on.
	stacked map[string]string
}

// Step is what one op did to the snap's namespace.
type Step struct {
	Index   int
	Op      plan.Op
	Skipped bool // an optional op whose source or target was missing
	Failed  bool
	// Added, Removed and Changed are mounts of the snap's table (as it
	// read right after the op) that the op created, removed, or whose
	// propagation or flags it changed.
	Added, Removed, Changed []mountinfo.Entry
	// Visible reports, for each watched path, whether it existed in the
	// snap after the op (under $SCRATCH before the pivot), and Mount the
	// ID of the mount it resolved to (0 when it did not exist).
	Visible map[string]bool
	Mount   map[string]int
}

// Run simulates prog on host. A failing op is not an error of Run: it is
// recorded in Sim.Err and the failed step, so that the failure can be
// explained. Run's error is for a simulation that could not start.
func Run(prog *plan.Program, host *hosts.Host, opts Options) (*Sim, error) {
	hostProc, snapProc, err := newWorld(host)
	if err != nil {
		return nil, fmt.Errorf("simulate on %s: %w", host.Name, err)
	}
	s := &Sim{Program: prog, Host: host, HostProc: hostProc, SnapProc: snapProc, origin: map[int]int{}}
	if n := len(prog.Ops); n > 0 {
		s.Steps = make([]Step, 0, n)
	}
	rec := newRecorder(s, opts.Watch)
	rec.fullDiff = opts.fullDiff
	if err := rec.start(); err != nil {
		return nil, err
	}
	res, execErr := executor.Execute(prog, snapProc, executor.Options{Trace: rec})
	if err := rec.finish(execErr); err != nil {
		return nil, err
	}
	if execErr == nil && len(s.Steps) != len(prog.Ops) {
		// Provenance hangs on the executor's trace lines (record.go); a
		// change of their wording must not go unnoticed.
		return nil, fmt.Errorf("simulate: the executor's trace marked %d of %d ops: provenance is unavailable", len(s.Steps), len(prog.Ops))
	}
	if res != nil {
		s.Scratch = res.Scratch
	}
	s.Err = execErr
	return s, nil
}

// proc returns the process of side.
func (s *Sim) proc(side Side) kernel.Syscalls {
	if side == Host {
		return s.HostProc
	}
	return s.SnapProc
}

// MountInfo returns side's table in the kernel's format.
func (s *Sim) MountInfo(side Side) (string, error) {
	data, err := s.proc(side).MountInfo()
	return string(data), err
}

// Table returns side's table, parsed.
func (s *Sim) Table(side Side) ([]mountinfo.Entry, error) {
	return entries(s.proc(side))
}

// Origin returns the op that created the snap's mount with this ID, or
// -1 when the mount came with the namespace (a copy of a host mount that
// no op touched) or is unknown.
func (s *Sim) Origin(id int) int {
	if i, ok := s.origin[id]; ok {
		return i
	}
	return -1
}

// checkPath rejects what a query cannot mean: a relative or unclean path.
func checkPath(p string) error {
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("%q: path must be absolute", p)
	}
	if path.Clean(p) != p {
		return fmt.Errorf("%q: path must be clean (want %q)", p, path.Clean(p))
	}
	return nil
}
