package sim

import (
	"strings"
	"testing"

	"confine/mountinfo"
)

func parse(t *testing.T, text string) []mountinfo.Entry {
	t.Helper()
	entries, err := mountinfo.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
