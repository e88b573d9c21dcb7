package apparmor

import "testing"

func TestGlobMatch(t *testing.T) {
	for _, test := range []struct {
		pattern, path string
		want          bool
	}{
		{"/tmp/snap.rootfs_*/", "/tmp/snap.rootfs_a1B2c3/", true},
		{"/tmp/snap.rootfs_*/", "/tmp/snap.rootfs_/", true}, // a star after other text may be empty
		{"/tmp/snap.rootfs_*/", "/tmp/snap.rootfs_a/b/", false},
		{"/tmp/snap.rootfs_*/", "/tmp/snap.rootfs_a1B2c3", false},
		{"/tmp/*", "/tmp/x", true},
		{"/tmp/*", "/tmp/", false}, // a star opening a path element is not empty
		{"/tmp/*/x", "/tmp//x", false},
		{"/tmp/*bar", "/tmp/bar", true},
		{"/tmp/**", "/tmp/a/b/c", true},
		{"/tmp/**", "/tmp/", false},
		{"/tmp/a**", "/tmp/a", true},
		{"/tmp/a**", "/tmp/a/b", true},
		{"/?", "/a", true},
		{"/?", "/", false},
		{"/a?c", "/a/c", false},
		{"/[abc]", "/b", true},
		{"/[abc]", "/d", false},
		{"/[^abc]", "/d", true},
		{"/[^abc]", "/a", false},
		{"/[a-c]x", "/bx", true},
		{"/{a,b}", "/a", true},
		{"/{a,b}", "/b", true},
		{"/{a,b}", "/c", false},
		{"/dir{,/}", "/dir", true},
		{"/dir{,/}", "/dir/", true},
		{"/{,usr/}lib{,32,64}/x", "/usr/lib64/x", true},
		{"/{,usr/}lib{,32,64}/x", "/usr/lib128/x", false},
		{"/{a,b{c,d}}", "/bd", true},
		{"/{a,b{c,d}}", "/b", false},
		{`/a\*b`, "/a*b", true},
		{`/a\*b`, "/axb", false},
		{`/a\{b\}`, "/a{b}", true},
		{"/a.b", "/a.b", true},
		{"/a.b", "/axb", false},
		{"/a+b(c)|d$^", "/a+b(c)|d$^", true},
		{"/a,b", "/a,b", true},
		{"/snap/ü/", "/snap/ü/", true},
		{"/proc/{[1-9],[1-9][0-9]*}/ns/mnt", "/proc/4242/ns/mnt", true},
		{"/proc/{[1-9],[1-9][0-9]*}/ns/mnt", "/proc/self/ns/mnt", false},
	} {
		g, err := CompileGlob(test.pattern)
		if err != nil {
			t.Errorf("CompileGlob(%q): %v", test.pattern, err)
			continue
		}
		if got := g.Match(test.path); got != test.want {
			t.Errorf("CompileGlob(%q).Match(%q) = %v, want %v", test.pattern, test.path, got, test.want)
		}
	}
}

func TestGlobErrors(t *testing.T) {
	for _, test := range []struct {
		pattern, want string
	}{
		{`/a\`, `glob "/a\\": trailing backslash`},
		{"/a[bc", `glob "/a[bc": unclosed [`},
		{"/a]", `glob "/a]": unmatched ]`},
		{"/a{b,c", `glob "/a{b,c": unclosed {`},
		{"/a}", `glob "/a}": unmatched }`},
		{"/a{b}", `glob "/a{b}": alternation needs at least two members`},
		{"/a[]", `glob "/a[]": empty character class`},
	} {
		_, err := CompileGlob(test.pattern)
		if err == nil {
			t.Errorf("CompileGlob(%q) succeeded, want error %q", test.pattern, test.want)
			continue
		}
		if err.Error() != test.want {
			t.Errorf("CompileGlob(%q) error = %q, want %q", test.pattern, err, test.want)
		}
	}
}
