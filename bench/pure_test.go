package bench

import (
	"testing"

	"confine/apparmor"
	"confine/check"
	"confine/facts"
	"confine/hosts"
	"confine/interp"
	"confine/plan"
	"confine/profiles"
	"confine/sim"
	"confine/stdlib"
)

// platformHosts pairs each shipped profile with the host fixture it is
// written for; default is for hosts without snapd, so it gets the classic
// fixture without its base.
var platformHosts = map[string]string{
	"classic":    "ubuntu-classic",
	"core":       "ubuntu-core",
	"merged-usr": "arch",
	"default":    "ubuntu-classic",
}

// fixtureFacts returns the facts a profile is benchmarked with.
func fixtureFacts(tb testing.TB, profile string) facts.Facts {
	tb.Helper()
	name, ok := platformHosts[profile]
	if !ok {
		tb.Fatalf("shipped profile %s has no host fixture in platformHosts", profile)
	}
	h, err := hosts.Load(name)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := h.Facts()
	if err != nil {
		tb.Fatal(err)
	}
	f.SnapName = "demo"
	if profile == "default" {
		f.Base, f.BaseDir, f.BaseEntries = "", "", nil
	}
	return f
}

func eval(tb testing.TB, profile string, f facts.Facts) *plan.Program {
	tb.Helper()
	prog, err := interp.Eval(interp.Config{Profile: profiles.FS, File: profile + ".star", Name: profile, Stdlib: stdlib.FS, Facts: f})
	if err != nil {
		tb.Fatal(err)
	}
	return prog
}

// BenchmarkGatherFacts is the first thing every confine run does: read
// this machine's facts (os-release, /snap, the base's top level, NVIDIA).
func BenchmarkGatherFacts(b *testing.B) {
	for b.Loop() {
		if _, err := facts.Gather("/"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEval evaluates each shipped profile (Starlark, with the stdlib
// loaded) into its program.
func BenchmarkEval(b *testing.B) {
	for _, name := range profiles.Names() {
		b.Run(name, func(b *testing.B) {
			f := fixtureFacts(b, name)
			var ops int
			for b.Loop() {
				ops = len(eval(b, name, f).Ops)
			}
			b.ReportMetric(float64(ops), "ops")
		})
	}
}

// BenchmarkCheck runs the ordering-hazard checks on each shipped program.
func BenchmarkCheck(b *testing.B) {
	for _, name := range profiles.Names() {
		b.Run(name, func(b *testing.B) {
			prog := eval(b, name, fixtureFacts(b, name))
			for b.Loop() {
				check.Check(prog)
			}
		})
	}
}

// BenchmarkAppArmorPolicy generates the launcher's policy for each
// shipped program.
func BenchmarkAppArmorPolicy(b *testing.B) {
	for _, name := range profiles.Names() {
		b.Run(name, func(b *testing.B) {
			prog := eval(b, name, fixtureFacts(b, name))
			for b.Loop() {
				if _, err := apparmor.NewPolicy(apparmor.Config{}, prog); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSimulate runs each shipped program on the fake kernel seeded
// from its host fixture (what confine simulate does), recording every
// op's effect on the snap's mount table.
func BenchmarkSimulate(b *testing.B) {
	for _, name := range profiles.Names() {
		b.Run(name, func(b *testing.B) {
			prog := eval(b, name, fixtureFacts(b, name))
			host, err := hosts.Load(platformHosts[name])
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				s, err := sim.Run(prog, host, sim.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if s.Err != nil {
					b.Fatalf("profile %s on %s: %v", name, host.Name, s.Err)
				}
			}
		})
	}
}

// TestPlatformHosts keeps the benchmark table in step with the shipped
// profiles and shows that each evaluates on its fixture.
func TestPlatformHosts(t *testing.T) {
	for _, name := range profiles.Names() {
		if len(eval(t, name, fixtureFacts(t, name)).Ops) == 0 {
			t.Errorf("profile %s: empty program", name)
		}
	}
}
