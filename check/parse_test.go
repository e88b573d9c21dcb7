package check

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"confine/plan"
)

// program builds a plan.Program from ops written the way Op.String renders
// them, one per line, so that test cases read like the golden plans. Each
// op gets position test.star:N where N is its line number (from 1).
func program(t *testing.T, lines ...string) *plan.Program {
	t.Helper()
	p := &plan.Program{Profile: "test.star"}
	for i, line := range lines {
		op, err := parseOp(line)
		if err != nil {
			t.Fatalf("test program line %d: %v", i+1, err)
		}
		op.Pos = plan.Pos{File: "test.star", Line: i + 1, Col: 1}
		p.Ops = append(p.Ops, op)
	}
	return p
}

// parseOp is the inverse of plan.Op.String for the forms the tests use.
func parseOp(line string) (plan.Op, error) {
	f := strings.Fields(line)
	bad := fmt.Errorf("cannot parse %q", line)
	if len(f) < 2 {
		return plan.Op{}, bad
	}
	switch f[0] {
	case "mount":
		switch {
		case f[1] == "--bind" || f[1] == "--rbind":
			if len(f) != 4 {
				return plan.Op{}, bad
			}
			return plan.Op{Kind: plan.Bind, Recursive: f[1] == "--rbind", Source: f[2], Target: f[3]}, nil
		case f[1] == "--move" && len(f) == 4:
			return plan.Op{Kind: plan.Move, Source: f[2], Target: f[3]}, nil
		case strings.HasPrefix(f[1], "--make-") && len(f) == 3:
			word := strings.TrimPrefix(f[1], "--make-")
			rec := false
			if word != "private" && strings.HasPrefix(word, "r") {
				rec, word = true, word[1:]
			}
			kind, ok := plan.ParseKind("make_" + word)
			if !ok {
				return plan.Op{}, bad
			}
			return plan.Op{Kind: kind, Recursive: rec, Target: f[2]}, nil
		case f[1] == "-t" && len(f) >= 5:
			op := plan.Op{Kind: plan.Mount, FSType: f[2]}
			rest := f[3:]
			if rest[0] == "-o" {
				op.Options, rest = rest[1], rest[2:]
			}
			if len(rest) != 2 {
				return plan.Op{}, bad
			}
			op.Source, op.Target = rest[0], rest[1]
			return op, nil
		}
	case "umount":
		op := plan.Op{Kind: plan.Umount}
		for _, w := range f[1 : len(f)-1] {
			switch w {
			case "--lazy":
				op.Lazy = true
			case "--no-follow":
				op.NoFollow = true
			default:
				return plan.Op{}, bad
			}
		}
		op.Target = f[len(f)-1]
		return op, nil
	case "pivot_root":
		if len(f) == 3 {
			return plan.Op{Kind: plan.Pivot, Target: f[1], Source: f[2]}, nil
		}
	case "mkdir":
		if len(f) == 3 && strings.HasPrefix(f[1], "--mode=") {
			mode, err := strconv.ParseUint(strings.TrimPrefix(f[1], "--mode="), 8, 32)
			if err != nil {
				return plan.Op{}, bad
			}
			return plan.Op{Kind: plan.Mkdir, Mode: uint32(mode), Target: f[2]}, nil
		}
	case "rmdir":
		if len(f) == 2 {
			return plan.Op{Kind: plan.Rmdir, Target: f[1]}, nil
		}
	}
	return plan.Op{}, bad
}

func TestParseOpRoundTrip(t *testing.T) {
	for _, line := range []string{
		"mount --bind /a /b",
		"mount --rbind /a $SCRATCH/a",
		"mount --make-rshared /",
		"mount --make-private /tmp",
		"mount --make-rprivate /tmp",
		"mount --make-unbindable $SCRATCH",
		"mount -t tmpfs -o mode=0755 none $SCRATCH",
		"mount -t tmpfs none $SCRATCH",
		"mount --move /a /b",
		"umount --lazy --no-follow /x",
		"pivot_root $SCRATCH $SCRATCH/var/lib/snapd/hostfs",
		"mkdir --mode=1777 /tmp/x",
		"rmdir /x",
	} {
		op, err := parseOp(line)
		if err != nil {
			t.Fatal(err)
		}
		if got := op.String(); got != line {
			t.Errorf("parseOp(%q).String() = %q, want the same text", line, got)
		}
	}
}
