package facts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readEntriesOS is what readEntries replaced: os.ReadDir and os.Readlink.
// readEntries must list exactly what it lists.
func readEntriesOS(dir string) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(des))
	for _, de := range des {
		e := Entry{Name: de.Name(), Type: "other"}
		switch t := de.Type(); {
		case t.IsDir():
			e.Type = "dir"
		case t.IsRegular():
			e.Type = "file"
		case t&fs.ModeSymlink != 0:
			e.Type = "symlink"
			if e.Target, err = os.Readlink(filepath.Join(dir, de.Name())); err != nil {
				return nil, err
			}
		}
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries, nil
}

// oddTree makes a directory holding every kind of entry readEntries
// meets: more names than one getdents buffer holds, symlinks whose text
// is longer than readlinkAt's first buffer, a fifo, names with spaces and
// newlines, dangling and absolute links.
func oddTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	long := strings.Repeat("long/", 200) + "end"
	for i := range 300 {
		name := filepath.Join(dir, fmt.Sprintf("entry-%03d-with-a-longish-name", i))
		var err error
		switch i % 4 {
		case 0:
			err = os.Mkdir(name, 0o755)
		case 1:
			err = os.WriteFile(name, nil, 0o644)
		case 2:
			err = os.Symlink(fmt.Sprintf("target-%d", i), name)
		case 3:
			err = os.Symlink(long, name)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range map[string]string{"dangling": "/nonexistent", "abs": "/usr/lib", "two words": "a b", "new\nline": "x\ny"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReadEntriesMatchesOS(t *testing.T) {
	for _, dir := range []string{oddTree(t), t.TempDir(), "/", "/proc/self"} {
		want, err := readEntriesOS(dir)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readEntries(dir)
		if err != nil {
			t.Fatalf("readEntries(%s): %v", dir, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("readEntries(%s) differs from os.ReadDir (-want +got):\n%s", dir, diff)
		}
	}
}

func TestReadEntriesErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct {
		dir  string
		want error
	}{
		{filepath.Join(t.TempDir(), "missing"), fs.ErrNotExist},
		{file, syscall.ENOTDIR},
	} {
		_, err := readEntries(test.dir)
		if !errors.Is(err, test.want) || !strings.HasPrefix(err.Error(), "facts: open "+test.dir) {
			t.Errorf("readEntries(%s): got %v, want facts: open %s: %v", test.dir, err, test.dir, test.want)
		}
	}
}

// TestExistsIn: a top-level path answered from the root's entries exists
// exactly when stat(2) says it does, for each kind of entry, on the live
// root and under another root.
func TestExistsIn(t *testing.T) {
	root := host(t, "d /dir", "f /file x", "l /dirlink dir", "l /dangling nothing", "l /loop loop",
		"l /abs /dir", "l /escape /../../../../../../../../etc", "d /etc/alternatives")
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	entries, err := readEntries(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/dir", "/file", "/dirlink", "/dangling", "/loop", "/abs", "/escape", "/fifo",
		"/missing", "/etc/alternatives", "/etc/missing", "dir", "/dir/", "/"} {
		_, err := os.Stat(hostRoot(root).path(p))
		want := err == nil
		if got := hostRoot(root).existsIn(entries, p); got != want {
			t.Errorf("existsIn(%s) under a root: got %t, want %t", p, got, want)
		}
		if got := hostRoot(root).exists(p); got != want {
			t.Errorf("exists(%s) under a root: got %t, want %t", p, got, want)
		}
	}
	live, err := readEntries("/")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append([]string{"/", "/proc", "/nonexistent-facts-test"}, WatchedPaths...) {
		_, err := os.Stat(p)
		if got, want := hostRoot("/").existsIn(live, p), err == nil; got != want {
			t.Errorf("existsIn(%s) on /: got %t, want %t", p, got, want)
		}
	}
}

// TestReadFileLimit: readFile reads files larger than its first buffer
// whole, stops at the limit, and refuses a final symlink under another
// root that resolution could not get rid of.
func TestReadFileLimit(t *testing.T) {
	big := strings.Repeat("0123456789", 1000)
	root := host(t, "f /big "+big, "f /small x", "l /loop loop")
	for _, test := range []struct {
		path  string
		limit int
		want  string
	}{
		{"/big", maxOSRelease, big},
		{"/big", 4000, big[:4000]},
		{"/big", 1024, big[:1024]},
		{"/small", maxOSRelease, "x"},
	} {
		got, err := hostRoot(root).readFile(test.path, test.limit)
		if err != nil || string(got) != test.want {
			t.Errorf("readFile(%s, %d): got %d bytes, %v, want %d bytes", test.path, test.limit, len(got), err, len(test.want))
		}
	}
	if _, err := hostRoot(root).readFile("/loop", maxOSRelease); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("readFile(/loop): got %v, want ELOOP", err)
	}
	if _, err := hostRoot(root).readFile("/missing", maxOSRelease); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readFile(/missing): got %v, want not exist", err)
	}
}

func TestAbsClean(t *testing.T) {
	for _, p := range []string{"", "/", "//", "/etc/ssl", "etc/ssl", "/etc/../ssl/", "./x", "/a//b", ".."} {
		if got, want := absClean(p), path.Clean("/"+p); got != want {
			t.Errorf("absClean(%q): got %q, want %q", p, got, want)
		}
	}
}
