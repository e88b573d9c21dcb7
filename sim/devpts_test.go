package sim

import (
	"io/fs"
	"testing"
)

// The snap's /dev/ptmx is the ptmx node of its own devpts instance: the
// fake kernel makes the node when devpts is mounted (as the kernel does),
// and the profile binds it over /dev/ptmx. No help from the recorder.
func TestSnapPtmx(t *testing.T) {
	for _, test := range []struct{ profile, host string }{
		{"classic", "ubuntu-classic"},
		{"merged-usr", "fedora"},
	} {
		s := simulate(t, test.profile, test.host)
		for _, name := range []string{"/dev/pts/ptmx", "/dev/ptmx"} {
			st, err := s.SnapProc.Lstat(name)
			if want := fs.ModeDevice | fs.ModeCharDevice | 0o666; err != nil || st.Mode != want {
				t.Errorf("%s on %s: Lstat(%s) = %v, %v, want %v", test.profile, test.host, name, st.Mode, err, want)
			}
		}
	}
}
