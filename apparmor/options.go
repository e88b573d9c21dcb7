package apparmor

import (
	"fmt"
	"strings"
)

// optionOrder is the order in which mount option words are written: the
// order of snap-confine's option renderer (sc_mount_opt2str), so that
// rules read like the ones in snap-confine's policy ("rw rbind",
// "ro remount bind"). "rw" or "ro" always comes first.
var optionOrder = []string{
	"nosuid", "nodev", "noexec", "sync", "remount", "mand", "dirsync",
	"noatime", "nodiratime", "bind", "rbind", "move", "silent", "acl",
	"unbindable", "runbindable", "private", "rprivate", "slave", "rslave",
	"shared", "rshared", "relatime", "iversion", "strictatime", "lazytime",
	"nosymfollow",
}

// clearingWords are mount(8) options that clear a flag. Under
// options=(…) a flag that is not named must be clear, so they add nothing
// to a rule and are dropped.
var clearingWords = map[string]bool{
	"rw": true, "suid": true, "dev": true, "exec": true, "async": true,
	"nomand": true, "atime": true, "diratime": true, "norelatime": true,
	"nostrictatime": true, "nolazytime": true, "loud": true, "noacl": true,
	"noiversion": true, "defaults": true, "symfollow": true,
}

// optionWords splits a mount(8) option string into the AppArmor words for
// its flags, rw/ro first and the rest in optionOrder. Words that are not
// flags (mode=0755, size=1m, newinstance, …) are filesystem data, which
// AppArmor's options=(…) does not mediate; they are returned separately
// so that callers can say so.
func optionWords(options string, extra ...string) (words, data []string) {
	flags := map[string]bool{}
	for _, w := range extra {
		flags[w] = true
	}
	ro := false
	for _, w := range strings.Split(options, ",") {
		w = strings.TrimSpace(w)
		switch {
		case w == "":
		case w == "ro":
			ro = true
		case w == "rw":
			ro = false
		case clearingWords[w]:
		case isFlagWord(w):
			flags[w] = true
		default:
			data = append(data, w)
		}
	}
	if ro {
		words = append(words, "ro")
	} else {
		words = append(words, "rw")
	}
	for _, w := range optionOrder {
		if flags[w] {
			words = append(words, w)
		}
	}
	return words, data
}

func isFlagWord(w string) bool {
	for _, o := range optionOrder {
		if o == w {
			return true
		}
	}
	return false
}

// propagationWord is the AppArmor option for a propagation change:
// "rslave" for mount --make-rslave.
func propagationWord(kind string, recursive bool) string {
	w := strings.TrimPrefix(kind, "make_")
	if recursive {
		return "r" + w
	}
	return w
}

// checkOptions rejects option strings the generator cannot express, so
// that a typo in a profile is reported instead of silently widening or
// narrowing the policy.
func checkOptions(options string) error {
	for _, w := range strings.Split(options, ",") {
		if strings.ContainsAny(w, " \t()\"#") {
			return fmt.Errorf("mount option %q: not expressible in AppArmor policy", w)
		}
	}
	return nil
}
