package cli

import "testing"

// BenchmarkRunProgramKey times the cache key a launch computes before it
// may skip evaluation: stat of the binary, the facts as JSON and a hash
// of the shipped profiles and stdlib.
func BenchmarkRunProgramKey(b *testing.B) {
	pf := ProfileFlags{FactsRoot: "/", Snap: "bench"}
	f, err := pf.Facts()
	if err != nil {
		b.Fatal(err)
	}
	spec := SelectProfile(f)
	for b.Loop() {
		if _, ok := programKey(spec, f); !ok {
			b.Fatal("no key")
		}
	}
}

// BenchmarkRunFacts times gathering this machine's facts, which every
// launch does (they are part of the key).
func BenchmarkRunFacts(b *testing.B) {
	pf := ProfileFlags{FactsRoot: "/", Snap: "bench"}
	for b.Loop() {
		if _, err := pf.Facts(); err != nil {
			b.Fatal(err)
		}
	}
}
