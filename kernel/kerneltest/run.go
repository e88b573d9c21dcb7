package kerneltest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Run runs every scenario as a subtest, each in a fresh Env from newEnv.
// A step that fails unexpectedly (or succeeds where an errno was expected)
// ends its scenario; a mountinfo mismatch is reported with the table that
// was found, written in the scenario file's own syntax, and the scenario
// goes on.
func Run(t *testing.T, newEnv NewEnv) {
	t.Helper()
	list, err := loadScenarios()
	if err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	for _, s := range list {
		t.Run(s.name, func(t *testing.T) {
			s.run(t, newEnv(t))
		})
	}
}

// Names lists the scenarios, for tests that want to check coverage.
func Names() ([]string, error) {
	list, err := loadScenarios()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.name
	}
	return names, nil
}

// run executes one scenario and reports every disagreement.
func (s scenario) run(t *testing.T, env Env) {
	t.Helper()
	x := newExecutor(env)
	defer x.close()
	for _, st := range s.steps {
		where := fmt.Sprintf("%s:%d: %s", s.file, st.line, st)
		got, err := x.do(st)
		var bad *scriptError
		if errors.As(err, &bad) {
			t.Fatalf("%s: bad script: %v", where, err)
		}
		if st.wantErr != "" {
			if err == nil {
				t.Fatalf("%s: succeeded, want %s", where, st.wantErr)
			}
			if !errors.Is(err, errnos[st.wantErr]) {
				t.Fatalf("%s: got %s (%v), want %s", where, errnoName(err), err, st.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: got %s (%v), want success", where, errnoName(err), err)
		}
		if st.args[0] == "mountinfo" && !equalLines(got, st.want) {
			t.Errorf("%s: table differs\ngot:\n%s\nwant:\n%s\n%s", where, indent(st, got), indent(st, st.want), diffLines(got, st.want))
		}
	}
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// indent renders a table as it is written in a scenario file.
func indent(st step, lines []string) string {
	var b strings.Builder
	b.WriteString(st.String() + "\n")
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// diffLines marks the lines present on one side only.
func diffLines(got, want []string) string {
	count := map[string]int{}
	for _, l := range want {
		count[l]++
	}
	var b strings.Builder
	for _, l := range got {
		if count[l] > 0 {
			count[l]--
			continue
		}
		b.WriteString("+ " + l + "\n")
	}
	for _, l := range want {
		if count[l] > 0 {
			count[l]--
			b.WriteString("- " + l + "\n")
		}
	}
	if b.Len() == 0 {
		return "(same lines, different order)"
	}
	return b.String()
}
