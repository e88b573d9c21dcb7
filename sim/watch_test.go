package sim

import (
	"testing"

	"confine/kernel/fake"
)

// TestPointIndexTopmost compares the index's topmost with topmost over
// the table, for stacked, hidden and nested mounts; where topmost's
// table order decides, the index must say it cannot.
func TestPointIndexTopmost(t *testing.T) {
	tables := map[string]string{
		"nested": `1 1 0:1 / / rw - tmpfs root rw
2 1 0:2 / /a rw - tmpfs a rw
3 2 0:3 / /a/b rw - tmpfs b rw
`,
		"stacked": `1 1 0:1 / / rw - tmpfs root rw
2 1 0:2 / /a rw - tmpfs a rw
3 2 0:3 / /a rw - tmpfs a2 rw
4 3 0:4 / /a/b rw - tmpfs b rw
`,
		"hidden": `1 1 0:1 / / rw - tmpfs root rw
2 1 0:2 / /a rw - tmpfs a rw
3 2 0:3 / /a/b rw - tmpfs b rw
4 1 0:4 / /a rw - tmpfs over rw
`,
		"stacked root": `1 1 0:1 / / rw - tmpfs root rw
2 1 0:2 / / rw - tmpfs over rw
3 2 0:3 / /a rw - tmpfs a rw
`,
		"no root": `2 1 0:2 / /a rw - tmpfs a rw
`,
	}
	for name, text := range tables {
		table := parse(t, text)
		ix := newPointIndex(table)
		for _, p := range []string{"/", "/a", "/a/b", "/a/b/c", "/x"} {
			want, wantOK := topmost(table, p)
			got, ok, decided := ix.topmost(p)
			if !decided {
				if name != "stacked root" && name != "hidden" {
					t.Errorf("%s: %s: index undecided", name, p)
				}
				continue
			}
			if ok != wantOK || got.ID != want.ID {
				t.Errorf("%s: %s: got mount %d (%v), want %d (%v)", name, p, got.ID, ok, want.ID, wantOK)
			}
		}
	}
}

// TestPointIndexApply checks that changes move entries between points.
func TestPointIndexApply(t *testing.T) {
	table := parse(t, "1 1 0:1 / / rw - tmpfs root rw\n2 1 0:2 / /a rw - tmpfs a rw\n")
	ix := newPointIndex(table)
	moved := table[1]
	moved.Point = "/b"
	ix.apply([]fake.Change{{ID: 2, Old: &table[1], New: &moved}})
	if got := len(ix["/a"]); got != 0 {
		t.Errorf("got %d mounts at /a after the move, want 0", got)
	}
	if got := len(ix["/b"]); got != 1 {
		t.Errorf("got %d mounts at /b after the move, want 1", got)
	}
	ix.apply([]fake.Change{{ID: 2, Old: &moved}})
	if got := len(ix["/b"]); got != 0 {
		t.Errorf("got %d mounts at /b after the umount, want 0", got)
	}
}
