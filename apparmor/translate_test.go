package apparmor

import (
	"strings"
	"testing"

	"confine/internal/golden"
	"confine/plan"
)

// smallConfig widens the snap name of testdata/small.json.
var smallConfig = Config{Vary: []Vary{{Literal: "hello", Glob: "*"}}}

// TestRulesGolden pins the translation of each op of a small program that
// uses every kind, one "op => rule" line per op.
func TestRulesGolden(t *testing.T) {
	p := loadProgram(t, "small.json")
	var b strings.Builder
	sh := shapes(p)
	fresh := freshFilesystems(p)
	for _, op := range p.Ops {
		rules, err := smallConfig.opRules(op, sh)
		if err == nil {
			rules, err = smallConfig.collapse(op, rules, fresh)
		}
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		b.WriteString(op.String() + "\n")
		for _, r := range rules {
			b.WriteString("    " + r.String() + "\n")
		}
	}
	golden.Check(t, "testdata/small.rules", b.String())
}

// TestPolicyGolden pins the whole profile made from the small program.
func TestPolicyGolden(t *testing.T) {
	pol, err := NewPolicy(smallConfig, loadProgram(t, "small.json"))
	if err != nil {
		t.Fatal(err)
	}
	pol.Command = "go test ./apparmor -update"
	golden.Check(t, "testdata/small.apparmor", pol.Text())
}

// TestEveryKindHasARule fails when plan gains a kind that the generator
// does not translate.
func TestEveryKindHasARule(t *testing.T) {
	for _, k := range plan.Kinds() {
		op := plan.Op{Kind: k, Source: "/src", Target: "/dst", FSType: "tmpfs"}
		p := &plan.Program{Ops: []plan.Op{op}}
		rules, err := Rules(p)
		if err != nil {
			t.Errorf("Rules(%s) error: %v", k, err)
			continue
		}
		if len(rules) == 0 {
			t.Errorf("Rules(%s) = no rules, want at least one", k)
		}
	}
	_, err := Rules(&plan.Program{Ops: []plan.Op{{Kind: plan.Kind(99), Target: "/x"}}})
	if err == nil || !strings.Contains(err.Error(), "no AppArmor rule for op kind kind(99)") {
		t.Errorf("Rules(kind 99) error = %v, want no AppArmor rule for op kind kind(99)", err)
	}
}

func TestRuleTranslation(t *testing.T) {
	for _, test := range []struct {
		op   plan.Op
		want string
	}{
		{plan.Op{Kind: plan.Bind, Source: "/dev", Target: "$SCRATCH/dev", Recursive: true},
			"mount options=(rw rbind) /dev/ -> /tmp/snap.rootfs_*/dev/,"},
		{plan.Op{Kind: plan.Bind, Source: "/a", Target: "/b"},
			"mount options=(rw bind) /a{,/} -> /b{,/},"},
		{plan.Op{Kind: plan.MakeSlave, Target: "$SCRATCH//dev", Recursive: true},
			"mount options=(rw rslave) -> /tmp/snap.rootfs_*/dev/,"},
		{plan.Op{Kind: plan.MakeUnbindable, Target: "$SCRATCH"},
			"mount options=(rw unbindable) -> /tmp/snap.rootfs_*{,/},"},
		{plan.Op{Kind: plan.MakePrivate, Target: "/x", Recursive: true},
			"mount options=(rw rprivate) -> /x/,"},
		{plan.Op{Kind: plan.MakeShared, Target: "/", Recursive: true},
			"mount options=(rw rshared) -> /,"},
		{plan.Op{Kind: plan.Mount, FSType: "tmpfs", Source: "tmpfs", Target: "/x", Options: "ro,nosuid,size=1m,rw"},
			"mount fstype=tmpfs options=(rw nosuid) tmpfs -> /x/,"},
		{plan.Op{Kind: plan.Mount, FSType: "devpts", Source: "devpts", Target: "/dev/pts", Options: "newinstance,ptmxmode=0666"},
			"mount fstype=devpts options=(rw) devpts -> /dev/pts/,"},
		{plan.Op{Kind: plan.Remount, Target: "/x", Options: "ro,nodev"},
			"mount options=(ro nodev remount bind) -> /x{,/},"},
		{plan.Op{Kind: plan.Move, Source: "/a", Target: "/b/c"},
			"mount options=(rw move) /a{,/} -> /b/c{,/},"},
		{plan.Op{Kind: plan.Umount, Target: "/var/lib/snapd/hostfs/$SCRATCH"},
			"umount /var/lib/snapd/hostfs/tmp/snap.rootfs_*{,/},"},
		{plan.Op{Kind: plan.Mkdir, Target: "/run/netns", Mode: 0o755},
			"/run/netns/ rw,"},
		{plan.Op{Kind: plan.Rmdir, Target: "$SCRATCH"},
			"/tmp/snap.rootfs_*/ rw,"},
		{plan.Op{Kind: plan.Symlink, Source: "usr/lib", Target: "$SCRATCH/lib"},
			"/tmp/snap.rootfs_*/{,usr/}lib rw,"},
		{plan.Op{Kind: plan.Pivot, Target: "$SCRATCH", Source: "$SCRATCH/var/lib/snapd/hostfs"},
			"pivot_root oldroot=/tmp/snap.rootfs_*/var/lib/snapd/hostfs/ /tmp/snap.rootfs_*/,"},
		// Merged /usr: the kernel reaches /usr/lib/modules through /lib.
		{plan.Op{Kind: plan.Bind, Source: "/lib/modules", Target: "$SCRATCH/lib/modules", Recursive: true},
			"mount options=(rw rbind) /{,usr/}lib/modules/ -> /tmp/snap.rootfs_*/{,usr/}lib/modules/,"},
		// Literal pattern characters are escaped; spaces and commas quoted.
		{plan.Op{Kind: plan.Mkdir, Target: "/media/a*b[1]{x}"},
			`/media/a\*b\[1\]\{x\}/ rw,`},
		{plan.Op{Kind: plan.Mkdir, Target: "/media/a b,c"},
			`"/media/a b,c/" rw,`},
	} {
		rules, err := Rules(&plan.Program{Ops: []plan.Op{test.op}})
		if err != nil {
			t.Errorf("Rules(%s): %v", test.op, err)
			continue
		}
		if got := rules[0].String(); got != test.want {
			t.Errorf("Rules(%s) = %s, want %s", test.op, got, test.want)
		}
	}
}

func TestRuleErrors(t *testing.T) {
	for _, test := range []struct {
		op   plan.Op
		want string
	}{
		{plan.Op{Kind: plan.Bind, Source: "$HOSTFS/a", Target: "/b", Pos: plan.Pos{File: "p.star", Line: 3}},
			"apparmor: p.star:3: mount --bind $HOSTFS/a /b: unknown placeholder $HOSTFS"},
		{plan.Op{Kind: plan.Mkdir, Target: "relative"},
			"apparmor: ?: mkdir --mode=0000 relative: relative: path must be absolute"},
		{plan.Op{Kind: plan.Mount, Source: "x", Target: "/x"},
			"apparmor: ?: mount -t  x /x: mount without a filesystem type"},
		{plan.Op{Kind: plan.Umount},
			"apparmor: ?: umount : empty path"},
	} {
		_, err := Rules(&plan.Program{Ops: []plan.Op{test.op}})
		if err == nil || err.Error() != test.want {
			t.Errorf("Rules(%s) error = %v, want %s", test.op, err, test.want)
		}
	}
	if _, err := Rules(nil); err == nil {
		t.Errorf("Rules(nil) succeeded, want an error")
	}
}
