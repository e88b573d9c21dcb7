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
		{nil, exitOK, true, ""},
		{[]string{"--json"}, exitOK, true, ""},
		{[]string{"-h"}, exitOK, false, "usage: confine x [--json]\n  -json"},
		{[]string{"--bogus"}, exitUsage, false, "flag provided but not defined: -bogus\nusage: confine x [--json]"},
		{[]string{"extra"}, exitUsage, false, "confine: x: unexpected argument \"extra\"\nusage: confine x [--json]"},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		fs := newFlags("x", "usage: confine x [--json]", &stderr)
		fs.Bool("json", false, "print JSON")
		status, ok := parseNoArgs(fs, tt.args)
		if status != tt.wantStatus || ok != tt.wantOK {
			t.Errorf("parseNoArgs(%q) = %d, %v, want %d, %v", tt.args, status, ok, tt.wantStatus, tt.wantOK)
		}
		if got := stderr.String(); (tt.wantStderr == "") != (got == "") || !strings.Contains(got, tt.wantStderr) {
			t.Errorf("parseNoArgs(%q) wrote %q, want it to contain %q", tt.args, got, tt.wantStderr)
		}
	}
}

func TestParseRest(t *testing.T) {
	var stderr strings.Builder
	fs := newFlags("x", "usage: confine x [--run R] [PATH...]", &stderr)
	run := fs.String("run", "", "run `R`")
	rest, status, ok := parse(fs, []string{"--run", "a", "p", "q"})
	if !ok || status != exitOK || *run != "a" || strings.Join(rest, " ") != "p q" {
		t.Errorf("parse = %q, %d, %v (--run %q), want [p q], 0, true (--run a)", rest, status, ok, *run)
	}
	if stderr.Len() != 0 {
		t.Errorf("parse wrote %q, want nothing", stderr.String())
	}
}
