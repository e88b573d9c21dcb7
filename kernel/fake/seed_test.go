package fake

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"confine/mountinfo"
)

// ubuntu is a trimmed classic Ubuntu host: rshared "/", a slave and an
// unbindable mount, a master group that lives elsewhere, a bind of a file,
// and a stacked pair.
const ubuntu = `25 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro
26 25 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=4008920k,nr_inodes=1002230,mode=755,inode64
27 26 0:26 / /dev/pts rw,nosuid,noexec,relatime shared:3 - devpts devpts rw,gid=5,mode=620,ptmxmode=000
28 25 0:27 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=812260k,mode=755,inode64
29 25 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw
30 25 0:23 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
31 28 0:27 /snapd/ns /run/snapd/ns rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=812260k,mode=755,inode64
32 31 0:4 mnt:[4026532290] /run/snapd/ns/lxd.mnt rw - nsfs nsfs rw
33 25 7:1 / /snap/core22/1380 ro,nodev,relatime shared:7 - squashfs /dev/loop1 ro
34 25 0:30 / /media rw,relatime master:99 - tmpfs media rw
35 25 0:31 / /srv rw,relatime unbindable - tmpfs srv rw
36 35 0:32 / /srv rw,relatime - tmpfs srv2 rw
37 25 252:1 /etc/hostname /hostname rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro
`

func TestFromMountinfoRoundTrip(t *testing.T) {
	table, err := mountinfo.Parse(strings.NewReader(ubuntu))
	if err != nil {
		t.Fatal(err)
	}
	k, err := FromMountinfo(table)
	if err != nil {
		t.Fatalf("FromMountinfo: %v", err)
	}
	got, _ := k.Init().MountInfo()
	if string(got) != ubuntu {
		t.Errorf("round trip:\ngot:\n%s\nwant:\n%s", got, ubuntu)
	}
	if err := k.Check(); err != nil {
		t.Fatal(err)
	}
	// The seeded host works like any other: a mount under the rshared "/"
	// gets a new group, /media receives nothing back, /srv is unbindable.
	p := k.Init()
	run(t, p, "mkdir /mnt", "tmpfs x /mnt")
	if err := step(p, "bind /srv /mnt"); err != nil {
		t.Errorf("bind of /srv (unbindable under a mount on top): %v, want the top mount bound", err)
	}
	if _, err := p.Lstat("/run/snapd/ns/lxd.mnt"); err != nil {
		t.Errorf("Lstat of the namespace file: %v", err)
	}
}

func TestFromMountinfoFiles(t *testing.T) {
	host := afero.NewMemMapFs()
	afero.WriteFile(host, "/etc/hostname", []byte("box\n"), 0o644)
	host.MkdirAll("/usr/lib", 0o755)
	table, err := mountinfo.Parse(strings.NewReader(ubuntu))
	if err != nil {
		t.Fatal(err)
	}
	files := func(e mountinfo.Entry) afero.Fs {
		if e.FSType == "ext4" {
			return afero.NewBasePathFs(host, e.Point)
		}
		return nil
	}
	k, err := FromMountinfo(table, WithFiles(files))
	if err != nil {
		t.Fatal(err)
	}
	p := k.Init()
	st, err := p.Lstat("/hostname")
	if err != nil || st.IsDir() {
		t.Fatalf("Lstat(/hostname) = %v, %v, want a file", st, err)
	}
	if _, err := p.Lstat("/usr/lib"); err != nil {
		t.Errorf("Lstat(/usr/lib): %v", err)
	}
}

func TestFromMountinfoErrors(t *testing.T) {
	for _, test := range []struct{ name, table, want string }{
		{"empty", "", "empty table"},
		{"two roots", "25 1 0:1 / / rw - ext4 a rw\n26 2 0:2 / / rw - ext4 b rw\n", "two mounts"},
		{"duplicate", "25 1 0:1 / / rw - ext4 a rw\n25 1 0:1 / / rw - ext4 a rw\n", "listed twice"},
		{"cycle master", "25 1 0:1 / / rw shared:1 master:1 - ext4 a rw\n", "own group"},
	} {
		table, err := mountinfo.Parse(strings.NewReader(test.table))
		if err != nil {
			t.Fatalf("%s: Parse: %v", test.name, err)
		}
		_, err = FromMountinfo(table)
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("%s: FromMountinfo error = %v, want one containing %q", test.name, err, test.want)
		}
	}
}

// TestFromMountinfoLive seeds from this machine's own table, which must
// render back unchanged.
func TestFromMountinfoLive(t *testing.T) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Skipf("no /proc/self/mountinfo: %v", err)
	}
	defer f.Close()
	table, err := mountinfo.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	k, err := FromMountinfo(table)
	if err != nil {
		t.Fatalf("FromMountinfo(live): %v", err)
	}
	got, _ := k.Init().MountInfo()
	if want := mountinfo.Format(table); string(got) != want {
		t.Errorf("round trip of the live table:\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// TestFromMountinfoChrooted seeds from a table read below a mount root:
// no "/" line, the listed mounts' parent is out of sight.
func TestFromMountinfoChrooted(t *testing.T) {
	const chrooted = `89 88 0:43 / /a rw,relatime shared:1 - tmpfs X rw
91 88 0:43 / /s rw,relatime master:2 propagate_from:1 - tmpfs X rw
92 91 0:44 / /s/x rw,relatime - tmpfs Y rw
`
	table, err := mountinfo.Parse(strings.NewReader(chrooted))
	if err != nil {
		t.Fatal(err)
	}
	k, err := FromMountinfo(table)
	if err != nil {
		t.Fatalf("FromMountinfo: %v", err)
	}
	if got, _ := k.Init().MountInfo(); string(got) != chrooted {
		t.Errorf("round trip:\ngot:\n%s\nwant:\n%s", got, chrooted)
	}
}

// FuzzFromMountinfo: any parsable table either seeds a kernel that passes
// Check and renders, or is refused with an error; never a panic.
func FuzzFromMountinfo(f *testing.F) {
	f.Add(ubuntu)
	f.Add("25 1 0:1 / / rw shared:1 - ext4 a rw\n26 25 0:2 / /x rw master:1 - tmpfs b rw\n")
	f.Add("30 20 0:1 / /a rw master:7 propagate_from:3 - tmpfs a rw\n31 30 0:1 /x /a rw shared:3 - tmpfs a rw\n")
	f.Fuzz(func(t *testing.T, text string) {
		table, err := mountinfo.Parse(strings.NewReader(text))
		if err != nil {
			return
		}
		k, err := FromMountinfo(table)
		if err != nil {
			return
		}
		if err := k.Check(); err != nil {
			t.Fatalf("seeded kernel fails Check: %v", err)
		}
		p := k.Init()
		if _, err := p.MountInfo(); err != nil {
			t.Fatal(err)
		}
		p.Mkdir("/fuzz", 0o755)
		p.Mount("t", "/fuzz", "tmpfs", 0, "")
		if _, err := p.Unshare(); err != nil {
			t.Fatal(err)
		}
		if err := k.Check(); err != nil {
			t.Fatalf("after a mount and an unshare: %v", err)
		}
	})
}

// TestFromMountinfoOsSymlinks seeds from a real directory tree: symlinks
// in it (merged /usr) are followed by the fake's own lookup, and absolute
// ones stay inside the seeded root.
func TestFromMountinfoOsSymlinks(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"usr/lib", "usr/bin"} {
		if err := os.MkdirAll(dir+"/"+d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("usr/lib", dir+"/lib"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/usr/bin", dir+"/bin"); err != nil {
		t.Fatal(err)
	}
	table, err := mountinfo.Parse(strings.NewReader("25 1 252:1 / / rw,relatime - ext4 /dev/vda1 rw\n"))
	if err != nil {
		t.Fatal(err)
	}
	host := afero.NewCopyOnWriteFs(afero.NewReadOnlyFs(afero.NewBasePathFs(afero.NewOsFs(), dir)), afero.NewMemMapFs())
	k, err := FromMountinfo(table, WithFiles(func(mountinfo.Entry) afero.Fs { return host }))
	if err != nil {
		t.Fatal(err)
	}
	p := k.Init()
	for name, want := range map[string]string{"/lib": "/usr/lib", "/bin": "/usr/bin"} {
		if got, _, err := p.Resolve("", name); err != nil || got != want {
			t.Errorf("Resolve(%s) = %q, %v, want %q", name, got, err, want)
		}
	}
	if got, err := p.Readlink("/bin"); err != nil || got != "/usr/bin" {
		t.Errorf("Readlink(/bin) = %q, %v", got, err)
	}
	// Writes land in the copy-on-write layer, not in dir.
	if err := p.Mkdir("/usr/lib/new", 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir + "/usr/lib/new"); err == nil {
		t.Errorf("Mkdir wrote through to the real tree")
	}
}
