package fake

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"confine/mountinfo"
)

// Creating a name leaves its parents' modes alone, also when the seeded
// tree is a copy-on-write layer over the host's files (as sim seeds
// every host), which by itself copies the missing parents into its layer
// with the new file's mode.
func TestCreateKeepsParentModes(t *testing.T) {
	base := afero.NewMemMapFs()
	base.MkdirAll("/srv/data", 0o755)
	base.MkdirAll("/tmp", 0o755)
	base.Chmod("/tmp", fs.ModeDir|fs.ModeSticky|0o777)
	base.Chmod("/srv", fs.ModeDir|0o750)
	tree := afero.NewCopyOnWriteFs(afero.NewReadOnlyFs(base), afero.NewMemMapFs())
	const table = "1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" +
		"2 1 0:30 / /srv/data rw,relatime shared:2 - tmpfs tmpfs rw\n"
	entries, err := mountinfo.Parse(strings.NewReader(table))
	if err != nil {
		t.Fatal(err)
	}
	k, err := FromMountinfo(entries, WithFiles(func(e mountinfo.Entry) afero.Fs { return afero.NewBasePathFs(tree, e.Point) }))
	if err != nil {
		t.Fatal(err)
	}
	p := k.Init()
	for _, test := range []struct {
		create func() error
		what   string
		parent string
		want   fs.FileMode
	}{
		{func() error { return p.Mkdir("/tmp/snap-private-tmp", 0o700) }, "mkdir 0700", "/tmp", fs.ModeDir | fs.ModeSticky | 0o777},
		{func() error { return p.Mkdir("/tmp/snap-private-tmp/snap.demo", 0o700) }, "mkdir below", "/tmp", fs.ModeDir | fs.ModeSticky | 0o777},
		{func() error { return p.CreateFile("/srv/file") }, "create a file", "/srv", fs.ModeDir | 0o750},
		{func() error { return p.Symlink("x", "/srv/link") }, "symlink", "/srv", fs.ModeDir | 0o750},
		{func() error { return p.Mkdir("/srv/data/sub", 0o700) }, "mkdir in a mount", "/srv/data", fs.ModeDir | 0o755},
	} {
		if err := test.create(); err != nil {
			t.Fatalf("%s: %v", test.what, err)
		}
		st, err := p.Lstat(test.parent)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode != test.want {
			t.Errorf("after %s: got %s %v, want %v", test.what, test.parent, st.Mode, test.want)
		}
	}
	if st, _ := p.Lstat("/tmp/snap-private-tmp"); st.Mode != fs.ModeDir|0o700 {
		t.Errorf("got the new directory %v, want drwx------", st.Mode)
	}
}
