package apparmor

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestFlagWords(t *testing.T) {
	for _, test := range []struct {
		flags uintptr
		want  string
	}{
		{0, "rw"},
		{unix.MS_BIND, "rw bind"},
		{unix.MS_BIND | unix.MS_REC, "rw rbind"},
		{unix.MS_SLAVE | unix.MS_REC, "rw rslave"},
		{unix.MS_UNBINDABLE, "rw unbindable"},
		{unix.MS_SHARED | unix.MS_REC, "rw rshared"},
		{unix.MS_PRIVATE, "rw private"},
		{unix.MS_MOVE, "rw move"},
		{unix.MS_REMOUNT | unix.MS_BIND | unix.MS_RDONLY, "ro remount bind"},
		{unix.MS_REMOUNT | unix.MS_BIND | unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "ro nosuid nodev noexec remount bind"},
		{unix.MS_NODEV | unix.MS_NOEXEC, "rw nodev noexec"},
		{unix.MS_BIND | unix.MS_REC | unix.MS_NOSUID, "rw nosuid rbind"},
		{unix.MS_RELATIME | unix.MS_NOSYMFOLLOW, "rw relatime nosymfollow"},
	} {
		got, err := flagWords(test.flags)
		if err != nil {
			t.Errorf("flagWords(%#x): %v", test.flags, err)
			continue
		}
		if strings.Join(got, " ") != test.want {
			t.Errorf("flagWords(%#x) = %q, want %q", test.flags, strings.Join(got, " "), test.want)
		}
	}
	for _, test := range []struct {
		flags uintptr
		want  string
	}{
		{unix.MS_REC, "mount flags MS_REC: MS_REC without a flag it applies to"},
		{unix.MS_NODEV | unix.MS_REC, "mount flags MS_NODEV|MS_REC: MS_REC without a flag it applies to"},
		{1 << 30, "mount flags 0x40000000: no AppArmor option for 0x40000000"},
	} {
		if _, err := flagWords(test.flags); err == nil || err.Error() != test.want {
			t.Errorf("flagWords(%#x) error = %v, want %q", test.flags, err, test.want)
		}
	}
}
