package launch

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"confine/plan"
)

func cacheProgram() *plan.Program {
	return &plan.Program{
		Profile: "default",
		Facts:   []string{"classic=True"},
		Ops: []plan.Op{
			{Kind: plan.Bind, Source: "/", Target: "$SCRATCH", Recursive: true, Pos: plan.Pos{File: "default.star", Line: 3, Col: 1}},
			{Kind: plan.Mkdir, Target: "$SCRATCH/tmp", Mode: 0o1777, Optional: true, Pos: plan.Pos{File: "b.star", Line: 9, Col: 5},
				Stack: []plan.Pos{{File: "default.star", Line: 4, Col: 1}, {File: "b.star", Line: 9, Col: 5}}},
		},
	}
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the program cache is root's: run as root")
	}
}

func TestCacheKeySeparatesParts(t *testing.T) {
	tests := []struct{ a, b [][]byte }{
		{[][]byte{[]byte("ab"), []byte("c")}, [][]byte{[]byte("a"), []byte("bc")}},
		{[][]byte{[]byte("profile"), []byte("classic=True")}, [][]byte{[]byte("profile"), []byte("classic=False")}},
		{[][]byte{[]byte("x")}, [][]byte{[]byte("x"), nil}},
	}
	for _, tt := range tests {
		if got, other := CacheKey(tt.a...), CacheKey(tt.b...); got == other {
			t.Errorf("CacheKey(%q) = CacheKey(%q) = %s, want them to differ", tt.a, tt.b, got)
		}
	}
	if got, want := CacheKey([]byte("a")), CacheKey([]byte("a")); got != want {
		t.Errorf("CacheKey is not deterministic: got %s, want %s", got, want)
	}
}

func TestCacheHitAndMiss(t *testing.T) {
	needRoot(t)
	state := t.TempDir()
	key := CacheKey([]byte("default.star source"), []byte("classic=True"))
	if _, ok := LoadProgram(state, key); ok {
		t.Fatalf("LoadProgram before any store: got a hit, want a miss")
	}
	want := cacheProgram()
	if err := StoreProgram(state, key, want); err != nil {
		t.Fatal(err)
	}
	got, ok := LoadProgram(state, key)
	if !ok {
		t.Fatalf("LoadProgram after StoreProgram: got a miss, want a hit")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cached program differs (-want +got):\n%s", diff)
	}
	other := CacheKey([]byte("default.star source"), []byte("classic=False"))
	if _, ok := LoadProgram(state, other); ok {
		t.Errorf("LoadProgram with another key: got a hit, want a miss")
	}
	if _, ok := LoadProgram(state, "../../etc/passwd"); ok {
		t.Errorf("LoadProgram with a path as key: got a hit, want a miss")
	}
	// Storing again replaces the entry in place.
	if err := StoreProgram(state, key, want); err != nil {
		t.Errorf("second StoreProgram: %v", err)
	}
	st, err := os.Stat(filepath.Join(state, "cache"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Mode().Perm(), os.FileMode(0o700); got != want {
		t.Errorf("cache directory mode: got %v, want %v", got, want)
	}
	entries, _ := os.ReadDir(filepath.Join(state, "cache"))
	if got, want := len(entries), 1; got != want {
		t.Errorf("cache entries: got %d, want %d (no temporary files left)", got, want)
	}
}

// TestCacheIgnoresHostileEntries: an entry someone other than root could
// have written, or one reached through a symlink, is a miss.
func TestCacheIgnoresHostileEntries(t *testing.T) {
	needRoot(t)
	key := CacheKey([]byte("hostile"))
	tests := []struct {
		name  string
		spoil func(t *testing.T, state, entry string)
	}{
		{"entry owned by a user", func(t *testing.T, state, entry string) {
			must(t, os.Chown(entry, 1000, 1000))
		}},
		{"entry writable by others", func(t *testing.T, state, entry string) {
			must(t, os.Chmod(entry, 0o666))
		}},
		{"entry is a symlink", func(t *testing.T, state, entry string) {
			real := filepath.Join(state, "elsewhere")
			must(t, os.Rename(entry, real))
			must(t, os.Symlink(real, entry))
		}},
		{"entry is a fifo", func(t *testing.T, state, entry string) {
			must(t, os.Remove(entry))
			must(t, unix.Mkfifo(entry, 0o600))
		}},
		{"cache directory owned by a user", func(t *testing.T, state, entry string) {
			must(t, os.Chown(filepath.Join(state, "cache"), 1000, 1000))
		}},
		{"cache directory writable by others", func(t *testing.T, state, entry string) {
			must(t, os.Chmod(filepath.Join(state, "cache"), 0o777))
		}},
		{"cache directory is a symlink", func(t *testing.T, state, entry string) {
			dir := filepath.Join(state, "cache")
			must(t, os.Rename(dir, filepath.Join(state, "real-cache")))
			must(t, os.Symlink("real-cache", dir))
		}},
		{"state directory writable by others", func(t *testing.T, state, entry string) {
			must(t, os.Chmod(state, 0o777))
		}},
		{"state directory owned by a user", func(t *testing.T, state, entry string) {
			must(t, os.Chown(state, 1000, 1000))
		}},
		{"entry is not a program", func(t *testing.T, state, entry string) {
			must(t, os.WriteFile(entry, []byte(cacheMagic+"\x00\x00\x01\x07explode"), 0o600))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := t.TempDir()
			if err := StoreProgram(state, key, cacheProgram()); err != nil {
				t.Fatal(err)
			}
			tt.spoil(t, state, filepath.Join(state, "cache", key))
			if prog, ok := LoadProgram(state, key); ok {
				t.Errorf("LoadProgram: got a hit (%d ops), want a miss", len(prog.Ops))
			}
		})
	}
}

func TestStoreRefusesHostileDirectory(t *testing.T) {
	needRoot(t)
	state := t.TempDir()
	must(t, os.Mkdir(filepath.Join(state, "cache"), 0o700))
	must(t, os.Chown(filepath.Join(state, "cache"), 1000, 1000))
	if err := StoreProgram(state, CacheKey([]byte("k")), cacheProgram()); err == nil {
		t.Errorf("StoreProgram into a user's directory: got nil error, want a refusal")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestCacheCodec: entries round-trip, and every truncation or corruption
// of one is an error, never a panic or a different program.
func TestCacheCodec(t *testing.T) {
	progs := []*plan.Program{
		{},
		cacheProgram(),
		{Profile: "all", Ops: []plan.Op{
			{Kind: plan.Umount, Target: "/a", Lazy: true, NoFollow: true},
			{Kind: plan.Mount, Source: "tmpfs", Target: "/t", FSType: "tmpfs", Options: "mode=0755,size=1%"},
			{Kind: plan.Symlink, Source: "usr/lib", Target: "/lib"},
			{Kind: plan.Pivot, Source: "$SCRATCH/old", Target: "$SCRATCH"},
		}},
	}
	for _, want := range progs {
		data := encodeProgram(want)
		got, err := decodeProgram(data)
		if err != nil {
			t.Fatalf("decodeProgram(encodeProgram(%s)): %v", want.Profile, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round trip of %q (-want +got):\n%s", want.Profile, diff)
		}
		for n := 0; n < len(data); n++ {
			if p, err := decodeProgram(data[:n]); err == nil {
				t.Errorf("decodeProgram of %d of %d bytes: got %d ops, want an error", n, len(data), len(p.Ops))
			}
		}
		if _, err := decodeProgram(append(data, 0)); err == nil {
			t.Errorf("decodeProgram with a trailing byte: got nil error, want one")
		}
		for i := len(cacheMagic); i < len(data); i++ {
			bad := append([]byte(nil), data...)
			bad[i] = 0xff
			decodeProgram(bad) // must not panic
		}
	}
}

// BenchmarkCacheDecode decodes a cached 3,000-op program, what a launch
// with a cache hit does instead of evaluating the profile.
func BenchmarkCacheDecode(b *testing.B) {
	prog := &plan.Program{Profile: "scale"}
	for i := 0; i < 1000; i++ {
		d := "/tmp/b" + strconv.Itoa(i)
		at := []plan.Pos{{File: "scale.star", Line: 40, Col: 1}, {File: "scale.star", Line: 36, Col: 9}}
		prog.Ops = append(prog.Ops,
			plan.Op{Kind: plan.Mkdir, Target: d, Mode: 0o755, Pos: at[1], Stack: at},
			plan.Op{Kind: plan.Bind, Source: "/usr", Target: d, Pos: at[1], Stack: at},
			plan.Op{Kind: plan.Remount, Target: d, Options: "ro", Pos: at[1], Stack: at})
	}
	data := encodeProgram(prog)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := decodeProgram(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCachePrunesOldest: the cache keeps at most maxCacheEntries entries,
// dropping the least recently written, and never the one just stored.
func TestCachePrunesOldest(t *testing.T) {
	needRoot(t)
	state := t.TempDir()
	prog := cacheProgram()
	var keys []string
	base := time.Now().Add(-time.Hour)
	for i := 0; i < maxCacheEntries+5; i++ {
		key := CacheKey([]byte("entry"), []byte(strconv.Itoa(i)))
		keys = append(keys, key)
		if err := StoreProgram(state, key, prog); err != nil {
			t.Fatal(err)
		}
		// Distinct, increasing write times, so "oldest" is well defined.
		when := base.Add(time.Duration(i) * time.Second)
		if err := os.Chtimes(filepath.Join(state, "cache", key), when, when); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(state, "cache"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(entries), maxCacheEntries; got != want {
		t.Errorf("cache entries after %d stores: got %d, want %d", len(keys), got, want)
	}
	for i, key := range keys {
		_, ok := LoadProgram(state, key)
		if want := i >= len(keys)-maxCacheEntries; ok != want {
			t.Errorf("entry %d of %d: present = %v, want %v", i, len(keys), ok, want)
		}
	}
}
