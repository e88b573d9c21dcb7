package sim

import (
	"testing"

	"github.com/spf13/afero"
)

// TestBaseFsRealPath checks that baseFs maps every name as
// afero.BasePathFs does, on the fast route and off it.
func TestBaseFsRealPath(t *testing.T) {
	names := []string{"/", "/a", "/a/b", "a", "a/b", ".", "..", "/..", "/a/..", "/a/../..", "//a", "/a/", "/a/./b", "", "../x"}
	for _, base := range []string{"/", "/srv", "/srv/", "/srv/a/..", "/s p"} {
		want := afero.NewBasePathFs(afero.NewMemMapFs(), base).(*afero.BasePathFs)
		got := newBaseFs(afero.NewMemMapFs(), base).(baseFs)
		for _, name := range names {
			wp, werr := want.RealPath(name)
			gp, gerr := got.real(name)
			if gp != wp || (gerr == nil) != (werr == nil) {
				t.Errorf("base %q, name %q: got %q, %v, want %q, %v", base, name, gp, gerr, wp, werr)
			}
		}
	}
}

// TestBaseFsFiles checks names and listings of files opened through
// baseFs against afero.BasePathFs over the same tree.
func TestBaseFsFiles(t *testing.T) {
	tree := afero.NewMemMapFs()
	tree.MkdirAll("/srv/d/e", 0o755)
	afero.WriteFile(tree, "/srv/d/f", []byte("x"), 0o644)
	want := afero.NewBasePathFs(tree, "/srv")
	got := newBaseFs(tree, "/srv")
	for _, name := range []string{"/d", "/d/f", "/nope"} {
		wf, werr := want.Open(name)
		gf, gerr := got.Open(name)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("open %q: got error %v, want %v", name, gerr, werr)
		}
		if werr != nil {
			continue
		}
		if gf.Name() != wf.Name() {
			t.Errorf("open %q: got name %q, want %q", name, gf.Name(), wf.Name())
		}
		wn, _ := wf.Readdirnames(-1)
		gn, _ := gf.Readdirnames(-1)
		if len(gn) != len(wn) {
			t.Errorf("open %q: got entries %q, want %q", name, gn, wn)
		}
	}
}
