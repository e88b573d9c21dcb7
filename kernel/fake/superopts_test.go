package fake

import (
	"fmt"
	"testing"
)

// TestSuperOptions pins field 11 for new mounts against a 6.18 capture:
//
//	/tmp/exp/devpts rw,relatime - devpts xdevpts rw,mode=600,ptmxmode=000
//	/tmp/exp/tm rw,nosuid,relatime - tmpfs xx rw,size=10240k,mode=755
func TestSuperOptions(t *testing.T) {
	for _, test := range []struct{ fstype, data, want string }{
		{"tmpfs", "", ""},
		{"tmpfs", "mode=755,size=10m", "size=10240k,mode=755"},
		{"tmpfs", "size=1,mode=1777,uid=0,gid=5,inode64", "size=4k,gid=5,inode64"},
		{"tmpfs", "size=50%", "size=50%"},
		{"devpts", "", "mode=600,ptmxmode=000"},
		{"devpts", "newinstance,ptmxmode=0666,mode=620,gid=5", "gid=5,mode=620,ptmxmode=666"},
		{"proc", "hidepid=2", "hidepid=2"},
	} {
		if got := showOptions(test.fstype, test.data); got != test.want {
			t.Errorf("showOptions(%q, %q) = %q, want %q", test.fstype, test.data, got, test.want)
		}
	}
}

func TestShowOptionsSwitch(t *testing.T) {
	for _, on := range []bool{false, true} {
		k := New()
		k.ShowOptions = on
		p := k.Init()
		run(t, p, "mkdir /t")
		if err := p.Mount("x", "/t", "tmpfs", 0, "size=10m"); err != nil {
			t.Fatal(err)
		}
		want := "rw,size=10m"
		if on {
			want = "rw,size=10240k"
		}
		if got := p.Entries()[1].SuperOptions; got != want {
			t.Errorf("ShowOptions=%v: super options %q, want %q", on, got, want)
		}
	}
}

// TestKeyedSuperblock: a second sysfs mount shares the first one's device
// and keeps its own source (mnt_devname), as on 6.18.
func TestKeyedSuperblock(t *testing.T) {
	p := New().Init()
	run(t, p, "mkdir /sys", "mkdir /x", "mkdir /p1", "mkdir /p2")
	for _, c := range [][3]string{{"sysfs", "sysfs", "/sys"}, {"xsysfs", "sysfs", "/x"}, {"proc", "proc", "/p1"}, {"proc", "proc", "/p2"}} {
		if err := p.Mount(c[0], c[2], c[1], 0, ""); err != nil {
			t.Fatal(err)
		}
	}
	e := p.Entries()[1:]
	dev := func(i int) string { return fmt.Sprintf("%d:%d", e[i].Major, e[i].Minor) }
	if dev(0) != dev(1) || e[1].Source != "xsysfs" {
		t.Errorf("sysfs mounts: %v and %v, want one device, sources sysfs and xsysfs", e[0], e[1])
	}
	if dev(2) == dev(3) {
		t.Errorf("proc mounts share a device: %v and %v", e[2], e[3])
	}
}
