package kerneltest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"confine/mountinfo"
)

// RandomScript returns a seeded random script of mount steps over the
// small tree Differential uses.
func RandomScript(seed uint64, ops int) []string {
	return randomSequence(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), ops)
}

// Invariants runs a script on env, tolerating failed steps, and checks
// after every step what holds on any kernel whatever the sequence: the
// table parses, mount ids are unique, every mount but the scratch root has
// its parent listed, optional fields are well formed (at most one shared:
// and one master:, never a mount that is its own master, unbindable only
// on a mount with neither), all members of a peer group have the same
// master (sharedsubtree.rst), every master group has a member in the
// table (while there is one namespace: members may live in another), and a
// step that fails leaves the table as it was.
func Invariants(t *testing.T, env Env, script []string) {
	t.Helper()
	x := newExecutor(env)
	defer x.close()
	before, err := rawTable(x)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, line := range script {
		parts = append(parts, strings.Split(line, " && ")...)
	}
	script = parts
	for i, line := range script {
		st, err := parseStep(line)
		if err != nil {
			t.Fatal(err)
		}
		_, stepErr := x.do(st)
		var bad *scriptError
		if errors.As(stepErr, &bad) {
			t.Fatalf("%s: %v", line, stepErr)
		}
		after, err := rawTable(x)
		if err != nil {
			t.Fatalf("after %q: %v", line, err)
		}
		if err := checkTable(after, len(x.procs) == 1); err != nil {
			t.Fatalf("after step %d %q: %v\nscript:\n%s\ntable:\n%s", i+1, line, err,
				strings.Join(script[:i+1], "\n"), mountinfo.Format(after))
		}
		if stepErr != nil && mountinfo.Format(before) != mountinfo.Format(after) {
			t.Fatalf("step %d %q failed (%s) but changed the table\nscript:\n%s\nbefore:\n%s\nafter:\n%s", i+1, line,
				errnoName(stepErr), strings.Join(script[:i+1], "\n"), mountinfo.Format(before), mountinfo.Format(after))
		}
		before = after
	}
}

// rawTable is the main process's table under the scratch root, with the
// kernel's ids and groups (only re-rooted).
func rawTable(x *executor) ([]mountinfo.Entry, error) {
	p := x.procs["main"]
	data, err := p.proc.MountInfo()
	if err != nil {
		return nil, err
	}
	all, err := mountinfo.Parse(strings.NewReader(string(data)))
	if err != nil {
		return nil, err
	}
	var out []mountinfo.Entry
	for _, e := range all {
		if e.Point == p.base || strings.HasPrefix(e.Point, p.base+"/") {
			out = append(out, e)
		}
	}
	return out, nil
}

// checkTable checks one table's invariants.
// oneNamespace enables the check that needs every mount in the table.
func checkTable(table []mountinfo.Entry, oneNamespace bool) error {
	ids := map[int]bool{}
	for _, e := range table {
		if ids[e.ID] {
			return fmt.Errorf("mount id %d listed twice", e.ID)
		}
		ids[e.ID] = true
	}
	shared := map[string]bool{}
	masterOf := map[string]string{}
	for i, e := range table {
		if i > 0 && !ids[e.Parent] {
			return fmt.Errorf("mount %d (%s): parent %d is not listed", e.ID, e.Point, e.Parent)
		}
		var group, master string
		unbindable := false
		for _, tag := range e.Optional {
			name, value, _ := strings.Cut(tag, ":")
			switch name {
			case "shared":
				if group != "" {
					return fmt.Errorf("mount %d: two shared: tags", e.ID)
				}
				group = value
			case "master":
				if master != "" {
					return fmt.Errorf("mount %d: two master: tags", e.ID)
				}
				master = value
			case "unbindable":
				unbindable = true
			}
		}
		if group != "" && group == master {
			return fmt.Errorf("mount %d: its own master (%s)", e.ID, group)
		}
		if unbindable && (group != "" || master != "") {
			return fmt.Errorf("mount %d: unbindable and %v", e.ID, e.Optional)
		}
		if group != "" {
			shared[group] = true
			if m, seen := masterOf[group]; seen && m != master {
				return fmt.Errorf("peer group %s has members with masters %q and %q", group, m, master)
			}
			masterOf[group] = master
		}
	}
	for _, e := range table {
		if !oneNamespace {
			break
		}
		for _, tag := range e.Optional {
			if m, ok := strings.CutPrefix(tag, "master:"); ok && !shared[m] {
				return fmt.Errorf("mount %d (%s): master group %s has no member", e.ID, e.Point, m)
			}
		}
	}
	return nil
}
