package fake

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// step runs one mount(8)-like command on p, so scenarios read like the
// reference's steps:
//
//	mkdir PATH | touch PATH | ln TARGET PATH
//	tmpfs SOURCE PATH            (mount -t tmpfs SOURCE PATH)
//	bind SRC DST | rbind SRC DST | move SRC DST
//	make-shared PATH | make-rslave PATH | … (all eight)
//	umount PATH | umount-lazy PATH
//	pivot NEW OLD | chdir PATH
func step(p *Proc, cmd string) error {
	f := strings.Fields(cmd)
	arg := func(i int) string {
		if i < len(f) {
			return f[i]
		}
		return ""
	}
	switch f[0] {
	case "mkdir":
		return p.Mkdir(arg(1), 0o755)
	case "touch":
		return p.CreateFile(arg(1))
	case "ln":
		return p.Symlink(arg(1), arg(2))
	case "tmpfs":
		return p.Mount(arg(1), arg(2), "tmpfs", 0, "")
	case "bind":
		return p.Mount(arg(1), arg(2), "", unix.MS_BIND, "")
	case "rbind":
		return p.Mount(arg(1), arg(2), "", unix.MS_BIND|unix.MS_REC, "")
	case "move":
		return p.Mount(arg(1), arg(2), "", unix.MS_MOVE, "")
	case "umount":
		return p.Unmount(arg(1), 0)
	case "umount-lazy":
		return p.Unmount(arg(1), unix.MNT_DETACH)
	case "pivot":
		return p.PivotRoot(arg(1), arg(2))
	case "remount-ro":
		return p.Mount("", arg(1), "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, "")
	case "chdir":
		return p.Chdir(arg(1))
	}
	if strings.HasPrefix(f[0], "make-") {
		word := strings.TrimPrefix(f[0], "make-")
		var flags uintptr
		switch word {
		case "rshared", "rslave", "rprivate", "runbindable":
			flags = unix.MS_REC
			word = word[1:]
		}
		switch word {
		case "shared":
			flags |= unix.MS_SHARED
		case "slave":
			flags |= unix.MS_SLAVE
		case "private":
			flags |= unix.MS_PRIVATE
		case "unbindable":
			flags |= unix.MS_UNBINDABLE
		default:
			panic("unknown step " + cmd)
		}
		return p.Mount("none", arg(1), "", flags, "")
	}
	panic("unknown step " + cmd)
}

// run runs steps, failing the test on the first error and checking the
// model's invariants after each.
func run(t testing.TB, p *Proc, steps ...string) {
	t.Helper()
	for _, s := range steps {
		if err := step(p, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if err := p.k.Check(); err != nil {
			t.Fatalf("after %s: Check: %v", s, err)
		}
	}
}

var groupRE = regexp.MustCompile(`(shared|master|propagate_from):(\d+)`)

// normalized renders p's mountinfo as "POINT OPTIONAL" lines (optional
// fields "-" when empty), with peer group IDs renumbered from 42 by first
// appearance, like snapd's rewrite-peer-groups.awk, and the line of "/"
// left out. With withRoot, the
// root field comes first; with withSource, the source comes last.
func normalized(p *Proc, withRoot, withSource bool) []string {
	ids := map[string]int{}
	var out []string
	for _, e := range p.Entries() {
		if e.Point == "/" {
			continue
		}
		opt := strings.Join(e.Optional, " ")
		opt = groupRE.ReplaceAllStringFunc(opt, func(s string) string {
			m := groupRE.FindStringSubmatch(s)
			n, ok := ids[m[2]]
			if !ok {
				n = 42 + len(ids)
				ids[m[2]] = n
			}
			return m[1] + ":" + strconv.Itoa(n)
		})
		if opt == "" {
			opt = "-"
		}
		line := e.Point + " " + opt
		if withRoot {
			line = e.Root + " " + line
		}
		if withSource {
			line += " " + e.Source
		}
		out = append(out, line)
	}
	return out
}

func diffLines(got, want []string) string {
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return ""
	}
	return fmt.Sprintf("got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
}
