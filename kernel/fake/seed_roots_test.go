package fake

import (
	"strings"
	"testing"

	"github.com/spf13/afero"

	"confine/mountinfo"

	"golang.org/x/sys/unix"
)

// btrfsHost mounts two subvolumes of one btrfs (one superblock, 0:21):
// /root at "/" and /home at /home, as Fedora does, plus a tmpfs whose
// second mount's root (/snapd/ns) lies inside the first's.
const btrfsHost = `22 1 0:21 /root / rw,relatime shared:1 - btrfs /dev/vda3 rw,seclabel,compress=zstd:1,space_cache=v2,subvolid=257,subvol=/root
29 22 0:26 / /run rw,nosuid,nodev shared:8 - tmpfs tmpfs rw,size=1610436k,mode=755
42 22 0:21 /home /home rw,relatime shared:21 - btrfs /dev/vda3 rw,seclabel,compress=zstd:1,space_cache=v2,subvolid=256,subvol=/home
48 29 0:26 /snapd/ns /run/snapd/ns rw,nosuid,nodev - tmpfs tmpfs rw,size=1610436k,mode=755
`

// seedBtrfs seeds btrfsHost with files given per mount, each tree as seen
// at the mount's point, and records which entries were asked for.
func seedBtrfs(t *testing.T) (*Kernel, map[string]afero.Fs, []string) {
	t.Helper()
	table, err := mountinfo.Parse(strings.NewReader(btrfsHost))
	if err != nil {
		t.Fatal(err)
	}
	trees := map[string]afero.Fs{}
	for _, point := range []string{"/", "/home", "/run", "/run/snapd/ns"} {
		trees[point] = afero.NewMemMapFs()
	}
	afero.WriteFile(trees["/"], "/etc/hostname", []byte("box\n"), 0o644)
	trees["/"].MkdirAll("/home", 0o755)
	trees["/"].MkdirAll("/run", 0o755)
	afero.WriteFile(trees["/home"], "/alice/notes", nil, 0o644)
	trees["/run"].MkdirAll("/snapd/ns", 0o755)
	var asked []string
	files := func(e mountinfo.Entry) afero.Fs {
		asked = append(asked, e.Point)
		return trees[e.Point]
	}
	k, err := FromMountinfo(table, WithFiles(files))
	if err != nil {
		t.Fatalf("FromMountinfo: %v", err)
	}
	return k, trees, asked
}

// Each mount's root is a path in its superblock's one tree: the /home
// subvolume resolves although the first mount's root is /root, its files
// come from the tree given for it, and a root inside a tree already given
// (/snapd/ns of the /run tmpfs) is taken from that tree.
func TestFromMountinfoSeveralRoots(t *testing.T) {
	k, trees, asked := seedBtrfs(t)
	if got, want := strings.Join(asked, " "), "/ /run /home"; got != want {
		t.Errorf("WithFiles asked for %q, want %q", got, want)
	}
	p := k.Init()
	for _, test := range []struct {
		path string
		dir  bool
	}{
		{"/etc/hostname", false},
		{"/home/alice", true},
		{"/home/alice/notes", false},
		{"/run/snapd/ns", true},
	} {
		st, err := p.Lstat(test.path)
		if err != nil || st.IsDir() != test.dir {
			t.Errorf("Lstat(%s) = %v, %v, want dir=%v", test.path, st.Mode, err, test.dir)
		}
	}
	// Writes land in the tree given for the mount's piece of the
	// filesystem, and a bind of /home sees them.
	run(t, p, "mkdir /home/bob", "mkdir /mnt", "bind /home /mnt")
	if _, err := trees["/home"].Stat("/bob"); err != nil {
		t.Errorf("mkdir /home/bob did not land in the /home subvolume's tree: %v", err)
	}
	if _, err := p.Lstat("/mnt/alice/notes"); err != nil {
		t.Errorf("Lstat through a bind of /home: %v", err)
	}
	run(t, p, "mkdir /run/snapd/ns/x")
	if _, err := trees["/run"].Stat("/snapd/ns/x"); err != nil {
		t.Errorf("a nested root's writes did not land in the tree of /run: %v", err)
	}
	if _, err := trees["/run/snapd/ns"].Stat("/x"); err == nil {
		t.Errorf("the nested root's own tree was used; /run's covers it")
	}
}

// btrfs shows each mount's own subvol= and subvolid=: the seeded table
// prints back line for line, a bind keeps the subvolume of its root, and
// a remount that changes the options keeps each mount's subvolume.
func TestFromMountinfoPerMountSuperOptions(t *testing.T) {
	k, _, _ := seedBtrfs(t)
	p := k.Init()
	if got, _ := p.MountInfo(); string(got) != btrfsHost {
		t.Errorf("round trip:\ngot:\n%s\nwant:\n%s", got, btrfsHost)
	}
	run(t, p, "mkdir /a", "mkdir /b", "bind /home/alice /a", "bind /etc /b")
	opts := func(point string) string {
		for _, e := range p.Entries() {
			if e.Point == point {
				return e.SuperOptions
			}
		}
		return "(no mount at " + point + ")"
	}
	for _, test := range []struct{ point, want string }{
		{"/a", "rw,seclabel,compress=zstd:1,space_cache=v2,subvolid=256,subvol=/home"},
		{"/b", "rw,seclabel,compress=zstd:1,space_cache=v2,subvolid=257,subvol=/root"},
	} {
		if got := opts(test.point); got != test.want {
			t.Errorf("super options of %s: got %q, want %q", test.point, got, test.want)
		}
	}
	if err := p.Mount("", "/", "", unix.MS_REMOUNT, "compress=lzo,subvolid=257,subvol=/root"); err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct{ point, want string }{
		{"/", "rw,compress=lzo,subvolid=257,subvol=/root"},
		{"/home", "rw,compress=lzo,subvolid=256,subvol=/home"},
	} {
		if got := opts(test.point); got != test.want {
			t.Errorf("after a remount, super options of %s: got %q, want %q", test.point, got, test.want)
		}
	}
}

// Without files every root is made as a directory of an empty tree, so
// the /home subvolume resolves too.
func TestFromMountinfoSeveralRootsNoFiles(t *testing.T) {
	table, err := mountinfo.Parse(strings.NewReader(btrfsHost))
	if err != nil {
		t.Fatal(err)
	}
	k, err := FromMountinfo(table)
	if err != nil {
		t.Fatal(err)
	}
	p := k.Init()
	run(t, p, "mkdir /home/alice")
	if st, err := p.Lstat("/home/alice"); err != nil || !st.IsDir() {
		t.Errorf("Lstat(/home/alice) = %v, %v, want a directory", st.Mode, err)
	}
	if got, _ := p.MountInfo(); string(got) != btrfsHost {
		t.Errorf("round trip:\ngot:\n%s\nwant:\n%s", got, btrfsHost)
	}
}

func TestOverrideOpts(t *testing.T) {
	for _, test := range []struct{ now, baseline, shown, want string }{
		{"a,subvol=/root", "a,subvol=/root", "a,subvol=/home", "a,subvol=/home"},
		{"b", "a,subvol=/root", "a,subvol=/home", "b,subvol=/home"},
		{"x,gone,y", "x,gone", "x,extra=1", "x,y,extra=1"},
		{"", "", "", ""},
	} {
		if got := overrideOpts(test.now, test.baseline, test.shown); got != test.want {
			t.Errorf("overrideOpts(%q, %q, %q) = %q, want %q", test.now, test.baseline, test.shown, got, test.want)
		}
	}
}
