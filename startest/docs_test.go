package startest

import (
	"os"
	"strings"
	"testing"
)

// Every method of t and ns has a row in docs/simulate.md, so that adding
// one without documenting it fails here.
func TestDocumented(t *testing.T) {
	data, err := os.ReadFile("../docs/simulate.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for name := range contextMethods {
		if !strings.Contains(doc, "`t."+name+"(") {
			t.Errorf("docs/simulate.md does not document t.%s", name)
		}
	}
	for name := range nsMethods {
		if !strings.Contains(doc, "`ns."+name+"(") {
			t.Errorf("docs/simulate.md does not document ns.%s", name)
		}
	}
}
