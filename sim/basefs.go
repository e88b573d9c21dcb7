package sim

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/afero"
)

// baseFs is afero.BasePathFs (the files below base of source), with the
// same results and errors, for the fake kernel's names: those are
// absolute and clean, and BasePathFs joined and cleaned each of them
// three times over, a quarter of the time of simulating a large program.
// Any other name takes BasePathFs's own route.
type baseFs struct {
	source afero.Fs
	base   string // cleaned once
}

var (
	_ afero.Lstater    = baseFs{}
	_ afero.Linker     = baseFs{}
	_ afero.LinkReader = baseFs{}
)

func newBaseFs(source afero.Fs, base string) afero.Fs {
	return baseFs{source: source, base: filepath.Clean(base)}
}

// real is BasePathFs.RealPath.
func (b baseFs) real(name string) (string, error) {
	if strings.HasPrefix(name, "/") && path.Clean(name) == name {
		switch {
		case b.base == "/":
			return name, nil
		case name == "/":
			return b.base, nil
		}
		return b.base + name, nil
	}
	p := filepath.Clean(filepath.Join(b.base, name))
	if !strings.HasPrefix(p, b.base) {
		return name, os.ErrNotExist
	}
	return p, nil
}

func (b baseFs) Name() string { return "BasePathFs" }

func (b baseFs) Chtimes(name string, atime, mtime time.Time) error {
	p, err := b.real(name)
	if err != nil {
		return &os.PathError{Op: "chtimes", Path: p, Err: err}
	}
	return b.source.Chtimes(p, atime, mtime)
}

func (b baseFs) Chmod(name string, mode os.FileMode) error {
	p, err := b.real(name)
	if err != nil {
		return &os.PathError{Op: "chmod", Path: p, Err: err}
	}
	return b.source.Chmod(p, mode)
}

func (b baseFs) Chown(name string, uid, gid int) error {
	p, err := b.real(name)
	if err != nil {
		return &os.PathError{Op: "chown", Path: p, Err: err}
	}
	return b.source.Chown(p, uid, gid)
}

func (b baseFs) Stat(name string) (os.FileInfo, error) {
	p, err := b.real(name)
	if err != nil {
		return nil, &os.PathError{Op: "stat", Path: p, Err: err}
	}
	return b.source.Stat(p)
}

func (b baseFs) Rename(oldname, newname string) error {
	o, err := b.real(oldname)
	if err != nil {
		return &os.PathError{Op: "rename", Path: o, Err: err}
	}
	n, err := b.real(newname)
	if err != nil {
		return &os.PathError{Op: "rename", Path: n, Err: err}
	}
	return b.source.Rename(o, n)
}

func (b baseFs) RemoveAll(name string) error {
	p, err := b.real(name)
	if err != nil {
		return &os.PathError{Op: "remove_all", Path: p, Err: err}
	}
	return b.source.RemoveAll(p)
}

func (b baseFs) Remove(name string) error {
	p, err := b.real(name)
	if err != nil {
		return &os.PathError{Op: "remove", Path: p, Err: err}
	}
	return b.source.Remove(p)
}

func (b baseFs) OpenFile(name string, flag int, mode os.FileMode) (afero.File, error) {
	p, err := b.real(name)
	if err != nil {
		return nil, &os.PathError{Op: "openfile", Path: p, Err: err}
	}
	f, err := b.source.OpenFile(p, flag, mode)
	if err != nil {
		return nil, err
	}
	return baseFile{f, b.base}, nil
}

func (b baseFs) Open(name string) (afero.File, error) {
	p, err := b.real(name)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: p, Err: err}
	}
	f, err := b.source.Open(p)
	if err != nil {
		return nil, err
	}
	return baseFile{f, b.base}, nil
}

func (b baseFs) Mkdir(name string, mode os.FileMode) error {
	p, err := b.real(name)
	if err != nil {
		return &os.PathError{Op: "mkdir", Path: p, Err: err}
	}
	return b.source.Mkdir(p, mode)
}

func (b baseFs) MkdirAll(name string, mode os.FileMode) error {
	p, err := b.real(name)
	if err != nil {
		return &os.PathError{Op: "mkdir", Path: p, Err: err}
	}
	return b.source.MkdirAll(p, mode)
}

func (b baseFs) Create(name string) (afero.File, error) {
	p, err := b.real(name)
	if err != nil {
		return nil, &os.PathError{Op: "create", Path: p, Err: err}
	}
	f, err := b.source.Create(p)
	if err != nil {
		return nil, err
	}
	return baseFile{f, b.base}, nil
}

func (b baseFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	p, err := b.real(name)
	if err != nil {
		return nil, false, &os.PathError{Op: "lstat", Path: p, Err: err}
	}
	if l, ok := b.source.(afero.Lstater); ok {
		return l.LstatIfPossible(p)
	}
	fi, err := b.source.Stat(p)
	return fi, false, err
}

func (b baseFs) SymlinkIfPossible(oldname, newname string) error {
	o, err := b.real(oldname)
	if err != nil {
		return &os.LinkError{Op: "symlink", Old: o, New: newname, Err: err}
	}
	n, err := b.real(newname)
	if err != nil {
		return &os.LinkError{Op: "symlink", Old: o, New: n, Err: err}
	}
	if l, ok := b.source.(afero.Linker); ok {
		return l.SymlinkIfPossible(o, n)
	}
	return &os.LinkError{Op: "symlink", Old: o, New: n, Err: afero.ErrNoSymlink}
}

func (b baseFs) ReadlinkIfPossible(name string) (string, error) {
	p, err := b.real(name)
	if err != nil {
		return "", &os.PathError{Op: "readlink", Path: p, Err: err}
	}
	if r, ok := b.source.(afero.LinkReader); ok {
		return r.ReadlinkIfPossible(p)
	}
	return "", &os.PathError{Op: "readlink", Path: p, Err: afero.ErrNoReadlink}
}

// baseFile is afero.BasePathFile: its name is relative to the base.
type baseFile struct {
	afero.File
	base string
}

func (f baseFile) Name() string { return strings.TrimPrefix(f.File.Name(), f.base) }

func (f baseFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if rdf, ok := f.File.(fs.ReadDirFile); ok {
		return rdf.ReadDir(n)
	}
	// afero's readDirFile, which BasePathFile falls back to, is not
	// exported: the same through Readdir.
	infos, err := f.File.Readdir(n)
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, len(infos))
	for i, fi := range infos {
		out[i] = fs.FileInfoToDirEntry(fi)
	}
	return out, nil
}
