package kernel

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestFlagString(t *testing.T) {
	for _, test := range []struct {
		flags uintptr
		want  string
	}{
		{0, "0"},
		{unix.MS_BIND, "MS_BIND"},
		{unix.MS_BIND | unix.MS_REC, "MS_BIND|MS_REC"},
		{unix.MS_REMOUNT | unix.MS_BIND | unix.MS_RDONLY, "MS_RDONLY|MS_REMOUNT|MS_BIND"},
		{unix.MS_SLAVE | unix.MS_REC, "MS_REC|MS_SLAVE"},
		{unix.MS_BIND | 1<<40, "MS_BIND|0x10000000000"},
	} {
		if got := FlagString(test.flags); got != test.want {
			t.Errorf("FlagString(%#x) = %q, want %q", test.flags, got, test.want)
		}
	}
}

func TestUnmountFlagString(t *testing.T) {
	for _, test := range []struct {
		flags int
		want  string
	}{
		{0, "0"},
		{unix.MNT_DETACH | unix.UMOUNT_NOFOLLOW, "MNT_DETACH|UMOUNT_NOFOLLOW"},
		{unix.MNT_EXPIRE | 0x100, "MNT_EXPIRE|0x100"},
	} {
		if got := UnmountFlagString(test.flags); got != test.want {
			t.Errorf("UnmountFlagString(%#x) = %q, want %q", test.flags, got, test.want)
		}
	}
}
