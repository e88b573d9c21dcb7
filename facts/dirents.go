package facts

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// readEntries lists the top-level entries of dir, sorted by name, with
// the link text of each symlink.
//
// It reads the directory with getdents(2) into a buffer on the stack and
// takes each entry's type from d_type, instead of os.ReadDir's os.File,
// 8 KiB buffer and DirEntry per name: gathering runs at the start of every
// launch. Like os.ReadDir, it falls back to lstat(2) where the file system
// leaves d_type unknown, so the result is the same.
func readEntries(dir string) ([]Entry, error) {
	fd, err := openDir(dir)
	if err != nil {
		return nil, fmt.Errorf("facts: %w", err)
	}
	defer unix.Close(fd)
	entries := make([]Entry, 0, 32)
	var buf [4096]byte
	for {
		n, err := unix.Getdents(fd, buf[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("facts: %w", &fs.PathError{Op: "readdirent", Path: dir, Err: err})
		}
		if n <= 0 {
			break
		}
		if entries, err = appendDirents(entries, fd, dir, buf[:n]); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return entries, nil
}

// openDir opens dir for reading its entries.
func openDir(dir string) (int, error) {
	for {
		fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: dir, Err: err}
		}
		return fd, nil
	}
}

// Offsets in a struct linux_dirent64: d_ino (8 bytes, at 0), d_off (8),
// d_reclen (2), d_type (1), then the NUL-terminated name.
const (
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

// appendDirents appends the entries of one getdents(2) buffer, skipping
// "." and "..". dirfd is the directory, for lstat and readlink relative
// to it; dir names it in errors.
func appendDirents(entries []Entry, dirfd int, dir string, buf []byte) ([]Entry, error) {
	for len(buf) >= direntName {
		reclen := int(binary.NativeEndian.Uint16(buf[direntReclen:]))
		if reclen < direntName || reclen > len(buf) {
			return nil, fmt.Errorf("facts: %s: malformed directory entry", dir)
		}
		ino := binary.NativeEndian.Uint64(buf)
		rec := buf[direntName:reclen]
		typ := buf[direntType]
		buf = buf[reclen:]
		if ino == 0 {
			continue // a deleted entry, as os.ReadDir skips it
		}
		if i := slices.Index(rec, 0); i >= 0 {
			rec = rec[:i]
		}
		if len(rec) == 0 || string(rec) == "." || string(rec) == ".." {
			continue
		}
		e := Entry{Name: string(rec)}
		if typ == unix.DT_UNKNOWN {
			var st unix.Stat_t
			if err := unix.Fstatat(dirfd, e.Name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				if err == unix.ENOENT {
					continue // removed since it was listed, as os.ReadDir skips it
				}
				return nil, fmt.Errorf("facts: %w", &fs.PathError{Op: "lstat", Path: filepath.Join(dir, e.Name), Err: err})
			}
			typ = modeType(st.Mode)
		}
		switch typ {
		case unix.DT_DIR:
			e.Type = "dir"
		case unix.DT_REG:
			e.Type = "file"
		case unix.DT_LNK:
			e.Type = "symlink"
			target, err := readlinkAt(dirfd, e.Name)
			if err != nil {
				return nil, fmt.Errorf("facts: %w", &fs.PathError{Op: "readlink", Path: filepath.Join(dir, e.Name), Err: err})
			}
			e.Target = target
		default:
			e.Type = "other"
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// modeType maps the file type bits of st_mode to a d_type value.
func modeType(mode uint32) uint8 {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return unix.DT_DIR
	case unix.S_IFREG:
		return unix.DT_REG
	case unix.S_IFLNK:
		return unix.DT_LNK
	}
	return unix.DT_UNKNOWN // "other" either way
}

// readlinkAt is readlinkat(2) of name in dirfd, growing its buffer until
// the link text fits (readlink truncates silently).
func readlinkAt(dirfd int, name string) (string, error) {
	var small [256]byte
	buf := small[:]
	for {
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return "", err
		}
		if n < len(buf) {
			return string(buf[:n]), nil
		}
		buf = make([]byte, 2*len(buf))
	}
}
