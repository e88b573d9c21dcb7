package sim

import (
	"os"
	"reflect"
	"testing"

	"confine/hosts"
	"confine/profiles"
	"confine/stdlib"
)

// TestMain checks the fake kernel's tracker against a full read of the
// snap's table after every op of every simulation these tests run: the
// steps are recorded from the tracker's changes, so a change the kernel
// failed to note would show here rather than as a silently missing step.
func TestMain(m *testing.M) {
	verifyTracker = true
	os.Exit(m.Run())
}

// TestTrackedStepsSame runs every shipped profile on its layout hosts
// twice, recording from the fake kernel's tracker and from whole-table
// diffs, and wants the same steps and provenance from both.
func TestTrackedStepsSame(t *testing.T) {
	for _, name := range profiles.Names() {
		for _, hostName := range layoutHosts[name] {
			t.Run(name+"/"+hostName, func(t *testing.T) {
				h, err := hosts.Load(hostName)
				if err != nil {
					t.Fatal(err)
				}
				prog, err := Evaluate(Profile{FS: profiles.FS, File: name + ".star", Name: name}, stdlib.FS, h, nil)
				if err != nil {
					t.Fatal(err)
				}
				watch := []string{"/", "/tmp", "/usr", "/etc/nsswitch.conf", "/lib", "/run/snapd/ns", "/var/lib/snapd/hostfs", "/media", "/nope", "/snap/core/current"}
				tracked, err := Run(prog, h, Options{Watch: watch})
				if err != nil {
					t.Fatal(err)
				}
				full, err := Run(prog, h, Options{Watch: watch, fullDiff: true})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := tracked.StepsText(), full.StepsText(); got != want {
					t.Errorf("tracked steps:\n%s\nwant (whole-table diffs):\n%s", got, want)
				}
				if !reflect.DeepEqual(tracked.Steps, full.Steps) {
					t.Errorf("tracked steps differ from whole-table diffs in what they record beyond the text")
				}
				if !reflect.DeepEqual(tracked.origin, full.origin) {
					t.Errorf("got provenance %v, want %v", tracked.origin, full.origin)
				}
			})
		}
	}
}
