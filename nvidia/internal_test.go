package nvidia

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// TestMatcherAgreesWithPathMatch: the prefix index must answer exactly as
// matching every glob with path.Match would, for names built from the
// globs themselves and for near misses.
func TestMatcherAgreesWithPathMatch(t *testing.T) {
	lists := [][]string{driverGlobs, glvndGlobs, vulkanGlobs, eglVendorGlobs}
	var all []string
	for _, l := range lists {
		all = append(all, l...)
	}
	m := newMatcher(lists...)
	var names []string
	for _, g := range all {
		for _, fill := range []string{"", ".1", ".so.470.82", "_static.a", "x"} {
			names = append(names, strings.ReplaceAll(g, "*", fill))
		}
		names = append(names, strings.TrimSuffix(strings.ReplaceAll(g, "*", ""), "o"), "x"+g, strings.ToUpper(g))
	}
	names = append(names, "libc.so.6", "libGLX_mesa.so.0", "libcudart_static.a", "icd.d/intel_icd.json", "lib", "")
	for _, name := range names {
		dir, base := path.Split(name)
		dir = strings.TrimSuffix(dir, "/")
		want := false
		for _, g := range all {
			if ok, _ := path.Match(g, name); ok {
				want = true
			}
		}
		if got := m.match(dir, base); got != want {
			t.Errorf("match(%q, %q) = %v, want %v", dir, base, got, want)
		}
	}
}

// TestResolveInStaysInRoot: symlinks in a fixture, absolute or climbing
// with "..", resolve inside the root, never on the machine running the
// test.
func TestResolveInStaysInRoot(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"usr/lib/real", "opt"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"usr/lib64":    "/usr/lib",
		"usr/lib/up":   "../../../../../../../usr/lib/real",
		"opt/loop":     "loop",
		"opt/dangling": "/nonexistent",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, test := range []struct {
		in, want string
		ok       bool
	}{
		{"/usr/lib64/real", "/usr/lib/real", true},
		{"/usr/lib/up", "/usr/lib/real", true},
		{"/usr/lib64/../lib64/up", "/usr/lib/real", true},
		{"/../../usr/lib/real", "/usr/lib/real", true},
		{"/opt/loop", "", false},
		{"/opt/dangling", "", false},
	} {
		got, err := resolveIn(root, test.in)
		switch {
		case !test.ok && err == nil:
			t.Errorf("resolveIn(%q) = %q, want an error", test.in, got)
		case test.ok && err != nil:
			t.Errorf("resolveIn(%q) failed: %v", test.in, err)
		case test.ok && got != filepath.Join(root, test.want):
			t.Errorf("resolveIn(%q) = %q, want %q", test.in, got, filepath.Join(root, test.want))
		}
	}
	if !realDir(root, "/usr/lib") || realDir(root, "/usr/lib64") || !isDirIn(root, "/usr/lib64") {
		t.Errorf("realDir/isDirIn do not tell /usr/lib64 -> /usr/lib from a real directory")
	}
}

func TestLoaderDirs(t *testing.T) {
	root := t.TempDir()
	for name, text := range map[string]string{
		"etc/ld.so.conf":             "# comment\ninclude ld.so.conf.d/*.conf\n/opt/first\ninclude /etc/extra.conf /etc/missing.conf\nhwcap 1 nosegneg\n",
		"etc/ld.so.conf.d/b.conf":    "/usr/local/nvidia/lib64   # the driver\n\n",
		"etc/ld.so.conf.d/a.conf":    "/usr/local/cuda/lib64\n/usr/lib/libc5=libc5\nrelative/dir\n",
		"etc/ld.so.conf.d/c.notconf": "/never\n",
		"etc/extra.conf":             "/opt/extra/\n",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := strings.Join(loaderDirs(root), " ")
	want := "/usr/local/cuda/lib64 /usr/lib/libc5 /usr/local/nvidia/lib64 /opt/first /opt/extra"
	if got != want {
		t.Errorf("loaderDirs = %q, want %q", got, want)
	}
	if got := loaderDirs(t.TempDir()); len(got) != 0 {
		t.Errorf("loaderDirs without ld.so.conf = %q, want none", got)
	}
}
