package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"testing"
)

// BenchmarkProgramKeySteps times the parts of the program cache key that
// a launch pays for: the facts encoded for the key (facts.AppendKey, and
// the JSON it replaced), the digest of the embedded profiles and stdlib
// computed afresh (each launch is a new process, so the digests
// programKey remembers are computed once per launch), and the whole key
// once those digests are remembered. In-process numbers hide first-call
// costs (encoding/json builds its encoders on the first Marshal, the
// heap grows, code pages fault in), which a launch pays every time: time
// a fresh process as well before concluding anything from these.
func BenchmarkProgramKeySteps(b *testing.B) {
	pf := ProfileFlags{FactsRoot: "/", Snap: "bench"}
	f, err := pf.Facts()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("facts-appendkey", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 2048)
		for b.Loop() {
			buf = f.AppendKey(buf[:0])
		}
	})
	b.Run("facts-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sources-afresh", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			h := sha256.New()
			if err := hashSources(h, ShippedProfiles, ".", false, &buf); err != nil {
				b.Fatal(err)
			}
			if err := hashSources(h, StdlibFS, ".", false, &buf); err != nil {
				b.Fatal(err)
			}
			h.Sum(nil)
		}
	})
	b.Run("key-remembered", func(b *testing.B) {
		b.ReportAllocs()
		spec := SelectProfile(f)
		for b.Loop() {
			if _, ok := programKey(spec, f); !ok {
				b.Fatal("no key")
			}
		}
	})
}
