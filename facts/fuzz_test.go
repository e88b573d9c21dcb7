package facts

import (
	"strings"
	"testing"
)

// FuzzSet checks that --fact never panics, and that a value it accepts
// for a string fact is listed back unchanged.
func FuzzSet(f *testing.F) {
	for _, seed := range []string{"classic=false", "nvidia.version=550", "host_paths=/a,/b", "base_entries=x",
		"bogus=1", "=", "", "classic", "distro=a b", "snap_name=\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, kv string) {
		var facts Facts
		if err := facts.SetPair(kv); err != nil {
			if err.Error() == "" || strings.HasSuffix(err.Error(), ".") {
				t.Fatalf("bad error text %q", err)
			}
			return
		}
		key, value, _ := strings.Cut(kv, "=")
		if key == "distro" && facts.Distro != value {
			t.Fatalf("distro = %q, want %q", facts.Distro, value)
		}
		for _, line := range facts.List() {
			if strings.ContainsAny(line, "\n\r") {
				t.Fatalf("List() line %q spans lines", line)
			}
		}
	})
}

// FuzzParseOSRelease checks that os-release parsing never panics and
// always yields an ID.
func FuzzParseOSRelease(f *testing.F) {
	for _, seed := range []string{"ID=ubuntu\nVERSION_ID=\"24.04\"\n", "ID='x'", "ID=\"\\", "=\n=", "ID=\"a\\\"b\"", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := parseOSRelease(text)
		if r.ID == "" {
			t.Fatalf("parseOSRelease(%q): empty ID", text)
		}
	})
}
