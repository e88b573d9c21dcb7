package hosts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

func TestFixtureFacts(t *testing.T) {
	tests := []struct {
		name         string
		distro       string
		classic      bool
		mergedUsr    bool
		snapMountDir string
		baseDir      string
	}{
		{"ubuntu-classic", "ubuntu", true, false, "/snap", "/snap/core/current"},
		{"ubuntu-core", "ubuntu-core", false, false, "/snap", "/snap/core/current"},
		{"fedora", "fedora", true, true, "/var/lib/snapd/snap", "/var/lib/snapd/snap/core/current"},
		{"arch", "arch", true, true, "/var/lib/snapd/snap", "/var/lib/snapd/snap/core/current"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			h, err := Load(test.name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := h.Facts()
			if err != nil {
				t.Fatal(err)
			}
			if f.Distro != test.distro || f.Classic != test.classic || f.MergedUsr != test.mergedUsr ||
				f.SnapMountDir != test.snapMountDir || f.BaseDir != test.baseDir {
				t.Errorf("facts of %s: got distro=%q classic=%v merged_usr=%v snap_mount_dir=%q base_dir=%q, want %q %v %v %q %q",
					test.name, f.Distro, f.Classic, f.MergedUsr, f.SnapMountDir, f.BaseDir,
					test.distro, test.classic, test.mergedUsr, test.snapMountDir, test.baseDir)
			}
			if len(f.BaseEntries) < 10 {
				t.Errorf("base_entries of %s: got %d entries, want the core snap's top level", test.name, len(f.BaseEntries))
			}
		})
	}
}

// Every fixture's mount points exist in its tree, and the table is the
// kernel's text: it round-trips through Parse and Format.
func TestFixturesLoad(t *testing.T) {
	for _, name := range Fixtures() {
		h, err := Load(name)
		if err != nil {
			t.Errorf("Load(%q): %v", name, err)
			continue
		}
		data, _ := fixtureFS.ReadFile("fixtures/" + name + ".mountinfo")
		if got := h.MountInfo(); got != string(data) {
			t.Errorf("%s: MountInfo() does not reproduce the fixture:\ngot:\n%s\nwant:\n%s", name, got, data)
		}
	}
	if got := len(Fixtures()); got != 4 {
		t.Errorf("Fixtures() = %v, want 4 fixtures", Fixtures())
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.mountinfo")
	os.WriteFile(bad, []byte("22 1 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n23 22 0:21 / /proc rw\n"), 0o644)
	empty := filepath.Join(dir, "empty.mountinfo")
	os.WriteFile(empty, nil, 0o644)
	tests := []struct {
		name string
		want string
	}{
		{"ubuntu", `host: unknown host "ubuntu" (want arch, fedora, ubuntu-classic, ubuntu-core, live, or a mountinfo file)`},
		{"", "host: empty name"},
		{bad, "line 2"},
		{empty, "no mounts"},
		{filepath.Join(dir, "missing"), "no such file or directory"},
	}
	for _, test := range tests {
		_, err := Load(test.name)
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("Load(%q) = %v, want an error containing %q", test.name, err, test.want)
		}
	}
}

func TestLoadFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "capture")
	data, _ := fixtureFS.ReadFile("fixtures/arch.mountinfo")
	os.WriteFile(file, data, 0o644)
	h, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(h.Mounts), strings.Count(string(data), "\n"); got != want {
		t.Errorf("Load(capture): got %d mounts, want %d", got, want)
	}
}

// The live host's tree is copy-on-write over a read-only view of the real
// files: whatever a simulation writes stays in memory.
func TestLiveTreeNeverWritesThrough(t *testing.T) {
	h, err := Load(Live)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keep"), []byte("host"), 0o644)
	before := listing(t, dir)

	fsys := h.Files
	if err := fsys.MkdirAll(filepath.Join(dir, "made/by/sim"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := afero.WriteFile(fsys, filepath.Join(dir, "keep"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := afero.WriteFile(fsys, filepath.Join(dir, "new"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := afero.ReadFile(fsys, filepath.Join(dir, "keep")); string(got) != "changed" {
		t.Errorf("the layer reads %q after a write, want %q", got, "changed")
	}
	if after := listing(t, dir); after != before {
		t.Errorf("the host changed under a live simulation:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "keep")); string(data) != "host" {
		t.Errorf("host file reads %q, want %q", data, "host")
	}
}

func listing(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		data := ""
		if fi.Mode().IsRegular() {
			d, _ := os.ReadFile(p)
			data = string(d)
		}
		b.WriteString(p + " " + fi.Mode().String() + " " + data + "\n")
		return nil
	})
	return b.String()
}

func TestLinkFs(t *testing.T) {
	l := NewLinkFs()
	l.MkdirAll("/usr/lib", 0o755)
	if err := l.SymlinkIfPossible("usr/lib", "/lib"); err != nil {
		t.Fatal(err)
	}
	if err := l.SymlinkIfPossible("x", "/lib"); err == nil {
		t.Errorf("a second symlink at /lib: got no error, want one")
	}
	fi, _, err := l.LstatIfPossible("/lib")
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("Lstat(/lib) = %v, %v, want a symlink", fi, err)
	}
	if got, err := l.ReadlinkIfPossible("/lib"); got != "usr/lib" || err != nil {
		t.Errorf("Readlink(/lib) = %q, %v, want %q", got, err, "usr/lib")
	}
	if _, err := l.ReadlinkIfPossible("/usr"); err == nil {
		t.Errorf("Readlink(/usr): got no error, want one (not a link)")
	}
}

func TestTreeSpecErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"dir usr\n", `t.tree:1: "usr": path must be absolute and clean`},
		{"dir:99 /x\n", `t.tree:1: bad directory mode "99"`},
		{"\nlink /a\n", "t.tree:2: link: want PATH TEXT, got 1 words"},
		{"mount /x\n", `t.tree:1: unknown entry "mount"`},
		{"include t.tree /x\n", "nested too deep"},
	}
	for _, test := range tests {
		read := func(string) ([]byte, error) { return []byte(test.spec), nil }
		err := buildTree(NewLinkFs(), read, "t.tree", "/", 0)
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("spec %q: got %v, want an error containing %q", test.spec, err, test.want)
		}
	}
}
