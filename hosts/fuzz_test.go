package hosts

import "testing"

// FuzzTreeSpec: no tree spec, however malformed, panics the builder.
func FuzzTreeSpec(f *testing.F) {
	for _, name := range []string{"ubuntu-classic.tree", "snap-core.tree", "arch.tree"} {
		data, err := fixtureFS.ReadFile("fixtures/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("dir:7777 /a\nlink /a/b ../..\ninclude x /y\n-- a/b/c --\nx")
	f.Fuzz(func(t *testing.T, spec string) {
		read := func(name string) ([]byte, error) {
			if name == "self" {
				return []byte(spec), nil
			}
			return fixtureFS.ReadFile("fixtures/" + name)
		}
		buildTree(NewLinkFs(), read, "self", "/", 0)
	})
}
