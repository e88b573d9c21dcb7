package apparmor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"confine/plan"
)

// loadProgram reads a program in its JSON form from testdata.
func loadProgram(t testing.TB, name string) *plan.Program {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var p plan.Program
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &p
}
