package main

import (
	"strings"
	"testing"
)

func TestLower(t *testing.T) {
	tests := []struct {
		program string
		want    string // output, or the error's text
	}{
		{`{"profile": "p", "ops": [{"kind": "bind", "source": "/a", "target": "$SCRATCH/a", "recursive": true, "optional": true}]}`,
			"mount\t20480\t0\t0\ttrue\t/a\t$SCRATCH/a\t\t\n"},
		{`{"profile": "p", "ops": [{"kind": "mkdir", "target": "/t", "mode": 1023}, {"kind": "umount", "target": "/t", "lazy": true}]}`,
			"mkdir\t0\t0\t1023\tfalse\t\t/t\t\t\numount2\t0\t2\t0\tfalse\t\t/t\t\t\n"},
		{`{"profile": "p", "ops": [{"kind": "bind", "source": "/a\tb", "target": "/c"}]}`, "op 1: a tab or newline"},
		{`not json`, "cannot read the program"},
	}
	for _, tt := range tests {
		var out strings.Builder
		err := lower(strings.NewReader(tt.program), &out)
		got := out.String()
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("lower(%s): got %q, want %q", tt.program, got, tt.want)
		}
	}
}
