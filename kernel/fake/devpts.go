package fake

import (
	"io/fs"
	"strconv"
	"strings"
)

// fillDevpts is devpts_fill_super() for a new instance: the root is a
// directory of mode 0755 whatever mode= says (mode= is for the pty nodes
// to come), and it holds one node, ptmx, the character device 5:2
// (TTYAUX_MAJOR, 2) with the permission bits of ptmxmode= (default 000).
// The private-devpts step of every profile binds /dev/pts/ptmx over
// /dev/ptmx, so the node must be there. Checked on 6.18:
//
//	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /x
//	/x 755 directory; /x/ptmx 666 character special file 5:2
//
// kernel.Stat has no device number, so the model keeps the type and
// permission bits only.
func (sb *superblock) fillDevpts(data string) error {
	if err := sb.fs.Chmod("/", fs.ModeDir|0o755); err != nil {
		return toErrno(err)
	}
	perm := fs.FileMode(0)
	for _, o := range strings.Split(data, ",") {
		if v, ok := strings.CutPrefix(o, "ptmxmode="); ok {
			if m, err := strconv.ParseUint(v, 8, 32); err == nil {
				perm = fs.FileMode(m & 0o777)
			}
		}
	}
	if err := sb.createFile("/ptmx"); err != nil {
		return err
	}
	sb.nodes["/ptmx"] = fs.ModeDevice | fs.ModeCharDevice | perm
	return nil
}
