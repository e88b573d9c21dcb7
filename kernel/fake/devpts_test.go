package fake_test

import (
	"bytes"
	"fmt"
	"testing"

	"confine/internal/nstest"
	"confine/kernel"
	"confine/kernel/fake"
	"confine/kernel/linux"
	"confine/mountinfo"
)

// devptsCases are mount(2) data strings for a new devpts instance, the
// first the one every profile uses for its private /dev/pts.
var devptsCases = []string{
	"newinstance,ptmxmode=0666,mode=0620,gid=5",
	"",
	"ptmxmode=0600",
}

// devptsView is what a new devpts instance at dir shows: the root's and
// ptmx's lstat types and permission bits, and its super options.
func devptsView(sys kernel.Syscalls, dir, data string) (string, error) {
	if err := sys.Mount("devpts", dir, "devpts", 0, data); err != nil {
		return "", err
	}
	defer sys.Unmount(dir, 0)
	root, err := sys.Lstat(dir)
	if err != nil {
		return "", err
	}
	ptmx, err := sys.Lstat(dir + "/ptmx")
	if err != nil {
		return "", err
	}
	info, err := sys.MountInfo()
	if err != nil {
		return "", err
	}
	table, err := mountinfo.Parse(bytes.NewReader(info))
	if err != nil {
		return "", err
	}
	opts := "(no mount)"
	for _, e := range table {
		if e.Point == dir {
			opts = e.SuperOptions
		}
	}
	return fmt.Sprintf("root %v, ptmx %v, %s", root.Mode, ptmx.Mode, opts), nil
}

// TestDevptsInstance: a new devpts holds ptmx, a character device with
// ptmxmode's permissions, under a 0755 root (mode= is for the ptys).
func TestDevptsInstance(t *testing.T) {
	for _, test := range []struct{ data, want string }{
		{devptsCases[0], "root drwxr-xr-x, ptmx Dcrw-rw-rw-, rw,gid=5,mode=620,ptmxmode=666"},
		{devptsCases[1], "root drwxr-xr-x, ptmx Dc---------, rw,mode=600,ptmxmode=000"},
	} {
		p := fake.New().Init()
		if err := p.Mkdir("/pts", 0o755); err != nil {
			t.Fatal(err)
		}
		got, err := devptsView(p, "/pts", test.data)
		if err != nil || got != test.want {
			t.Errorf("devpts -o %q: got %q, %v, want %q", test.data, got, err, test.want)
		}
	}
}

// TestDevptsAgainstKernel mounts each case on the real kernel (root, in
// nstest's throwaway namespace) and on the fake, and wants the same view.
func TestDevptsAgainstKernel(t *testing.T) {
	if nstest.Reexec(t) {
		return
	}
	var real linux.Linux
	dir := t.TempDir()
	for _, data := range devptsCases {
		want, err := devptsView(&real, dir, data)
		if err != nil {
			t.Fatalf("real devpts -o %q: %v", data, err)
		}
		p := fake.New().Init()
		if err := p.Mkdir("/pts", 0o755); err != nil {
			t.Fatal(err)
		}
		got, err := devptsView(p, "/pts", data)
		if err != nil || got != want {
			t.Errorf("devpts -o %q: fake %q, %v, real %q", data, got, err, want)
		}
	}
}
