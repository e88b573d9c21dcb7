package sim

import (
	"io/fs"
	"testing"

	"confine/hosts"
	"confine/profiles"
	"confine/stdlib"
)

// The directories a program creates have exactly the modes it asks for,
// as kernel/linux makes them (mkdir, then fchmod), and creating them
// leaves their parents' modes alone: the snap's private /tmp is 1777 and
// the host's /tmp stays 1777 (compared with the real kernel by
// executor/shippedtest).
func TestCreatedModes(t *testing.T) {
	h, err := hosts.Load("ubuntu-classic")
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Evaluate(Profile{FS: profiles.FS, File: "classic.star", Name: "classic"}, stdlib.FS, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(prog, h, Options{})
	if err != nil || s.Err != nil {
		t.Fatal(err, s.Err)
	}
	for _, test := range []struct {
		path string
		want fs.FileMode
	}{
		{"/tmp", fs.ModeDir | fs.ModeSticky | 0o777},
		{"/tmp/snap-private-tmp", fs.ModeDir | 0o700},
		{"/tmp/snap-private-tmp/snap.demo", fs.ModeDir | 0o700},
		{"/tmp/snap-private-tmp/snap.demo/tmp", fs.ModeDir | fs.ModeSticky | 0o777},
	} {
		st, err := s.HostProc.Lstat(test.path)
		if err != nil {
			t.Errorf("host %s: %v", test.path, err)
			continue
		}
		if st.Mode != test.want {
			t.Errorf("host %s: got %v, want %v", test.path, st.Mode, test.want)
		}
	}
	if st, err := s.SnapProc.Lstat("/tmp"); err != nil || st.Mode != fs.ModeDir|fs.ModeSticky|0o777 {
		t.Errorf("the snap's /tmp: got %v (%v), want dtrwxrwxrwx", st.Mode, err)
	}
}
