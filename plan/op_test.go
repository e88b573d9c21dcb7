package plan

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestOpString(t *testing.T) {
	for _, test := range []struct {
		op   Op
		want string
	}{
		{Op{Kind: Bind, Source: "/source", Target: "/target"}, "mount --bind /source /target"},
		{Op{Kind: Bind, Source: "/dev", Target: "$SCRATCH/dev", Recursive: true}, "mount --rbind /dev $SCRATCH/dev"},
		{Op{Kind: MakeSlave, Target: "$SCRATCH/dev", Recursive: true}, "mount --make-rslave $SCRATCH/dev"},
		{Op{Kind: MakeShared, Target: "/", Recursive: true}, "mount --make-rshared /"},
		{Op{Kind: MakePrivate, Target: "/x"}, "mount --make-private /x"},
		{Op{Kind: MakeUnbindable, Target: "/place", Recursive: true}, "mount --make-runbindable /place"},
		{Op{Kind: Mount, FSType: "tmpfs", Source: "none", Target: "$SCRATCH"}, "mount -t tmpfs none $SCRATCH"},
		{Op{Kind: Mount, FSType: "ext4", Options: "ro", Source: "/dev/sda3", Target: "/mnt"}, "mount -t ext4 -o ro /dev/sda3 /mnt"},
		{Op{Kind: Remount, Options: "ro", Target: "/gl"}, "mount -o remount,bind,ro /gl"},
		{Op{Kind: Move, Source: "/from", Target: "/to"}, "mount --move /from /to"},
		{Op{Kind: Umount, Target: "/var/lib/snapd/hostfs/sys", Lazy: true, NoFollow: true}, "umount --lazy --no-follow /var/lib/snapd/hostfs/sys"},
		{Op{Kind: Umount, Target: "/mnt"}, "umount /mnt"},
		{Op{Kind: Mkdir, Target: "/tmp/x", Mode: 0o1777}, "mkdir --mode=1777 /tmp/x"},
		{Op{Kind: Rmdir, Target: "/tmp/x"}, "rmdir /tmp/x"},
		{Op{Kind: Symlink, Source: "usr/lib", Target: "$SCRATCH/lib"}, "ln -s usr/lib $SCRATCH/lib"},
		{Op{Kind: Pivot, Target: "$SCRATCH", Source: "$SCRATCH/var/lib/snapd/hostfs"}, "pivot_root $SCRATCH $SCRATCH/var/lib/snapd/hostfs"},
	} {
		if got := test.op.String(); got != test.want {
			t.Errorf("%#v.String() = %q, want %q", test.op, got, test.want)
		}
	}
}

func TestKindsHaveNames(t *testing.T) {
	for _, k := range Kinds() {
		name := k.String()
		if strings.HasPrefix(name, "kind(") {
			t.Errorf("kind %d has no name", int(k))
		}
		if back, ok := ParseKind(name); !ok || back != k {
			t.Errorf("ParseKind(%q) = %v, %v, want %v, true", name, back, ok, k)
		}
	}
	if len(Kinds()) != len(kindNames) {
		t.Errorf("Kinds() lists %d kinds, kindNames names %d", len(Kinds()), len(kindNames))
	}
}

func TestWhere(t *testing.T) {
	direct := Op{Pos: Pos{"classic.star", 3, 1}, Stack: []Pos{{"classic.star", 3, 1}}}
	if got, want := direct.Where(), "classic.star:3"; got != want {
		t.Errorf("Where() = %q, want %q", got, want)
	}
	viaStdlib := Op{Pos: Pos{"@stdlib//bootstrap.star", 40, 5},
		Stack: []Pos{{"classic.star", 12, 1}, {"@stdlib//bootstrap.star", 40, 5}}}
	if got, want := viaStdlib.Where(), "classic.star:12 > @stdlib//bootstrap.star:40"; got != want {
		t.Errorf("Where() = %q, want %q", got, want)
	}
}

func TestProgramFormatAndJSON(t *testing.T) {
	p := &Program{
		Profile: "classic",
		Facts:   []string{"classic=true"},
		Ops: []Op{
			{Kind: MakeShared, Target: "/", Recursive: true, Pos: Pos{"classic.star", 2, 1}},
			{Kind: Bind, Source: "/lib/modules", Target: "$SCRATCH/lib/modules", Recursive: true, Optional: true, Pos: Pos{"classic.star", 3, 1}},
		},
	}
	want := "# profile: classic\n# fact: classic=true\n" +
		"mount --make-rshared /  # classic.star:2\n" +
		"mount --rbind /lib/modules $SCRATCH/lib/modules  # classic.star:3 (optional)\n"
	if got := p.Text(); got != want {
		t.Errorf("Text() =\n%s\nwant\n%s", got, want)
	}
	data, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Program
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("JSON does not read back: %v\n%s", err, data)
	}
	if back.Text() != p.Text() {
		t.Errorf("JSON round trip changed the program:\n%s\nwant\n%s", back.Text(), p.Text())
	}
	if !strings.Contains(string(data), `"kind": "bind"`) {
		t.Errorf("JSON does not name kinds:\n%s", data)
	}
}
