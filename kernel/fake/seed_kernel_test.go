package fake_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/sys/unix"

	"confine/internal/nstest"
	"confine/kernel"
	"confine/kernel/fake"
	"confine/kernel/linux"
	"confine/mountinfo"
)

// TestSeedSeveralRootsAgainstKernel builds, on the real kernel (root, in
// nstest's throwaway namespace), one tmpfs shown by two mounts whose roots
// do not nest (/a at p, /b at q, the tmpfs's own mount gone), the shape
// of btrfs subvolumes. It seeds the fake from the real table with each
// mount's files read at its mount point, then runs the same calls on both
// and wants the same results and the same mountinfo below the scratch
// directory, super options included.
func TestSeedSeveralRootsAgainstKernel(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	var real linux.Linux
	base := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(real.Mount("scratch", base, "tmpfs", 0, ""))
	defer real.Unmount(base, unix.MNT_DETACH)
	must(real.Mount("", base, "", unix.MS_PRIVATE, ""))
	for _, d := range []string{"src", "p", "q"} {
		must(real.Mkdir(base+"/"+d, 0o755))
	}
	must(real.Mount("pieces", base+"/src", "tmpfs", 0, "size=1m,mode=0750"))
	for _, d := range []string{"a", "a/x", "b", "b/y"} {
		must(real.Mkdir(base+"/src/"+d, 0o755))
	}
	must(os.WriteFile(base+"/src/a/f", nil, 0o644))
	must(real.Mount(base+"/src/a", base+"/p", "", unix.MS_BIND, ""))
	must(real.Mount(base+"/src/b", base+"/q", "", unix.MS_BIND, ""))
	must(real.Unmount(base+"/src", 0))

	text, err := real.MountInfo()
	must(err)
	table, err := mountinfo.Parse(bytes.NewReader(text))
	must(err)
	var pieces [2]int
	for _, e := range table {
		if e.Source == "pieces" {
			pieces = [2]int{e.Major, e.Minor}
		}
	}
	var asked []string
	files := func(e mountinfo.Entry) afero.Fs {
		if [2]int{e.Major, e.Minor} != pieces {
			return nil
		}
		asked = append(asked, e.Root)
		// Reads come from the real tree, the fake's writes stay in memory.
		return afero.NewCopyOnWriteFs(afero.NewReadOnlyFs(afero.NewBasePathFs(afero.NewOsFs(), e.Point)), afero.NewMemMapFs())
	}
	k, err := fake.FromMountinfo(table, fake.WithFiles(files))
	must(err)
	if got := strings.Join(asked, " "); got != "/a /b" {
		t.Errorf("WithFiles was asked for roots %q, want \"/a /b\"", got)
	}
	p := k.Init()

	steps := []struct {
		name string
		call func(sys kernel.Syscalls) (string, error)
	}{
		{"lstat p/x", lstatCall(base + "/p/x")},
		{"lstat p/f", lstatCall(base + "/p/f")},
		{"lstat q/y", lstatCall(base + "/q/y")},
		{"lstat q/x", lstatCall(base + "/q/x")},
		{"mkdir q/y/new", func(sys kernel.Syscalls) (string, error) { return "", sys.Mkdir(base+"/q/y/new", 0o755) }},
		{"mkdir p/x/m", func(sys kernel.Syscalls) (string, error) { return "", sys.Mkdir(base+"/p/x/m", 0o755) }},
		{"bind q/y p/x/m", func(sys kernel.Syscalls) (string, error) {
			return "", sys.Mount(base+"/q/y", base+"/p/x/m", "", unix.MS_BIND, "")
		}},
		{"lstat p/x/m/new", lstatCall(base + "/p/x/m/new")},
	}
	for _, s := range steps {
		// The fake first: it reads the real tree, so the real call's
		// changes would show through.
		gotF, errF := s.call(p)
		gotR, errR := s.call(&real)
		if errnoOf(errR) != errnoOf(errF) || gotR != gotF {
			t.Errorf("%s: real %q, %v; fake %q, %v", s.name, gotR, errR, gotF, errF)
		}
	}
	text, err = real.MountInfo()
	must(err)
	want, err := mountinfo.NormalizeText(string(text), mountinfo.Options{Under: base})
	must(err)
	fakeText, err := p.MountInfo()
	must(err)
	got, err := mountinfo.NormalizeText(string(fakeText), mountinfo.Options{Under: base})
	must(err)
	if got != want {
		t.Errorf("mountinfo below the scratch directory:\nfake:\n%s\nreal:\n%s", got, want)
	}
}

func lstatCall(name string) func(kernel.Syscalls) (string, error) {
	return func(sys kernel.Syscalls) (string, error) {
		st, err := sys.Lstat(name)
		if err != nil {
			return "", err
		}
		return fmt.Sprint(st.Mode), nil
	}
}
