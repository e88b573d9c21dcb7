package sim

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"confine/internal/golden"
	"confine/mountinfo"
	"confine/profiles"
)

// layoutHosts says which fixtures each shipped profile is simulated on
// for the layout goldens: its own platform's, and for default (hosts
// without a base snap) two unlike ones.
var layoutHosts = map[string][]string{
	"classic":    {"ubuntu-classic"},
	"core":       {"ubuntu-core"},
	"merged-usr": {"arch", "fedora"},
	"default":    {"ubuntu-classic", "fedora"},
}

// TestLayoutGoldens pins the snap's namespace, as normalized mountinfo,
// for every shipped profile on its fixtures: the layout test method of
// snapd's mount-ns spread test (snap-confine.md §4), on the fake kernel.
// Review changes to these files like code; go test ./sim -update
// rewrites them.
func TestLayoutGoldens(t *testing.T) {
	for _, name := range profiles.Names() {
		hostNames, ok := layoutHosts[name]
		if !ok {
			t.Errorf("shipped profile %s has no layout hosts: add it to layoutHosts", name)
			continue
		}
		for _, hostName := range hostNames {
			t.Run(name+"/"+hostName, func(t *testing.T) {
				file := filepath.Join("testdata", "layout", name+"."+hostName+".mountinfo")
				got := layout(t, name, hostName)
				golden.Check(t, file, got)
				if strings.Contains(got, "SIMULATION FAILED") {
					t.Logf("%s records a failed simulation", file)
				}
			})
		}
	}
}

// layout simulates profile on host and renders the snap's table
// normalized; a failed simulation is rendered as its error, so that the
// golden shows it.
func layout(t *testing.T, profile, host string) string {
	s := simulateMayFail(t, profile, host)
	header := fmt.Sprintf("# confine simulate --profile %s --host %s\n# normalized: mount ids, peer groups and devices renumbered by first appearance; mkdtemp names and snap revisions derandomized\n", profile, host)
	if s.Err != nil {
		return header + "# SIMULATION FAILED: " + s.Err.Error() + "\n"
	}
	table, err := s.Table(Snap)
	if err != nil {
		t.Fatal(err)
	}
	return header + mountinfo.Format(mountinfo.Normalize(table, mountinfo.Options{Derandomize: true}))
}
