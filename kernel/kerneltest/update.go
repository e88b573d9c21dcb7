package kerneltest

import (
	"os"
	"strings"
	"sync"
	"testing"
)

// Update runs the suite like Run and then rewrites the expected tables in
// the scenario files under dir (the kerneltest source directory) with the
// tables it found. Only the real kernel may update the files: call it from
// TestLinuxConformance under -update, then review the diff against
// kernel-propagation.md like code.
func Update(t *testing.T, newEnv NewEnv, dir string) {
	t.Helper()
	rec := &recorder{tables: map[string]map[int][]string{}}
	list, err := loadScenarios()
	if err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	for _, s := range list {
		t.Run(s.name, func(t *testing.T) {
			x := newExecutor(newEnv(t))
			for _, st := range s.steps {
				got, err := x.do(st)
				if (err != nil) != (st.wantErr != "") {
					t.Errorf("%s:%d: %s: %v", s.file, st.line, st, err)
					return
				}
				if st.args[0] == "mountinfo" && err == nil {
					rec.put(s.file, st.line, got)
				}
			}
		})
	}
	for file, tables := range rec.tables {
		if err := rewrite(dir+"/"+file, tables); err != nil {
			t.Error(err)
		}
	}
}

// recorder collects tables by file and line.
type recorder struct {
	mu     sync.Mutex
	tables map[string]map[int][]string
}

func (r *recorder) put(file string, line int, table []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tables[file] == nil {
		r.tables[file] = map[int][]string{}
	}
	r.tables[file][line] = table
}

// rewrite replaces the indented block after each recorded mountinfo line.
func rewrite(path string, tables map[int][]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		table, ok := tables[i+1]
		if !ok {
			continue
		}
		for i+1 < len(lines) && (strings.HasPrefix(lines[i+1], "  ") || strings.HasPrefix(lines[i+1], "\t")) {
			i++
		}
		for _, l := range table {
			out = append(out, "  "+l)
		}
	}
	return os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644)
}
