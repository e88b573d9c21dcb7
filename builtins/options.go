package builtins

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// flagOptions are the per-mount flags of mount(8) ("FILESYSTEM-INDEPENDENT
// MOUNT OPTIONS") that map to MS_* or MOUNT_ATTR_* bits. They are the only
// options remount accepts, since a bind remount changes no file-system
// data.
var flagOptions = map[string]bool{
	"ro": true, "rw": true,
	"nosuid": true, "suid": true,
	"nodev": true, "dev": true,
	"noexec": true, "exec": true,
	"relatime": true, "norelatime": true,
	"noatime": true, "atime": true,
	"strictatime": true, "nostrictatime": true,
	"nodiratime": true, "diratime": true,
	"nosymfollow": true,
	"sync":        true, "async": true, "dirsync": true,
	"lazytime": true, "nolazytime": true,
	"silent": true, "loud": true,
	"mand": true, "nomand": true,
	"iversion": true, "noiversion": true,
}

// dataFlags are file-system data options without a value (tmpfs, devpts,
// mqueue, overlay, ext4, proc and friends).
var dataFlags = map[string]bool{
	"newinstance": true, "inode32": true, "inode64": true, "noswap": true,
	"acl": true, "noacl": true, "user_xattr": true, "nouser_xattr": true,
	"defaults": true, "nouser": true,
	// cgroup2
	"nsdelegate": true, "memory_recursiveprot": true, "favordynmods": true,
}

// dataValues are file-system data options of the form name=value, with
// the shape of each value. The expressions are compiled on first use, not
// at package initialisation: confine run on a cached program never
// evaluates a profile, and every launch would otherwise pay for them.
var dataValues = sync.OnceValue(func() map[string]*regexp.Regexp {
	return map[string]*regexp.Regexp{
		"size":        regexp.MustCompile(`^[0-9]+[kKmMgG%]?$`),
		"nr_blocks":   regexp.MustCompile(`^[0-9]+[kKmMgG]?$`),
		"nr_inodes":   regexp.MustCompile(`^[0-9]+[kKmMgG]?$`),
		"mode":        regexp.MustCompile(`^0?[0-7]{1,4}$`),
		"ptmxmode":    regexp.MustCompile(`^0?[0-7]{1,4}$`),
		"uid":         regexp.MustCompile(`^[0-9]+$`),
		"gid":         regexp.MustCompile(`^[0-9]+$`),
		"max":         regexp.MustCompile(`^[0-9]+$`),
		"huge":        regexp.MustCompile(`^(never|always|within_size|advise|deny|force)$`),
		"mpol":        regexp.MustCompile(`^[a-z]+(:[0-9,-]+)?$`),
		"hidepid":     regexp.MustCompile(`^([0-2]|off|noaccess|invisible|ptraceable)$`),
		"subset":      regexp.MustCompile(`^pid$`),
		"errors":      regexp.MustCompile(`^(continue|remount-ro|panic)$`),
		"lowerdir":    regexp.MustCompile(`^/[^,]*$`),
		"upperdir":    regexp.MustCompile(`^/[^,]*$`),
		"workdir":     regexp.MustCompile(`^/[^,]*$`),
		"context":     regexp.MustCompile(`^[^,]+$`),
		"fscontext":   regexp.MustCompile(`^[^,]+$`),
		"defcontext":  regexp.MustCompile(`^[^,]+$`),
		"rootcontext": regexp.MustCompile(`^[^,]+$`),
	}
})

// checkOptions validates a comma-separated option string. With flagsOnly,
// only per-mount flags are allowed (remount).
func checkOptions(param, options string, flagsOnly bool) error {
	if options == "" {
		return nil
	}
	if err := checkText(param, options); err != nil {
		return err
	}
	for _, opt := range strings.Split(options, ",") {
		if opt == "" {
			return fmt.Errorf("for parameter %s: %q: empty option", param, options)
		}
		if flagOptions[opt] {
			continue
		}
		if flagsOnly {
			return fmt.Errorf("for parameter %s: unknown per-mount option %q (want one of ro, rw, nosuid, nodev, noexec, relatime, noatime, strictatime, nodiratime, nosymfollow and so on)", param, opt)
		}
		if dataFlags[opt] {
			continue
		}
		name, value, hasValue := strings.Cut(opt, "=")
		re, ok := dataValues()[name]
		if !ok {
			return fmt.Errorf("for parameter %s: unknown mount option %q", param, opt)
		}
		if !hasValue || !re.MatchString(value) {
			return fmt.Errorf("for parameter %s: option %q: bad value %q", param, name, value)
		}
	}
	return nil
}

// fstypeRE is what a file-system type name looks like in
// /proc/filesystems, fuse subtypes (fuse.sshfs) included. Compiled on
// first use, like dataValues.
var fstypeRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z0-9][a-z0-9_+-]*(\.[a-z0-9_+-]+)?$`)
})

// checkFSType validates a file-system type name.
func checkFSType(fstype string) error {
	if fstype == "" {
		return fmt.Errorf("for parameter fstype: empty file-system type")
	}
	if len(fstype) > 64 || !fstypeRE().MatchString(fstype) || fstype == "none" {
		return fmt.Errorf("for parameter fstype: %q does not look like a file-system type", fstype)
	}
	return nil
}
