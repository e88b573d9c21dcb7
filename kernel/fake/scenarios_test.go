package fake

import (
	"strings"
	"testing"
)

// The scenario catalogue of kernel-propagation.md §15 (snapd
// osutil/vfs/tests, each reproduced on 6.18) and the worked example of §12,
// on the fake only. The conformance suite runs the same steps on the real
// kernel.
var scenarios = []struct {
	name              string
	steps             []string
	withRoot, withSrc bool
	want              []string
}{
	{
		name: "bind-keeps-sharing",
		steps: []string{"mkdir /a", "tmpfs tmpfs-a /a", "make-shared /a", "mkdir /a/b",
			"tmpfs tmpfs-b /a/b", "mkdir /a_prime", "rbind /a /a_prime"},
		want: []string{"/a shared:42", "/a/b shared:43", "/a_prime shared:42", "/a_prime/b shared:43"},
	},
	{
		name:  "bind-semantics/shared-to-shared",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "tmpfs b /b", "make-shared /a", "make-shared /b", "bind /a /b"},
		want:  []string{"/a shared:42", "/b shared:43", "/b shared:42"},
	},
	{
		name:  "bind-semantics/shared-to-private",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "tmpfs b /b", "make-shared /a", "make-private /b", "bind /a /b"},
		want:  []string{"/a shared:42", "/b -", "/b shared:42"},
	},
	{
		name:  "bind-semantics/private-to-shared",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "tmpfs b /b", "make-private /a", "make-shared /b", "bind /a /b"},
		want:  []string{"/a -", "/b shared:42", "/b shared:43"},
	},
	{
		name:  "bind-semantics/private-to-private",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "tmpfs b /b", "bind /a /b"},
		want:  []string{"/a -", "/b -", "/b -"},
	},
	{
		name: "bind-semantics/slave-to-shared",
		steps: []string{"mkdir /z", "mkdir /a", "mkdir /b", "tmpfs z /z", "make-shared /z", "bind /z /a",
			"make-slave /a", "tmpfs b /b", "make-shared /b", "bind /a /b"},
		want: []string{"/z shared:42", "/a master:42", "/b shared:43", "/b shared:44 master:42"},
	},
	{
		name: "bind-semantics/slave-to-private",
		steps: []string{"mkdir /z", "mkdir /a", "mkdir /b", "tmpfs z /z", "make-shared /z", "bind /z /a",
			"make-slave /a", "tmpfs b /b", "bind /a /b"},
		want: []string{"/z shared:42", "/a master:42", "/b -", "/b master:42"},
	},
	{
		name: "bind-shadow-propagate",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs tmpfs-a /a", "make-shared /a", "mkdir /a/1",
			"tmpfs tmpfs-a-1 /a/1", "rbind /a /b", "make-rslave /b", "tmpfs tmpfs-b-1 /b/1",
			"mkdir /a/1/1", "tmpfs tmpfs-a-1-1 /a/1/1"},
		withSrc: true,
		want: []string{"/a shared:42 tmpfs-a", "/a/1 shared:43 tmpfs-a-1", "/b master:42 tmpfs-a",
			"/b/1 master:43 tmpfs-a-1", "/b/1 - tmpfs-b-1", "/a/1/1 shared:44 tmpfs-a-1-1",
			"/b/1/1 master:44 tmpfs-a-1-1"},
	},
	{
		name: "bind-stack/bind",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs X /a", "make-shared /a", "tmpfs Y /a", "tmpfs Z /a",
			"bind /a /b"},
		withSrc: true,
		want:    []string{"/a shared:42 X", "/a shared:43 Y", "/a shared:44 Z", "/b shared:44 Z"},
	},
	{
		name: "bind-stack/rbind",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs X /a", "make-shared /a", "tmpfs Y /a", "tmpfs Z /a",
			"rbind /a /b"},
		withSrc: true,
		want:    []string{"/a shared:42 X", "/a shared:43 Y", "/a shared:44 Z", "/b shared:44 Z"},
	},
	{
		name:  "mount-in-private",
		steps: []string{"mkdir /a", "tmpfs a /a", "make-private /a", "mkdir /a/1", "tmpfs 1 /a/1"},
		want:  []string{"/a -", "/a/1 -"},
	},
	{
		name:  "mount-in-shared",
		steps: []string{"mkdir /a", "tmpfs a /a", "make-shared /a", "mkdir /a/1", "tmpfs 1 /a/1"},
		want:  []string{"/a shared:42", "/a/1 shared:43"},
	},
	{
		name: "mount-in-slave",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "make-shared /a", "mkdir /a/1", "bind /a /b",
			"make-slave /b", "tmpfs 1 /b/1"},
		want: []string{"/a shared:42", "/b master:42", "/b/1 -"},
	},
	{
		name:  "mount-in-unbindable",
		steps: []string{"mkdir /a", "tmpfs a /a", "make-unbindable /a", "mkdir /a/1", "tmpfs 1 /a/1"},
		want:  []string{"/a unbindable", "/a/1 -"},
	},
	{
		name: "propagation-to-slave",
		steps: []string{"mkdir /a", "mkdir /b", "mkdir /c", "tmpfs a /a", "make-shared /a", "mkdir /a/1",
			"bind /a /b", "make-slave /b", "bind /a /c", "make-slave /c", "tmpfs 1 /a/1"},
		want: []string{"/a shared:42", "/b master:42", "/c master:42", "/a/1 shared:43", "/c/1 master:43", "/b/1 master:43"},
	},
	{
		name: "propagation-to-shared-slave",
		steps: []string{"mkdir /a", "mkdir /b", "mkdir /c", "tmpfs a /a", "make-shared /a", "mkdir /a/1",
			"bind /a /b", "make-slave /b", "make-shared /b", "bind /a /c", "make-slave /c", "make-shared /c",
			"tmpfs 1 /a/1"},
		want: []string{"/a shared:42", "/b shared:43 master:42", "/c shared:44 master:42", "/a/1 shared:45",
			"/c/1 shared:46 master:45", "/b/1 shared:47 master:45"},
	},
	{
		name: "worked-example-12",
		steps: []string{"mkdir /A", "mkdir /b", "mkdir /c", "mkdir /d", "tmpfs tmpfs-A /A", "make-shared /A",
			"mkdir /A/a", "bind /A/a /b", "make-slave /b", "bind /A/a /c", "make-slave /c", "make-shared /c",
			"bind /c /d", "mkdir /A/a/1", "tmpfs tmpfs-1 /A/a/1"},
		withRoot: true, withSrc: true,
		want: []string{"/ /A shared:42 tmpfs-A", "/a /b master:42 tmpfs-A", "/a /c shared:43 master:42 tmpfs-A",
			"/a /d shared:43 master:42 tmpfs-A", "/ /A/a/1 shared:44 tmpfs-1", "/ /c/1 shared:45 master:44 tmpfs-1",
			"/ /d/1 shared:45 master:44 tmpfs-1", "/ /b/1 master:44 tmpfs-1"},
	},
	{
		name: "propagation-to-shared-subdirectory",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "make-shared /a", "mkdir /a/1", "mkdir /a/2",
			"bind /a/1 /b", "tmpfs 1 /a/1", "tmpfs 2 /a/2"},
		withRoot: true,
		want:     []string{"/ /a shared:42", "/1 /b shared:42", "/ /a/1 shared:43", "/ /b shared:43", "/ /a/2 shared:44"},
	},
	{
		name: "quiz-a",
		steps: []string{"mkdir /mnt", "tmpfs m /mnt", "mkdir /tmp", "mkdir /mnt/1", "bind /mnt /mnt",
			"make-shared /mnt", "bind /mnt /tmp", "move /tmp /mnt/1"},
		want: []string{"/mnt -", "/mnt shared:42", "/mnt/1 shared:42", "/mnt/1/1 shared:42"},
	},
	{
		name: "rbind-fragment",
		steps: []string{"mkdir /a", "mkdir /b-1", "tmpfs a /a", "make-shared /a", "mkdir /a/1", "mkdir /a/2",
			"rbind /a/1 /b-1", "tmpfs 1 /a/1", "tmpfs 2 /a/2"},
		want: []string{"/a shared:42", "/b-1 shared:42", "/a/1 shared:43", "/b-1 shared:43", "/a/2 shared:44"},
	},
	{
		name: "rbind-order",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "mkdir /a/1", "mkdir /a/2", "mkdir /a/3",
			"tmpfs 1 /a/1", "tmpfs 2 /a/2", "mkdir /a/1/1", "tmpfs 11 /a/1/1", "tmpfs 3 /a/3",
			"mkdir /a/2/2", "tmpfs 22 /a/2/2", "rbind /a /b"},
		want: []string{"/a -", "/a/1 -", "/a/2 -", "/a/1/1 -", "/a/3 -", "/a/2/2 -",
			"/b -", "/b/1 -", "/b/1/1 -", "/b/2 -", "/b/2/2 -", "/b/3 -"},
	},
	{
		name: "rbind-unbindable",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "mkdir /a/u", "mkdir /a/v", "tmpfs u /a/u",
			"mkdir /a/u/w", "tmpfs w /a/u/w", "make-unbindable /a/u", "tmpfs v /a/v", "rbind /a /b"},
		want: []string{"/a -", "/a/u unbindable", "/a/u/w -", "/a/v -", "/b -", "/b/v -"},
	},
	{
		name:  "shared-reduction",
		steps: []string{"mkdir /a", "tmpfs a /a", "make-shared /a", "make-slave /a"},
		want:  []string{"/a -"},
	},
	{
		name: "slave-reduction",
		steps: []string{"mkdir /a", "mkdir /b", "tmpfs a /a", "make-shared /a", "bind /a /b", "make-slave /b",
			"make-private /a"},
		want: []string{"/a -", "/b -"},
	},
}

func TestScenarios(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			p := New().Init()
			run(t, p, sc.steps...)
			got := normalized(p, sc.withRoot, sc.withSrc)
			if d := diffLines(got, sc.want); d != "" {
				t.Errorf("%s\nmountinfo:\n%s", d, strings.TrimSpace(p.mountinfoText()))
			}
		})
	}
}
