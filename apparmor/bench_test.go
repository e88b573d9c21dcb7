package apparmor

import "testing"

// BenchmarkPolicy builds the policy of the small program that uses every
// op kind; go test ./bench has the same for the shipped profiles.
func BenchmarkPolicy(b *testing.B) {
	p := loadProgram(b, "small.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewPolicy(smallConfig, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatcher compiles the small program's policy into a matcher
// and checks every call of the program against it.
func BenchmarkMatcher(b *testing.B) {
	p := loadProgram(b, "small.json")
	pol, err := NewPolicy(smallConfig, p)
	if err != nil {
		b.Fatal(err)
	}
	reqs, err := Requests(p, smallValues)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m, err := NewMatcher(pol.Rules)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range reqs {
			m.Allows(r.Request)
		}
	}
}
