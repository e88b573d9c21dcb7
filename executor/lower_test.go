package executor_test

import (
	"strings"
	"testing"

	"confine/executor"
	"confine/internal/golden"
	"confine/plan"
)

// allKinds is a program with every kind of op and the interesting flags.
var allKinds = []plan.Op{
	{Kind: plan.Bind, Source: "$SCRATCH", Target: "$SCRATCH"},
	{Kind: plan.MakeUnbindable, Target: "$SCRATCH"},
	{Kind: plan.Bind, Source: "/", Target: "$SCRATCH", Recursive: true},
	{Kind: plan.MakeShared, Target: "/", Recursive: true},
	{Kind: plan.MakeSlave, Target: "$SCRATCH/dev", Recursive: true},
	{Kind: plan.MakeSlave, Target: "$SCRATCH/etc/alternatives"},
	{Kind: plan.MakePrivate, Target: "$SCRATCH/var/lib/snapd/hostfs"},
	{Kind: plan.MakeUnbindable, Target: "/x", Recursive: true},
	{Kind: plan.Mount, FSType: "tmpfs", Source: "none", Target: "$SCRATCH/var/lib/snapd/lib/gl", Options: "rw,nodev,noexec,mode=0755,size=1M"},
	{Kind: plan.Mount, FSType: "devpts", Source: "devpts", Target: "/dev/pts", Options: "newinstance,ptmxmode=0666,mode=0620"},
	{Kind: plan.Remount, Target: "$SCRATCH/var/lib/snapd/lib/gl", Options: "ro"},
	{Kind: plan.Move, Source: "/a", Target: "/b"},
	{Kind: plan.Umount, Target: "/var/lib/snapd/hostfs/sys", Lazy: true, NoFollow: true},
	{Kind: plan.Umount, Target: "/x"},
	{Kind: plan.Mkdir, Target: "/tmp/x", Mode: 0o1777},
	{Kind: plan.Mkdir, Target: "$SCRATCH/var/lib/snapd/hostfs", Mode: 0o755},
	{Kind: plan.Rmdir, Target: "$SCRATCH"},
	{Kind: plan.Symlink, Source: "/run/media", Target: "$SCRATCH/media"},
	{Kind: plan.Pivot, Target: "$SCRATCH", Source: "$SCRATCH/var/lib/snapd/hostfs"},
}

func TestLowerGolden(t *testing.T) {
	var b strings.Builder
	for _, op := range allKinds {
		call, err := executor.Lower(op)
		if err != nil {
			t.Fatalf("Lower(%s): %v", op, err)
		}
		b.WriteString(op.String() + "\n\t" + call.String() + "\n")
	}
	golden.Check(t, "testdata/lower.golden", b.String())
}

func TestLowerUnknownKind(t *testing.T) {
	if _, err := executor.Lower(plan.Op{Kind: 99, Target: "/"}); err == nil {
		t.Errorf("Lower(kind 99): got no error, want one")
	}
}
