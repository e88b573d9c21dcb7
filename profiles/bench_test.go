package profiles

import (
	"testing"

	"confine/check"
	"confine/interp"
	"confine/stdlib"
)

// BenchmarkEval measures evaluating each shipped profile, which happens
// on every first launch of a snap.
func BenchmarkEval(b *testing.B) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			cfg := interp.Config{Profile: FS, File: name + ".star", Stdlib: stdlib.FS, Facts: platforms[name]}
			for b.Loop() {
				if _, err := interp.Eval(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheck measures the static checker over each shipped profile's
// program.
func BenchmarkCheck(b *testing.B) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			p, err := interp.Eval(interp.Config{Profile: FS, File: name + ".star", Stdlib: stdlib.FS, Facts: platforms[name]})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				check.Check(p)
			}
		})
	}
}
