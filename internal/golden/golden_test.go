package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures Check reports instead
// of failing the test that runs it.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// Fatalf records like Errorf; Check returns right after calling it.
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

func TestCheck(t *testing.T) {
	if Update() {
		t.Skip("Check writes under -update; this test compares")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "a.golden")
	if err := os.WriteFile(file, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		got  string
		want []string // substrings of the one failure; nil for none
	}{
		{"same", file, "one\ntwo\n", nil},
		{"differs", file, "one\nthree\n", []string{file + " differs", "-two", "+three", "go test ./internal/golden -update rewrites it"}},
		{"missing", filepath.Join(dir, "none.golden"), "x", []string{"no such file", "run go test ./internal/golden -update to create it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Check(r, tt.path, tt.got)
			if tt.want == nil {
				if len(r.failures) != 0 {
					t.Errorf("got failures %q, want none", r.failures)
				}
				return
			}
			if len(r.failures) != 1 {
				t.Fatalf("got failures %q, want one", r.failures)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.failures[0], w) {
					t.Errorf("got failure %q, want it to contain %q", r.failures[0], w)
				}
			}
		})
	}
}
