package check

import (
	"reflect"
	"strings"
	"testing"
)

// bootstrap is the head of snap-confine's 2016 program (snap-confine.md
// §1.4) up to the mount list, written out by hand.
var bootstrap = []string{
	"mount --make-rshared /",
	"mount --bind $SCRATCH $SCRATCH",
	"mount --make-unbindable $SCRATCH",
	"mount --rbind /snap/core/current $SCRATCH",
	"mount --make-rslave $SCRATCH",
}

// tail is snap-confine's program from the hostfs self-bind to the end.
var tail = []string{
	"mount --bind $SCRATCH/var/lib/snapd/hostfs $SCRATCH/var/lib/snapd/hostfs",
	"mount --make-private $SCRATCH/var/lib/snapd/hostfs",
	"pivot_root $SCRATCH $SCRATCH/var/lib/snapd/hostfs",
	"umount --no-follow /var/lib/snapd/hostfs$SCRATCH",
	"rmdir /var/lib/snapd/hostfs$SCRATCH",
	"mount --make-rslave /var/lib/snapd/hostfs",
	"umount --lazy --no-follow /var/lib/snapd/hostfs/sys",
	"umount --lazy --no-follow /var/lib/snapd/hostfs/dev",
	"umount --lazy --no-follow /var/lib/snapd/hostfs/proc",
	"mkdir --mode=0700 /tmp/snap-private-tmp",
	"mkdir --mode=0700 /tmp/snap-private-tmp/snap.demo",
	"mkdir --mode=1777 /tmp/snap-private-tmp/snap.demo/tmp",
	"mount --bind /tmp/snap-private-tmp/snap.demo/tmp /tmp",
	"mount --make-private /tmp",
	"mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts",
	"mount --bind /dev/pts/ptmx /dev/ptmx",
}

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func uni(p string) []string {
	return []string{"mount --rbind " + p + " $SCRATCH" + p, "mount --make-rslave $SCRATCH" + p}
}

func bidir(p string) []string { return []string{"mount --rbind " + p + " $SCRATCH" + p} }

// finding summarises a Finding for comparison: kind, the op's line and the
// other op's line (0 when none).
type finding struct {
	kind        Kind
	line, other int
}

func summarize(fs []Finding) []finding {
	var out []finding
	for _, f := range fs {
		s := finding{kind: f.Kind, line: f.Op.Pos.Line}
		if f.Other != nil {
			s.other = f.Other.Pos.Line
		}
		out = append(out, s)
	}
	return out
}

func TestCheck(t *testing.T) {
	for _, test := range []struct {
		name string
		ops  []string
		want []finding
	}{{
		name: "snap-confine 2016 classic is clean",
		ops: join(bootstrap, uni("/dev"), uni("/etc"), uni("/tmp"), uni("/var/lib/snapd"), uni("/run"),
			bidir("/run/media"), bidir("/run/netns"),
			[]string{"mount --bind /snap/core/current/etc/alternatives $SCRATCH/etc/alternatives",
				"mount --make-slave $SCRATCH/etc/alternatives"},
			uni("/snap"), tail),
	}, {
		name: "legacy rbind of / is clean",
		ops: join([]string{"mount --make-rshared /", "mount --bind $SCRATCH $SCRATCH",
			"mount --make-unbindable $SCRATCH", "mount --rbind / $SCRATCH", "mount --make-rslave $SCRATCH"},
			bidir("/media"), tail),
	}, {
		name: "modern tmpfs root is clean",
		ops: join([]string{"mount --make-rshared /", "mount --bind $SCRATCH $SCRATCH",
			"mount --make-unbindable $SCRATCH", "mount -t tmpfs -o mode=0755 none $SCRATCH",
			"mkdir --mode=0755 $SCRATCH/usr", "mount --rbind /snap/core22/current/usr $SCRATCH/usr",
			"mkdir --mode=0755 $SCRATCH/run", "mount --make-rslave $SCRATCH"},
			uni("/run"), bidir("/media"), uni("/var/lib/snapd"), tail),
	}, {
		name: "/run after /run/media hides it",
		ops:  join(bootstrap, uni("/dev"), bidir("/run/media"), uni("/run"), tail),
		want: []finding{{Hidden, 9, 8}},
	}, {
		name: "hiding a unidirectional mount is found too",
		ops:  join(bootstrap, uni("/var/lib/snapd"), uni("/var"), tail),
		want: []finding{{Hidden, 8, 6}},
	}, {
		name: "recursive rslave of an ancestor after a bidirectional mount",
		ops:  join(bootstrap, bidir("/media"), []string{"mount --make-rslave $SCRATCH"}, tail),
		want: []finding{{LostBidirectional, 7, 6}},
	}, {
		name: "rprivate of an ancestor after a bidirectional mount",
		ops:  join(bootstrap, uni("/run"), bidir("/run/netns"), []string{"mount --make-rprivate $SCRATCH/run"}, tail),
		want: []finding{{LostBidirectional, 9, 8}},
	}, {
		name: "slaving the bidirectional mount itself later",
		ops:  join(bootstrap, bidir("/media"), uni("/dev"), []string{"mount --make-slave $SCRATCH/media"}, tail),
		want: []finding{{LostBidirectional, 9, 6}},
	}, {
		name: "rbind of / into the scratch directory without an unbindable barrier",
		ops: join([]string{"mount --make-rshared /", "mount --bind $SCRATCH $SCRATCH",
			"mount --make-private $SCRATCH", "mount --rbind / $SCRATCH", "mount --make-rslave $SCRATCH"}, tail),
		want: []finding{{BindLoop, 4, 0}},
	}, {
		name: "rbind of /tmp into scratch after the barrier was made shared again",
		ops: join([]string{"mount --make-rshared /", "mount --bind $SCRATCH $SCRATCH",
			"mount --make-unbindable $SCRATCH", "mount --make-shared $SCRATCH",
			"mount --rbind /snap/core/current $SCRATCH", "mount --make-rslave $SCRATCH"}, uni("/tmp"), tail),
		want: []finding{{BindLoop, 7, 0}, {PivotNewRoot, 11, 0}},
	}, {
		name: "pivot into a directory nothing mounted",
		ops: []string{"mount --make-rshared /", "mkdir --mode=0755 /new",
			"mount --bind /new/old /new/old", "mount --make-private /new/old", "pivot_root /new /new/old"},
		want: []finding{{PivotNewRoot, 5, 0}},
	}, {
		name: "pivot with a shared parent under the new root",
		ops: []string{"mount --make-rshared /", "mount --rbind /snap/core/current $SCRATCH",
			"mount --make-rslave $SCRATCH", "pivot_root $SCRATCH $SCRATCH/var/lib/snapd/hostfs"},
		want: []finding{{PivotNewRoot, 4, 0}},
	}, {
		name: "put_old outside the new root",
		ops:  join(bootstrap, []string{"pivot_root $SCRATCH /var/lib/snapd/hostfs"}),
		want: []finding{{PivotPutOld, 6, 0}},
	}, {
		name: "put_old on a shared mount",
		ops: join(bootstrap, []string{"mount --bind /var/lib/snapd/hostfs $SCRATCH/var/lib/snapd/hostfs",
			"pivot_root $SCRATCH $SCRATCH/var/lib/snapd/hostfs"}),
		want: []finding{{PivotPutOld, 7, 0}},
	}, {
		name: "scratch paths after the pivot",
		ops:  join(bootstrap, tail, []string{"rmdir $SCRATCH", "mount --bind /x $SCRATCH/x"}),
		want: []finding{{ScratchAfterPivot, 22, 8}, {ScratchAfterPivot, 23, 8}},
	}, {
		name: "second pivot",
		ops:  join(bootstrap, tail, []string{"pivot_root / /var/lib/snapd/hostfs"}),
		want: []finding{{SecondPivot, 22, 8}},
	}, {
		name: "propagation change on something never mounted in a tmpfs root",
		ops: join([]string{"mount --make-rshared /", "mount --bind $SCRATCH $SCRATCH",
			"mount --make-unbindable $SCRATCH", "mount -t tmpfs -o mode=0755 none $SCRATCH",
			"mkdir --mode=0755 $SCRATCH/opt", "mount --make-rslave $SCRATCH/opt", "mount --make-rslave $SCRATCH"}, tail),
		want: []finding{{PropagationUnmounted, 6, 0}},
	}, {
		name: "propagation change inside an rbind copy is not judged",
		ops:  join(bootstrap, []string{"mount --make-rslave $SCRATCH/opt"}, tail),
	}, {
		name: "propagation change on known host mounts is fine",
		ops:  join([]string{"mount --make-rslave /run", "mount --make-private /proc"}, bootstrap, tail),
	}, {
		name: "propagation changes on the host's side are not judged",
		ops: join([]string{"mount --make-rshared /snap"}, bootstrap, tail,
			[]string{"mount --make-rprivate /var/lib/snapd/hostfs/writable"}),
	}, {
		name: "propagation change after the pivot on a path of a plain bind",
		ops:  join(bootstrap, tail, []string{"mount --make-private /tmp/x"}),
		want: []finding{{PropagationUnmounted, 22, 0}},
	}, {
		name: "never pivots",
		ops:  bootstrap,
		want: []finding{{NoPivot, 0, 0}},
	}} {
		t.Run(test.name, func(t *testing.T) {
			got := summarize(Check(program(t, test.ops...)))
			if !reflect.DeepEqual(got, test.want) {
				t.Errorf("got findings %v, want %v", got, test.want)
				for _, f := range Check(program(t, test.ops...)) {
					t.Logf("  %s", f)
				}
			}
		})
	}
}

func TestCheckNilProgram(t *testing.T) {
	got := summarize(Check(nil))
	if want := []finding{{NoPivot, 0, 0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Check(nil) = %v, want %v", got, want)
	}
}

func TestFindingString(t *testing.T) {
	p := program(t, join(bootstrap, bidir("/run/media"), uni("/run"), tail)...)
	p.Ops[5].Pos.File, p.Ops[6].Pos.File = "reordered-run.star", "reordered-run.star"
	p.Ops[5].Pos.Line, p.Ops[6].Pos.Line = 12, 14
	fs := Check(p)
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1: %v", len(fs), fs)
	}
	got := fs[0].String()
	want := "reordered-run.star:14: mount --rbind /run $SCRATCH/run hides $SCRATCH/run/media mounted at reordered-run.star:12 (mount --rbind /run/media $SCRATCH/run/media)"
	if !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}

func TestNoPivotString(t *testing.T) {
	fs := Check(program(t, bootstrap...))
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1", len(fs))
	}
	got, want := fs[0].String(), "test.star: no pivot_root: the program never switches to the tree it built"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
