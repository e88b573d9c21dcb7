package apparmor

import (
	"testing"

	"confine/plan"
)

// FuzzCompileGlob: no pattern makes the compiler panic, and a pattern
// with no special characters matches exactly itself.
func FuzzCompileGlob(f *testing.F) {
	for _, s := range []string{"/a/*", "/{a,b}/**", "/[^x]?", `/a\*`, "/{", "/a]", "/x{,/}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		g, err := CompileGlob(pattern)
		if err != nil {
			return
		}
		lit, err := CompileGlob(Escape(pattern))
		if err != nil {
			t.Fatalf("CompileGlob(Escape(%q)): %v", pattern, err)
		}
		if !lit.Match(pattern) {
			t.Errorf("CompileGlob(Escape(%q)) does not match the text itself", pattern)
		}
		_ = g.Match(pattern)
	})
}

// FuzzRulesAllowRequests: for any op the generator accepts, whatever its
// paths hold (pattern characters, spaces, commas, placeholders), the
// rules it writes allow the calls the op makes.
func FuzzRulesAllowRequests(f *testing.F) {
	f.Add(uint8(0), "/src", "$SCRATCH/dst", true, "")
	f.Add(uint8(5), "tmpfs", "/a b/c,d", false, "ro,nodev,size=1m")
	f.Add(uint8(6), "", "/x/*[y]{z}", false, "ro")
	f.Add(uint8(12), "$SCRATCH/old", "$SCRATCH", false, "")
	f.Add(uint8(11), "text", "/lib/x", false, "")
	f.Fuzz(func(t *testing.T, kind uint8, source, target string, recursive bool, options string) {
		kinds := plan.Kinds()
		op := plan.Op{Kind: kinds[int(kind)%len(kinds)], Source: source, Target: target,
			Recursive: recursive, Options: options, FSType: "tmpfs"}
		p := &plan.Program{Ops: []plan.Op{op}}
		rules, err := Rules(p)
		if err != nil {
			return
		}
		reqs, err := Requests(p, map[string]string{plan.Scratch: "/tmp/snap.rootfs_Zz9Yy8"})
		if err != nil {
			return
		}
		m, err := NewMatcher(rules)
		if err != nil {
			t.Fatalf("%s: rules %v do not compile: %v", op, rules, err)
		}
		for _, r := range reqs {
			if !m.Allows(r.Request) {
				t.Errorf("%s: rules %v deny %s", op, rules, r.Request)
			}
		}
	})
}
