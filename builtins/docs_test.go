package builtins

import (
	"os"
	"strings"
	"testing"
)

// TestDocumented checks that docs/builtins.md has a section for every
// registered builtin whose heading gives its Starlark signature.
func TestDocumented(t *testing.T) {
	data, err := os.ReadFile("../docs/builtins.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, name := range Names() {
		if !strings.Contains(doc, "\n### "+name+"(") {
			t.Errorf("docs/builtins.md has no \"### %s(...)\" section", name)
		}
	}
}
