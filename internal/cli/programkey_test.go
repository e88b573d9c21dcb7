package cli

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"io/fs"
	"testing"
	"testing/fstest"

	"confine/facts"
	"confine/profiles"
	"confine/stdlib"
)

// swapSources sets ShippedProfiles and StdlibFS for one test.
func swapSources(t *testing.T, shipped, std fstest.MapFS) {
	t.Helper()
	saved, savedStd := ShippedProfiles, StdlibFS
	t.Cleanup(func() { ShippedProfiles, StdlibFS = saved, savedStd })
	ShippedProfiles, StdlibFS = shipped, std
}

// TestProgramKeySources: a shipped profile's key changes with any change
// to any shipped profile or stdlib file (content, name, a file added or
// removed, a subdirectory), even when tests swap the file systems in the
// middle of a process, and comes back when the files do.
func TestProgramKeySources(t *testing.T) {
	shipped := fstest.MapFS{"default.star": {Data: []byte("x = 1\n")}, "core.star": {Data: []byte("y = 1\n")}}
	std := fstest.MapFS{"bootstrap.star": {Data: []byte("z = 1\n")}}
	swapSources(t, shipped, std)
	f := facts.Facts{Distro: "debian", SnapName: "s"}
	key := func() string {
		t.Helper()
		k, ok := programKey("default", f)
		if !ok {
			t.Fatal("programKey: got no key")
		}
		return k
	}
	first := key()
	base := first
	for _, s := range []struct {
		name   string
		change func()
		differ bool
	}{
		{"nothing", func() {}, false},
		{"a profile's content", func() { shipped["core.star"].Data = []byte("y = 2\n") }, true},
		{"a stdlib module's content", func() { std["bootstrap.star"].Data = []byte("z = 2\n") }, true},
		{"a new profile", func() { shipped["other.star"] = &fstest.MapFile{Data: []byte("")} }, true},
		{"a file in a subdirectory", func() { std["sub/x.star"] = &fstest.MapFile{Data: []byte("w")} }, true},
		{"a profile renamed", func() {
			shipped["other2.star"] = shipped["other.star"]
			delete(shipped, "other.star")
		}, true},
		{"the content moved between two files", func() {
			shipped["core.star"].Data, shipped["default.star"].Data = []byte("y = 2\nx = 1\n"), []byte("")
		}, true},
		{"the embedded files", func() { ShippedProfiles, StdlibFS = profiles.FS, stdlib.FS }, true},
		{"the embedded files again", func() {}, false},
		{"the embedded stdlib swapped for the profiles", func() { StdlibFS = profiles.FS }, true},
		{"no stdlib", func() { StdlibFS = nil }, true},
		{"an empty stdlib", func() { StdlibFS = fstest.MapFS{} }, true},
		{"the facts", func() { f.NVIDIA.Version = "550.54" }, true},
	} {
		s.change()
		got := key()
		if (got != base) != s.differ {
			t.Errorf("after changing %s: key changed = %t, want %t", s.name, got != base, s.differ)
		}
		base = got
	}
	if first == base {
		t.Errorf("after every change: got the first key %s again", first)
	}
}

// TestOwnEmbeddedSources: the binary's own profiles and stdlib are keyed
// by the executable's identity, not hashed; the same files in any other
// file system (as a test swaps in) are hashed, so they never share a key.
func TestOwnEmbeddedSources(t *testing.T) {
	for name, fsys := range map[string]embed.FS{"profiles": profiles.FS, "stdlib": stdlib.FS} {
		own, err := sourcesDigest(fsys, false)
		if err != nil {
			t.Fatal(err)
		}
		if want := "the executable's own built-in " + name; string(own) != want {
			t.Errorf("%s: got digest %q, want %q", name, own, want)
		}
		copied := fstest.MapFS{}
		err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			copied[p] = &fstest.MapFile{Data: data}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		var buf bytes.Buffer
		if err := hashSources(h, copied, ".", false, &buf); err != nil {
			t.Fatal(err)
		}
		got, err := sourcesDigest(copied, false)
		if err != nil {
			t.Fatal(err)
		}
		if fresh := h.Sum(nil); !bytes.Equal(got, fresh) || bytes.Equal(got, own) {
			t.Errorf("%s copied: got digest %x, want %x, unlike the marker %q", name, got, fresh, own)
		}
	}
}

// TestProgramKeyFactsForms: facts given by value or by pointer key alike,
// and apart from the same data in any other form.
func TestProgramKeyFactsForms(t *testing.T) {
	f := facts.Facts{Distro: "debian", HostPaths: []string{"/home"}}
	byValue, _ := programKey("default", f)
	byPointer, _ := programKey("default", &f)
	if byValue != byPointer {
		t.Errorf("facts by value and by pointer: got keys %s and %s, want the same", byValue, byPointer)
	}
	if asMap, _ := programKey("default", map[string]any{"distro": "debian", "host_paths": []string{"/home"}}); asMap == byValue {
		t.Errorf("facts and a map of them share the key %s", asMap)
	}
	if k, ok := programKey("default", (*facts.Facts)(nil)); ok {
		t.Errorf("nil facts: got key %s, want none", k)
	}
	f.HostPaths = append(f.HostPaths, "/media")
	if grown, _ := programKey("default", f); grown == byValue {
		t.Errorf("another host path gives the same key %s", grown)
	}
}
