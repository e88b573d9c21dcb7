package kernel

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// flagName pairs one flag bit with its name in the kernel's headers.
type flagName struct {
	flag uint64
	name string
}

// mountFlagNames maps mount(2) flags to their names, in the order
// FlagString prints them. x/sys has the constants but no names.
var mountFlagNames = []flagName{
	{unix.MS_RDONLY, "MS_RDONLY"},
	{unix.MS_NOSUID, "MS_NOSUID"},
	{unix.MS_NODEV, "MS_NODEV"},
	{unix.MS_NOEXEC, "MS_NOEXEC"},
	{unix.MS_SYNCHRONOUS, "MS_SYNCHRONOUS"},
	{unix.MS_REMOUNT, "MS_REMOUNT"},
	{unix.MS_MANDLOCK, "MS_MANDLOCK"},
	{unix.MS_DIRSYNC, "MS_DIRSYNC"},
	{unix.MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW"},
	{unix.MS_NOATIME, "MS_NOATIME"},
	{unix.MS_NODIRATIME, "MS_NODIRATIME"},
	{unix.MS_BIND, "MS_BIND"},
	{unix.MS_MOVE, "MS_MOVE"},
	{unix.MS_REC, "MS_REC"},
	{unix.MS_SILENT, "MS_SILENT"},
	{unix.MS_POSIXACL, "MS_POSIXACL"},
	{unix.MS_UNBINDABLE, "MS_UNBINDABLE"},
	{unix.MS_PRIVATE, "MS_PRIVATE"},
	{unix.MS_SLAVE, "MS_SLAVE"},
	{unix.MS_SHARED, "MS_SHARED"},
	{unix.MS_RELATIME, "MS_RELATIME"},
	{unix.MS_STRICTATIME, "MS_STRICTATIME"},
	{unix.MS_LAZYTIME, "MS_LAZYTIME"},
}

// FlagString renders mount(2) flags as "MS_BIND|MS_REC"; unknown bits are
// printed in hex and zero as "0".
func FlagString(flags uintptr) string {
	return flagString(uint64(flags), mountFlagNames)
}

// unmountFlagNames maps umount2(2) flags to their names.
var unmountFlagNames = []flagName{
	{unix.MNT_FORCE, "MNT_FORCE"},
	{unix.MNT_DETACH, "MNT_DETACH"},
	{unix.MNT_EXPIRE, "MNT_EXPIRE"},
	{unix.UMOUNT_NOFOLLOW, "UMOUNT_NOFOLLOW"},
}

// UnmountFlagString renders umount2(2) flags as "MNT_DETACH|UMOUNT_NOFOLLOW".
func UnmountFlagString(flags int) string {
	return flagString(uint64(flags), unmountFlagNames)
}

// flagString names the bits of flags from names, in table order, then
// prints what is left in hex.
func flagString(flags uint64, names []flagName) string {
	var parts []string
	for _, f := range names {
		if flags&f.flag != 0 {
			parts = append(parts, f.name)
			flags &^= f.flag
		}
	}
	if flags != 0 {
		parts = append(parts, fmt.Sprintf("%#x", flags))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}
