package fake

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// Umount propagation, tucking and lazy unmounts. The expected tables were
// captured on this project's 6.18.44 machine with the same steps
// (unshare -m --propagation private, scratch tmpfs), normalised.
func TestUmountPropagation(t *testing.T) {
	for _, test := range []struct {
		name  string
		steps []string
		want  []string
	}{
		{
			name: "peer copy removes every peer and slave",
			steps: []string{"mkdir /a", "mkdir /b", "mkdir /s", "tmpfs ta /a", "make-shared /a", "mkdir /a/1",
				"mkdir /a/2", "bind /a /b", "bind /a /s", "make-slave /s", "tmpfs t1 /a/1", "tmpfs t2 /a/2",
				"umount /b/2"},
			want: []string{"/a shared:42 ta", "/b shared:42 ta", "/s master:42 ta", "/a/1 shared:43 t1",
				"/b/1 shared:43 t1", "/s/1 master:43 t1"},
		},
		{
			name: "slave copy never reaches the master",
			steps: []string{"mkdir /a", "mkdir /b", "mkdir /s", "tmpfs ta /a", "make-shared /a", "mkdir /a/1",
				"bind /a /b", "bind /a /s", "make-slave /s", "tmpfs t1 /a/1", "umount /s/1"},
			want: []string{"/a shared:42 ta", "/b shared:42 ta", "/s master:42 ta", "/a/1 shared:43 t1",
				"/b/1 shared:43 t1"},
		},
		{
			name: "copy with children stays and becomes private",
			steps: []string{"mkdir /a", "mkdir /b", "mkdir /s", "tmpfs ta /a", "make-shared /a", "mkdir /a/3",
				"bind /a /b", "bind /a /s", "make-slave /s", "tmpfs t3 /a/3", "mkdir /s/3/x",
				"tmpfs local /s/3/x", "umount /a/3"},
			want: []string{"/a shared:42 ta", "/b shared:42 ta", "/s master:42 ta", "/s/3 - t3", "/s/3/x - local"},
		},
		{
			name: "tuck under a local mount",
			steps: []string{"mkdir /a", "mkdir /s", "tmpfs ta /a", "make-shared /a", "mkdir /a/1", "bind /a /s",
				"make-slave /s", "tmpfs P /a/1", "tmpfs L /s/1", "tmpfs N /a/1"},
			want: []string{"/a shared:42 ta", "/s master:42 ta", "/a/1 shared:43 P", "/s/1 master:43 P",
				"/s/1 - L", "/a/1 shared:44 N", "/s/1 master:44 N"},
		},
		{
			name: "umount of a tucked copy hands the top mount down",
			steps: []string{"mkdir /a", "mkdir /s", "tmpfs ta /a", "make-shared /a", "mkdir /a/1", "bind /a /s",
				"make-slave /s", "tmpfs P /a/1", "tmpfs L /s/1", "tmpfs N /a/1", "umount /a/1"},
			want: []string{"/a shared:42 ta", "/s master:42 ta", "/a/1 shared:43 P", "/s/1 master:43 P", "/s/1 - L"},
		},
		{
			name: "lazy umount takes the subtree and its copies",
			steps: []string{"mkdir /a", "mkdir /s", "tmpfs ta /a", "make-shared /a", "mkdir /a/1", "bind /a /s",
				"make-slave /s", "tmpfs P /a/1", "tmpfs L /s/1", "tmpfs N2 /a/1", "umount-lazy /a"},
			want: []string{"/s - ta", "/s/1 - L"},
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			p := New().Init()
			run(t, p, test.steps...)
			if d := diffLines(normalized(p, false, true), test.want); d != "" {
				t.Errorf("%s\nmountinfo:\n%s", d, p.mountinfoText())
			}
		})
	}
}

// TestTuckParents pins the parents of §4.4: the copy of N at s/1 sits on
// P's copy, and L now sits on N's copy.
func TestTuckParents(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /a", "mkdir /s", "tmpfs ta /a", "make-shared /a", "mkdir /a/1", "bind /a /s",
		"make-slave /s", "tmpfs P /a/1", "tmpfs L /s/1", "tmpfs N /a/1")
	bySource := map[string]int{}
	parent := map[int]int{}
	for _, e := range p.Entries() {
		if e.Point == "/s/1" {
			key := e.Source
			if e.Source == "P" || e.Source == "N" {
				key += "-copy"
			}
			bySource[key] = e.ID
			parent[e.ID] = e.Parent
		}
	}
	if got, want := parent[bySource["N-copy"]], bySource["P-copy"]; got != want {
		t.Errorf("parent of N's copy = %d, want P's copy %d", got, want)
	}
	if got, want := parent[bySource["L"]], bySource["N-copy"]; got != want {
		t.Errorf("parent of L = %d, want N's copy %d", got, want)
	}
}

// TestUmountBusyCopy: a process working in a propagated copy makes the
// original busy (propagate_mount_busy(); captured on 6.18: "target is
// busy", then success once the process left).
func TestUmountBusyCopy(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /a", "mkdir /b", "tmpfs A /a", "make-shared /a", "mkdir /a/1", "bind /a /b", "tmpfs one /a/1")
	q := p.Fork()
	run(t, q, "chdir /b/1")
	if err := step(p, "umount /a/1"); !errors.Is(err, unix.EBUSY) {
		t.Fatalf("umount with a process in the copy: %v, want EBUSY", err)
	}
	run(t, q, "chdir /")
	run(t, p, "umount /a/1")
}
