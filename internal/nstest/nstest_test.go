package nstest

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestRunPattern(t *testing.T) {
	for _, test := range []struct{ in, want string }{
		{"TestA", "^TestA$"},
		{"TestA/sub_1", "^TestA$/^sub_1$"},
		{"TestA/x.y", `^TestA$/^x\.y$`},
	} {
		if got := runPattern(test.in); got != test.want {
			t.Errorf("runPattern(%q) = %q, want %q", test.in, got, test.want)
		}
	}
}

// TestReexecIsolates mounts a tmpfs inside the throwaway namespace; Reexec
// itself checks, outside, that the host's table did not change.
func TestReexecIsolates(t *testing.T) {
	if Reexec(t) {
		return
	}
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, ""); err != nil {
		t.Fatalf("mount tmpfs: %v", err)
	}
	if err := os.WriteFile(dir+"/canary", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	mounts, err := HostMounts()
	if err != nil {
		t.Fatal(err)
	}
	if !containsField(mounts, dir) {
		t.Errorf("tmpfs at %s not in this namespace's mountinfo", dir)
	}
	if err := unix.Unmount(dir, 0); err != nil {
		t.Fatal(err)
	}
}

func containsField(mountinfo, path string) bool {
	for _, line := range strings.Split(strings.TrimSpace(mountinfo), "\n") {
		if fields := strings.Fields(line); len(fields) > 4 && fields[4] == path {
			return true
		}
	}
	return false
}
