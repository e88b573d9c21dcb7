package kerneltest_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"confine/kernel/fake"
	"confine/kernel/kerneltest"
)

// TestFakeConformance runs the suite on the fake kernel, always.
func TestFakeConformance(t *testing.T) {
	kerneltest.Run(t, newFakeEnv)
}

// newFakeEnv gives a fresh fake kernel with the scratch tmpfs at
// /tmp/scratch, private, as on the real side.
func newFakeEnv(t *testing.T) kerneltest.Env {
	p := fake.New().Init()
	const root = "/tmp/scratch"
	for _, d := range []string{"/tmp", root} {
		if err := p.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Mount("scratch", root, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := p.Mount("none", root, "", unix.MS_PRIVATE, ""); err != nil {
		t.Fatal(err)
	}
	return kerneltest.Env{Proc: fakeProc{p}, Root: root}
}

// fakeProc adapts *fake.Proc, whose Unshare returns the concrete type.
// CreateFile comes with the embedded *fake.Proc.
type fakeProc struct{ *fake.Proc }

func (p fakeProc) Unshare() (kerneltest.Proc, error) {
	q, err := p.Proc.Unshare()
	if err != nil {
		return nil, err
	}
	return fakeProc{q}, nil
}
