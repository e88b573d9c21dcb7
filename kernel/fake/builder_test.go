package fake

import (
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	p := New().Init()
	err := p.Run(
		"mkdir --mode=0755 /run",
		"mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs /run",
		"mount --make-rshared /",
		"mkdir /run/a",
		"mount --bind /run/a /run/a",
		"mount -o remount,bind,ro /run/a",
		"ln -s /run/a /l",
		"touch /run/f",
	)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := p.MountInfo()
	for _, want := range []string{
		" / /run rw,nosuid,nodev,relatime shared:2 - tmpfs tmpfs rw,mode=755\n",
		" /a /run/a ro,relatime shared:2 - tmpfs tmpfs rw,mode=755\n",
	} {
		if !strings.Contains(string(info), want) {
			t.Errorf("mountinfo lacks %q:\n%s", want, info)
		}
	}
	for _, bad := range []string{"", "frob /x", "mount --make-sideways /run", "umount --now /run", "mkdir --mode=9 /x"} {
		if err := p.Run(bad); err == nil {
			t.Errorf("Run(%q) succeeded, want an error", bad)
		}
	}
	if err := p.Run("umount --lazy /run"); err != nil {
		t.Errorf("umount --lazy /run: %v", err)
	}
}
