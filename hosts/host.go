package hosts

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/spf13/afero"

	"confine/facts"
	"confine/mountinfo"
)

//go:embed fixtures
var fixtureFS embed.FS

// Live is the name of the host that is this machine.
const Live = "live"

// Host is a machine to simulate on: its mount table and its file tree.
type Host struct {
	// Name is the fixture's name, "live", or the path of a captured
	// mountinfo file.
	Name string
	// Mounts is the host's mount table in the kernel's order, as its
	// /proc/self/mountinfo shows it.
	Mounts []mountinfo.Entry
	// Files is the host's file tree as seen from its "/", every mount
	// together (the fake kernel splits it among the mounts when it seeds
	// them). It implements afero.Symlinker: LstatIfPossible and
	// ReadlinkIfPossible report symlinks.
	Files afero.Fs
	// live means Files is this machine's tree and facts are gathered
	// from "/" directly.
	live bool
}

// Fixtures lists the shipped fixtures' names, sorted.
func Fixtures() []string {
	des, _ := fixtureFS.ReadDir("fixtures")
	var names []string
	for _, de := range des {
		if name, ok := strings.CutSuffix(de.Name(), ".mountinfo"); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Names lists every name Load accepts besides a file path: the fixtures
// and "live".
func Names() []string { return append(Fixtures(), Live) }

// Load returns the host called name: a shipped fixture, "live" (this
// machine, read-only), or the path of a captured mountinfo file (with
// this machine's file tree underneath). An unknown name is an error that
// lists the valid ones.
func Load(name string) (*Host, error) {
	switch {
	case name == "":
		return nil, fmt.Errorf("host: empty name (want %s, or a mountinfo file)", strings.Join(Names(), ", "))
	case name == Live:
		return loadLive()
	case isFixture(name):
		return loadFixture(name)
	}
	if _, err := os.Stat(name); err == nil || strings.ContainsRune(name, '/') {
		return LoadFile(name)
	}
	return nil, fmt.Errorf("host: unknown host %q (want %s, or a mountinfo file)", name, strings.Join(Names(), ", "))
}

func isFixture(name string) bool {
	for _, f := range Fixtures() {
		if f == name {
			return true
		}
	}
	return false
}

// loadFixture reads fixtures/NAME.mountinfo and builds fixtures/NAME.tree.
func loadFixture(name string) (*Host, error) {
	data, err := fixtureFS.ReadFile("fixtures/" + name + ".mountinfo")
	if err != nil {
		return nil, fmt.Errorf("host %s: %w", name, err)
	}
	mounts, err := mountinfo.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("host %s: %s.mountinfo: %w", name, name, err)
	}
	tree := NewLinkFs()
	read := func(spec string) ([]byte, error) {
		if strings.Contains(spec, "/") {
			return nil, fmt.Errorf("%s: a spec names a file of fixtures/", spec)
		}
		return fixtureFS.ReadFile("fixtures/" + spec)
	}
	if err := buildTree(tree, read, name+".tree", "/", 0); err != nil {
		return nil, fmt.Errorf("host %s: %w", name, err)
	}
	for _, m := range mounts {
		if fi, err := tree.Stat(m.Point); err != nil || !fi.IsDir() {
			if err == nil || m.FSType != "nsfs" {
				return nil, fmt.Errorf("host %s: mount point %s is not a directory of %s.tree", name, m.Point, name)
			}
		}
	}
	return &Host{Name: name, Mounts: mounts, Files: tree}, nil
}

// liveTree is this machine's file tree under a copy-on-write layer: reads
// come from the real files, every change lands in memory and is thrown
// away with the Host. The real file system is behind a ReadOnlyFs, so even
// a bug in the layer cannot write through.
func liveTree() afero.Fs {
	return afero.NewCopyOnWriteFs(afero.NewReadOnlyFs(afero.NewOsFs()), afero.NewMemMapFs())
}

// loadLive reads this process's mount table.
func loadLive() (*Host, error) {
	h, err := loadMountinfo("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	h.Name = Live
	return h, nil
}

// LoadFile reads a captured mountinfo from file; the file tree is this
// machine's, read-only. An unreadable or malformed file is an error
// (naming the line for a malformed one).
func LoadFile(file string) (*Host, error) {
	return loadMountinfo(file)
}

func loadMountinfo(file string) (*Host, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("host: %w", err)
	}
	defer f.Close()
	mounts, err := mountinfo.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("host: %s: %w", file, err)
	}
	if len(mounts) == 0 {
		return nil, fmt.Errorf("host: %s: no mounts", file)
	}
	return &Host{Name: file, Mounts: mounts, Files: liveTree(), live: true}, nil
}

// Facts gathers the facts a profile sees on this host, from the host's
// own tree (facts.Gather). For a fixture the tree is copied to a
// temporary directory for the duration of the call, so that the facts
// package reads it exactly as it reads a real root.
func (h *Host) Facts() (facts.Facts, error) {
	if h.live {
		return facts.Gather("/")
	}
	dir, err := os.MkdirTemp("", "confine-host-")
	if err != nil {
		return facts.Facts{}, fmt.Errorf("host %s: %w", h.Name, err)
	}
	defer os.RemoveAll(dir)
	if err := Materialize(h.Files, dir); err != nil {
		return facts.Facts{}, fmt.Errorf("host %s: %w", h.Name, err)
	}
	return facts.Gather(dir)
}

// Live reports whether the host's files are this machine's (the live
// host and captured mountinfo files), read through a copy-on-write layer.
func (h *Host) Live() bool { return h.live }

// MountInfo renders the host's table as the kernel writes it.
func (h *Host) MountInfo() string { return mountinfo.Format(h.Mounts) }

// Materialize copies tree (directories, regular files and symlinks) into
// the directory dir on the real file system.
func Materialize(tree afero.Fs, dir string) error {
	return afero.Walk(tree, "/", func(p string, fi fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		dst := path.Join(dir, p)
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := tree.(afero.LinkReader).ReadlinkIfPossible(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		case fi.IsDir():
			if p == "/" {
				return nil
			}
			return os.Mkdir(dst, fi.Mode().Perm()|0o700)
		case fi.Mode().IsRegular():
			data, err := afero.ReadFile(tree, p)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		}
		return errors.New(p + ": not a directory, file or symlink")
	})
}
