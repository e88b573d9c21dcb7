package apparmor

import (
	"fmt"

	"golang.org/x/sys/unix"

	"confine/kernel"
)

// optionOrder is the order in which mount option words are written, after
// "rw" or "ro": the order of snap-confine's option renderer
// (sc_mount_opt2str), so that rules read like the ones in snap-confine's
// policy ("rw rbind", "ro nosuid nodev remount bind").
var optionOrder = []string{
	"nosuid", "nodev", "noexec", "sync", "remount", "mand", "dirsync",
	"noatime", "nodiratime", "bind", "rbind", "move", "silent", "acl",
	"unbindable", "runbindable", "private", "rprivate", "slave", "rslave",
	"shared", "rshared", "relatime", "iversion", "strictatime", "lazytime",
	"nosymfollow",
}

// optionFlags maps AppArmor mount option words to mount(2) flags. The
// recursive words stand for a flag together with MS_REC.
var optionFlags = map[string]uintptr{
	"rw":          0,
	"ro":          unix.MS_RDONLY,
	"nosuid":      unix.MS_NOSUID,
	"nodev":       unix.MS_NODEV,
	"noexec":      unix.MS_NOEXEC,
	"sync":        unix.MS_SYNCHRONOUS,
	"remount":     unix.MS_REMOUNT,
	"mand":        unix.MS_MANDLOCK,
	"dirsync":     unix.MS_DIRSYNC,
	"noatime":     unix.MS_NOATIME,
	"nodiratime":  unix.MS_NODIRATIME,
	"bind":        unix.MS_BIND,
	"rbind":       unix.MS_BIND | unix.MS_REC,
	"move":        unix.MS_MOVE,
	"silent":      unix.MS_SILENT,
	"acl":         unix.MS_POSIXACL,
	"unbindable":  unix.MS_UNBINDABLE,
	"runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
	"private":     unix.MS_PRIVATE,
	"rprivate":    unix.MS_PRIVATE | unix.MS_REC,
	"slave":       unix.MS_SLAVE,
	"rslave":      unix.MS_SLAVE | unix.MS_REC,
	"shared":      unix.MS_SHARED,
	"rshared":     unix.MS_SHARED | unix.MS_REC,
	"relatime":    unix.MS_RELATIME,
	"iversion":    unix.MS_I_VERSION,
	"strictatime": unix.MS_STRICTATIME,
	"lazytime":    unix.MS_LAZYTIME,
	"nosymfollow": unix.MS_NOSYMFOLLOW,
}

// flagWords writes mount(2) flags as AppArmor option words: "rw" or "ro"
// first, then the rest in optionOrder, MS_REC folded into the recursive
// form of the one flag it qualifies ("rbind", "rslave"). Flags AppArmor
// has no word for are an error, never dropped: a rule without them would
// not match the call.
func flagWords(flags uintptr) ([]string, error) {
	words := []string{"rw"}
	if flags&unix.MS_RDONLY != 0 {
		words[0] = "ro"
	}
	rest := flags &^ unix.MS_RDONLY
	rec := rest&unix.MS_REC != 0
	for _, w := range optionOrder {
		f := optionFlags[w]
		switch {
		case f&unix.MS_REC != 0:
			// A recursive word: only with MS_REC, which it takes.
			if !rec || rest&f != f {
				continue
			}
		case rec && hasRecursive[w]:
			// With MS_REC, "bind" is written "rbind".
			continue
		case rest&f != f:
			continue
		}
		words = append(words, w)
		rest &^= f
	}
	if rest == unix.MS_REC {
		return nil, fmt.Errorf("mount flags %s: MS_REC without a flag it applies to", kernel.FlagString(flags))
	}
	if rest != 0 {
		return nil, fmt.Errorf("mount flags %s: no AppArmor option for %s", kernel.FlagString(flags), kernel.FlagString(rest))
	}
	return words, nil
}

// hasRecursive lists the words that have an "r" form for MS_REC.
var hasRecursive = map[string]bool{"bind": true, "unbindable": true, "private": true, "slave": true, "shared": true}
