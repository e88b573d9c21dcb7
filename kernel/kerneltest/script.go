package kerneltest

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
)

// The scenario files. Syntax, one step per line:
//
//	== NAME                     starts a scenario
//	# text                      a comment (say why; cite the source)
//	[@PROC] COMMAND ARGS…       a step, run by process PROC (default: the
//	                            Env's process, called "main")
//	[@PROC] COMMAND … -> ERRNO  a step that must fail with ERRNO
//	[@PROC] mountinfo [-o]      the normalized table must be exactly the
//	  LINE                      indented lines that follow
//
// Commands are mount(8) words (see exec.go): mkdir, rmdir, symlink,
// mount -t TYPE [-o OPTS] SRC DST, mount --bind/--rbind/--move SRC DST,
// mount --make-[r]shared/slave/private/unbindable PATH, mount -o
// remount,bind,ro PATH, mount --flags MS_A|MS_B SRC DST, umount [-l]
// [--no-follow] [--flags MNT_A|MNT_B] PATH, pivot_root NEW OLD, and
// unshare NAME (a new process in a copy of PROC's namespace).
//
// Relative paths are relative to the scratch directory (Env.Root) until
// the process pivots; after a successful pivot_root its paths are taken
// as they are.
//
// A mountinfo line is "ID PARENT ROOT POINT [OPTIONS] TAGS SOURCE": ids
// renumbered from 1 in table order, PARENT 0 when the parent is outside
// the compared part, TAGS the optional fields with peer groups renumbered
// from 1 by first appearance ("-" when there are none), OPTIONS only with
// -o.
//
// To add a scenario, write its steps with an empty "mountinfo" block, run
// "go test ./kernel/kerneltest -run TestLinuxConformance -update" as root
// to fill the blocks from the real kernel, and review the tables against
// kernel-propagation.md before committing: where the kernel and the
// document disagree, keep the kernel's table and say so in a comment.
//
//go:embed scenarios/*.txt
var scenarioFiles embed.FS

// scenario is one named script.
type scenario struct {
	name  string
	file  string
	line  int
	steps []step
}

// step is one line of a script (with its expected table, for mountinfo).
type step struct {
	line    int
	proc    string   // "main" unless @PROC was given
	args    []string // the command and its arguments
	wantErr string   // errno name after "->", or ""
	want    []string // expected lines for mountinfo
}

func (s step) String() string {
	text := strings.Join(s.args, " ")
	if s.proc != "main" {
		text = "@" + s.proc + " " + text
	}
	if s.wantErr != "" {
		text += " -> " + s.wantErr
	}
	return text
}

// loadScenarios parses every embedded scenario file.
func loadScenarios() ([]scenario, error) {
	names, err := scenarioFiles.ReadDir("scenarios")
	if err != nil {
		return nil, err
	}
	var all []scenario
	seen := map[string]bool{}
	for _, n := range names {
		file := path.Join("scenarios", n.Name())
		data, err := scenarioFiles.ReadFile(file)
		if err != nil {
			return nil, err
		}
		list, err := parseScenarios(file, string(data))
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			if seen[s.name] {
				return nil, fmt.Errorf("%s:%d: scenario %q defined twice", s.file, s.line, s.name)
			}
			seen[s.name] = true
		}
		all = append(all, list...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].file < all[j].file })
	return all, nil
}

// parseScenarios reads one file of scenarios.
func parseScenarios(file, text string) ([]scenario, error) {
	var list []scenario
	var cur *scenario
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		raw := lines[i]
		lineNo := i + 1
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if name, ok := strings.CutPrefix(trimmed, "== "); ok {
			list = append(list, scenario{name: strings.TrimSpace(name), file: file, line: lineNo})
			cur = &list[len(list)-1]
			continue
		}
		if strings.HasPrefix(raw, " ") || strings.HasPrefix(raw, "\t") {
			return nil, fmt.Errorf("%s:%d: indented line outside a mountinfo block", file, lineNo)
		}
		if cur == nil {
			return nil, fmt.Errorf("%s:%d: step before the first \"== NAME\"", file, lineNo)
		}
		st, err := parseStep(trimmed)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, lineNo, err)
		}
		st.line = lineNo
		if st.args[0] == "mountinfo" {
			for i+1 < len(lines) && (strings.HasPrefix(lines[i+1], "  ") || strings.HasPrefix(lines[i+1], "\t")) {
				i++
				st.want = append(st.want, strings.Join(strings.Fields(lines[i]), " "))
			}
		}
		cur.steps = append(cur.steps, st)
	}
	return list, nil
}

// parseStep splits one step line.
func parseStep(text string) (step, error) {
	st := step{proc: "main"}
	if before, after, ok := strings.Cut(text, "->"); ok {
		text = before
		st.wantErr = strings.TrimSpace(after)
		if _, known := errnos[st.wantErr]; !known {
			return step{}, fmt.Errorf("unknown errno %q", st.wantErr)
		}
	}
	fields := strings.Fields(text)
	if len(fields) > 0 && strings.HasPrefix(fields[0], "@") {
		st.proc = fields[0][1:]
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return step{}, fmt.Errorf("empty step")
	}
	st.args = fields
	return st, nil
}
