package mountinfo

import (
	"os"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, test := range []struct {
		name string
		in   string
		opts Options
		want string
	}{
		{
			name: "ids, parents, groups and devices renumbered by first appearance",
			in: `100 7 0:50 / /s rw,relatime - tmpfs scratch rw
101 100 0:51 / /s/a rw,relatime shared:57 - tmpfs tmpfs-a rw
103 100 0:51 / /s/b rw,relatime shared:58 master:57 - tmpfs tmpfs-a rw
104 103 0:52 / /s/b/1 rw,relatime propagate_from:57 unbindable - tmpfs x rw
`,
			want: `1 0 0:1 / /s rw,relatime - tmpfs scratch rw
2 1 0:2 / /s/a rw,relatime shared:1 - tmpfs tmpfs-a rw
3 1 0:2 / /s/b rw,relatime shared:2 master:1 - tmpfs tmpfs-a rw
4 3 0:3 / /s/b/1 rw,relatime propagate_from:1 unbindable - tmpfs x rw
`,
		},
		{
			name: "under a prefix, re-rooted",
			in: `1 0 8:1 / / rw - ext4 /dev/sda1 rw
100 1 0:50 / /tmp/x rw - tmpfs scratch rw
101 100 0:50 /a /tmp/x/b rw shared:9 - tmpfs scratch rw
102 1 0:50 / /tmp/xy rw - tmpfs other rw
`,
			opts: Options{Under: "/tmp/x/"},
			want: `1 0 0:1 / / rw - tmpfs scratch rw
2 1 0:1 /a /b rw shared:1 - tmpfs scratch rw
`,
		},
		{
			name: "replace, derandomize and drop",
			in: `5 1 7:1 / /tmp/T123/snap/core/6964 ro,size=12k - squashfs /dev/loop1 ro,size=400k,nr_inodes=97
6 1 7:2 /tmp/snap.rootfs_Ab12Cd /snap/core/7000/x rw - ext4 /dev/sda1 rw
7 1 7:2 / /snap/core/6964 rw - ext4 /tmp/T123/src rw
`,
			opts: Options{Replace: []Replacement{{"/tmp/T123", "$TMP"}}, Derandomize: true, DropDevices: true},
			want: `1 0 0:0 / $TMP/snap/core/R1 ro,size=VARIABLE - squashfs /dev/loop1 ro,size=VARIABLE,nr_inodes=VARIABLE
2 0 0:0 /tmp/snap.rootfs_XXXXXX /snap/core/R2/x rw - ext4 /dev/sda1 rw
3 0 0:0 / /snap/core/R1 rw - ext4 $TMP/src rw
`,
		},
		{
			name: "sorted after derandomizing, then renumbered in sorted order",
			in: `10 1 0:9 / /b rw shared:70 - tmpfs y rw
11 1 0:8 / /a_Zz9Zz9 rw shared:71 - tmpfs x rw
12 11 0:8 / /a_Zz9Zz9/c rw master:70 - tmpfs x rw
`,
			opts: Options{Derandomize: true, Sort: true, DropOptions: true, DropSources: true, DropSuperOptions: true},
			want: `1 0 0:1 / /a_XXXXXX ? shared:1 - tmpfs ? ?
2 1 0:1 / /a_XXXXXX/c ? master:2 - tmpfs ? ?
3 0 0:2 / /b ? shared:2 - tmpfs ? ?
`,
		},
	} {
		got, err := NormalizeText(test.in, test.opts)
		if err != nil {
			t.Errorf("%s: NormalizeText failed: %v", test.name, err)
			continue
		}
		if got != test.want {
			t.Errorf("%s: NormalizeText =\n%s\nwant:\n%s", test.name, got, test.want)
		}
	}
}

// TestNormalizeStable checks that two captures that differ only in numbers
// and random names normalize to the same text.
func TestNormalizeStable(t *testing.T) {
	a := "30 2 0:40 / /tmp/snap.rootfs_aaaaaa rw shared:5 - tmpfs t rw,size=10k\n31 30 0:41 / /tmp/snap.rootfs_aaaaaa/x rw master:5 - tmpfs u rw\n"
	b := "77 9 0:90 / /tmp/snap.rootfs_QQ11zz rw shared:61 - tmpfs t rw,size=99k\n79 77 0:93 / /tmp/snap.rootfs_QQ11zz/x rw master:61 - tmpfs u rw\n"
	opts := Options{Derandomize: true}
	na, err := NormalizeText(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := NormalizeText(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	if na != nb {
		t.Errorf("normalized captures differ:\n%s\nand\n%s", na, nb)
	}
}

func TestNormalizeCapture(t *testing.T) {
	data, err := os.ReadFile("testdata/ubuntu-18.04.mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	got, err := NormalizeText(string(data), Options{Derandomize: true, DropSuperOptions: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"6 0 0:6 / / rw,relatime shared:6 - ext4 /dev/sda1 ?",
		"9 6 0:9 / /snap/core/R1 ro,nodev,relatime shared:9 ",
		"10 6 0:10 / /snap/core18/R2 ",
		"12 11 0:12 mnt:[4026532228] /run/snapd/ns/test-snapd-mountinfo.mnt",
		"13 6 0:6 /tmp/snap.rootfs_XXXXXX /tmp/snap.rootfs_XXXXXX rw,relatime master:6 unbindable",
		"14 6 0:13 / /media/usb\\040stick ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("normalized capture lacks %q:\n%s", want, got)
		}
	}
}
