package hosts

import (
	"io/fs"
	"os"
	"path"
	"time"

	"github.com/spf13/afero"
)

// LinkFs is an in-memory file tree with symlinks. afero's MemMapFs has
// none (spf13/afero#258), yet merged-/usr hosts are made of them
// (/lib -> usr/lib), so LinkFs keeps the link texts in a side table and
// leaves an empty placeholder file in the MemMapFs, so that directory
// listings show the link.
//
// It implements afero.Symlinker the way afero.OsFs does: LstatIfPossible
// reports a link as fs.ModeSymlink, ReadlinkIfPossible returns its text.
// Paths are never resolved through links here: resolution is the fake
// kernel's job, across mounts.
type LinkFs struct {
	afero.Fs
	links map[string]string
}

// NewLinkFs returns an empty tree.
func NewLinkFs() *LinkFs {
	return &LinkFs{Fs: afero.NewMemMapFs(), links: map[string]string{}}
}

var _ afero.Symlinker = (*LinkFs)(nil)

// SymlinkIfPossible creates newname holding the text oldname.
func (l *LinkFs) SymlinkIfPossible(oldname, newname string) error {
	name := path.Clean("/" + newname)
	if _, err := l.Fs.Stat(name); err == nil {
		return &os.LinkError{Op: "symlink", Old: oldname, New: newname, Err: fs.ErrExist}
	}
	if err := l.Fs.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	if err := afero.WriteFile(l.Fs, name, nil, 0o777); err != nil {
		return err
	}
	l.links[name] = oldname
	return nil
}

// ReadlinkIfPossible returns the text of the link at name.
func (l *LinkFs) ReadlinkIfPossible(name string) (string, error) {
	if target, ok := l.links[path.Clean("/"+name)]; ok {
		return target, nil
	}
	return "", &os.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
}

// LstatIfPossible is lstat(2): a link is reported as a link.
func (l *LinkFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	clean := path.Clean("/" + name)
	if target, ok := l.links[clean]; ok {
		return linkInfo{name: path.Base(clean), size: int64(len(target))}, true, nil
	}
	fi, err := l.Fs.Stat(clean)
	return fi, true, err
}

// Remove deletes a file, a link or an empty directory.
func (l *LinkFs) Remove(name string) error {
	if err := l.Fs.Remove(name); err != nil {
		return err
	}
	delete(l.links, path.Clean("/"+name))
	return nil
}

// linkInfo is the lstat of a link.
type linkInfo struct {
	name string
	size int64
}

func (i linkInfo) Name() string       { return i.name }
func (i linkInfo) Size() int64        { return i.size }
func (i linkInfo) Mode() fs.FileMode  { return fs.ModeSymlink | 0o777 }
func (i linkInfo) ModTime() time.Time { return time.Time{} }
func (i linkInfo) IsDir() bool        { return false }
func (i linkInfo) Sys() any           { return nil }
