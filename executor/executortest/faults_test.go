package executortest

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"confine/kernel/fake"
)

// TestFailingCounts checks that only mutating calls count and that the
// K-th fails with EIO without reaching the kernel.
func TestFailingCounts(t *testing.T) {
	f := &Failing{Syscalls: fake.New().Init(), K: 2}
	steps := []struct {
		name string
		call func() error
		want error
		n    int
	}{
		{"mkdir /a", func() error { return f.Mkdir("/a", 0o755) }, nil, 1},
		{"lstat /a", func() error { _, err := f.Lstat("/a"); return err }, nil, 1},
		{"mkdir /b", func() error { return f.Mkdir("/b", 0o755) }, unix.EIO, 2},
		{"lstat /b", func() error { _, err := f.Lstat("/b"); return err }, unix.ENOENT, 2},
		{"rmdir /a", func() error { return f.Rmdir("/a") }, nil, 3},
	}
	for _, s := range steps {
		if err := s.call(); !errors.Is(err, s.want) || (s.want == nil) != (err == nil) {
			t.Errorf("%s: got %v, want %v", s.name, err, s.want)
		}
		if f.N != s.n {
			t.Errorf("after %s: got N = %d, want %d", s.name, f.N, s.n)
		}
	}
}
