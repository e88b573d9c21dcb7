package fake

import (
	"fmt"
	"strconv"
	"strings"
)

// keyedFS are the filesystem types whose mounts all share one superblock
// (per network, IPC or other namespace, of which the model has one):
// mount -t sysfs x /y shows the same 0:N device as /sys, with its own
// source (captured on 6.18). Every other type gets a new superblock per
// mount (proc since 5.8, devpts since 4.7, tmpfs always).
var keyedFS = map[string]bool{
	"sysfs": true, "mqueue": true, "cgroup2": true, "devtmpfs": true, "securityfs": true,
	"debugfs": true, "tracefs": true, "pstore": true, "configfs": true, "fusectl": true,
	"efivarfs": true, "selinuxfs": true, "binfmt_misc": true,
}

// showOptions renders the superblock options of a new filesystem the way
// its show_options does, for the types whose rendering differs from the
// text given to mount(2) (captured on 6.18: "size=10m,mode=755" shows as
// "size=10240k,mode=755", devpts always shows mode and ptmxmode). Other
// types echo data.
func showOptions(fstype, data string) string {
	opts := map[string]string{}
	var order, rest []string
	for _, o := range strings.Split(data, ",") {
		if o == "" {
			continue
		}
		k, v, _ := strings.Cut(o, "=")
		if _, seen := opts[k]; !seen {
			order = append(order, k)
		}
		opts[k] = v
	}
	var out []string
	switch fstype {
	case "tmpfs":
		// shmem_show_options(): size in kilobytes of whole pages, then
		// nr_inodes, mode (unless 1777), uid, gid (unless 0).
		if v, ok := opts["size"]; ok {
			if n, ok := memparse(v); ok {
				out = append(out, fmt.Sprintf("size=%dk", (n+4095)/4096*4))
			} else {
				out = append(out, "size="+v)
			}
		}
		if v, ok := opts["nr_inodes"]; ok {
			if n, ok := memparse(v); ok {
				v = strconv.FormatUint(n, 10)
			}
			out = append(out, "nr_inodes="+v)
		}
		if v, ok := opts["mode"]; ok {
			if m, err := strconv.ParseUint(v, 8, 32); err == nil && m != 0o1777 {
				out = append(out, fmt.Sprintf("mode=%03o", m))
			}
		}
		for _, k := range []string{"uid", "gid"} {
			if v, ok := opts[k]; ok && v != "0" {
				out = append(out, k+"="+v)
			}
		}
		rest = without(order, "size", "nr_inodes", "mode", "uid", "gid")
	case "devpts":
		// devpts_show_options(): uid, gid when given; mode and ptmxmode
		// always (defaults 600 and 000); max when given.
		for _, k := range []string{"uid", "gid"} {
			if v, ok := opts[k]; ok {
				out = append(out, k+"="+v)
			}
		}
		for _, d := range []struct{ k, def string }{{"mode", "600"}, {"ptmxmode", "000"}} {
			v := d.def
			if s, ok := opts[d.k]; ok {
				if m, err := strconv.ParseUint(s, 8, 32); err == nil {
					v = fmt.Sprintf("%03o", m)
				}
			}
			out = append(out, d.k+"="+v)
		}
		if v, ok := opts["max"]; ok {
			out = append(out, "max="+v)
		}
		rest = nil // newinstance and the like are not shown
	default:
		return data
	}
	for _, k := range rest {
		if v := opts[k]; v != "" {
			out = append(out, k+"="+v)
		} else {
			out = append(out, k)
		}
	}
	return strings.Join(out, ",")
}

// memparse is the kernel's memparse(): a number with an optional k, m, g
// or t suffix. Percentages (tmpfs size=50%) depend on the machine's
// memory and are left as written.
func memparse(s string) (uint64, bool) {
	mult := uint64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		case 't', 'T':
			mult = 1 << 40
		}
		if mult != 1 {
			s = s[:n-1]
		}
	}
	v, err := strconv.ParseUint(s, 0, 64)
	return v * mult, err == nil
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, x := range list {
		keep := true
		for _, d := range drop {
			if x == d {
				keep = false
			}
		}
		if keep {
			out = append(out, x)
		}
	}
	return out
}
