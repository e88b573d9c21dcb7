package facts

import "testing"

// BenchmarkGather measures fact gathering, which runs on every launch
// that has to build a namespace: on a fixture of a classic host, and on
// this machine's own root.
func BenchmarkGather(b *testing.B) {
	b.Run("fixture", func(b *testing.B) {
		root := host(b, `f /etc/os-release NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="24.04"\n`,
			"d /snap/core/123/bin", "d /snap/core/123/usr", "l /snap/core/123/lib64 usr/lib64",
			"l /snap/core/current 123", "d /media", "d /etc/alternatives", "d /lib/modules")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Gather(root); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("live", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Gather("/"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAppendKey measures the facts' part of the program cache key.
func BenchmarkAppendKey(b *testing.B) {
	f, err := Gather("/")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	buf := make([]byte, 0, 4096)
	for b.Loop() {
		buf = f.AppendKey(buf[:0])
	}
}
