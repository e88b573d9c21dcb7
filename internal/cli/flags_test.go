package cli

import (
	"strings"
	"testing"
)

func TestParseNoArgs(t *testing.T) {
	tests := []struct {
		args       []string
		wantStatus int
		wantOK     bool
		wantStderr string // a substring; "" for no output
	}{
		{nil, ExitOK, true, ""},
		{[]string{"--json"}, ExitOK, true, ""},
		{[]string{"-h"}, ExitOK, false, "usage: confine x [--json]\n  -json"},
		{[]string{"--bogus"}, ExitUsage, false, "flag provided but not defined: -bogus\nusage: confine x [--json]"},
		{[]string{"extra"}, ExitUsage, false, "confine: x: unexpected argument \"extra\"\nusage: confine x [--json]"},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		fs := NewFlags("x", "usage: confine x [--json]", &stderr)
		fs.Bool("json", false, "print JSON")
		status, ok := ParseNoArgs(fs, tt.args)
		if status != tt.wantStatus || ok != tt.wantOK {
			t.Errorf("ParseNoArgs(%q) = %d, %v, want %d, %v", tt.args, status, ok, tt.wantStatus, tt.wantOK)
		}
		if got := stderr.String(); (tt.wantStderr == "") != (got == "") || !strings.Contains(got, tt.wantStderr) {
			t.Errorf("ParseNoArgs(%q) wrote %q, want it to contain %q", tt.args, got, tt.wantStderr)
		}
	}
}

func TestParseRest(t *testing.T) {
	var stderr strings.Builder
	fs := NewFlags("x", "usage: confine x [--run R] [PATH...]", &stderr)
	run := fs.String("run", "", "run `R`")
	rest, status, ok := ParseFlags(fs, []string{"--run", "a", "p", "q"})
	if !ok || status != ExitOK || *run != "a" || strings.Join(rest, " ") != "p q" {
		t.Errorf("parse = %q, %d, %v (--run %q), want [p q], 0, true (--run a)", rest, status, ok, *run)
	}
	if stderr.Len() != 0 {
		t.Errorf("parse wrote %q, want nothing", stderr.String())
	}
}
