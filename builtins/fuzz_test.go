package builtins

import (
	"path"
	"strings"
	"testing"
)

// FuzzCheckPath checks the path rule both ways: what checkPath accepts is
// non-empty, clean, free of whitespace and ".." and absolute or under
// $SCRATCH; and it never panics.
func FuzzCheckPath(f *testing.F) {
	for _, seed := range []string{"/", "/a/b", "$SCRATCH", "$SCRATCH/dev", "$SCRATCH/", "a", "/a/..", "//a", "/a/", "$X/a", "/a b", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if err := checkPath("p", p); err != nil {
			return
		}
		rest, scratch := strings.CutPrefix(p, "$SCRATCH")
		if scratch && rest == "" {
			return
		}
		if !strings.HasPrefix(rest, "/") || path.Clean(rest) != rest || strings.Contains(rest, "..") && strings.Contains("/"+rest+"/", "/../") {
			t.Fatalf("checkPath accepted %q", p)
		}
		if (len(rest) > 1 && strings.HasSuffix(rest, "/")) || strings.ContainsAny(p, " \t\n\x00") {
			t.Fatalf("checkPath accepted %q", p)
		}
	})
}

// FuzzCheckOptions checks that option validation never panics and that
// accepted option strings have no empty or whitespace-holding options.
func FuzzCheckOptions(f *testing.F) {
	for _, seed := range []string{"ro", "mode=1777,size=10%", "newinstance,ptmxmode=0666", "bogus", "ro,,rw", "size=", "lowerdir=/a"} {
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, options string, flagsOnly bool) {
		if err := checkOptions("options", options, flagsOnly); err != nil {
			return
		}
		if strings.ContainsAny(options, " \t\n") || strings.Contains(","+options+",", ",,") && options != "" {
			t.Fatalf("checkOptions accepted %q", options)
		}
	})
}
