package main

import (
	"os/exec"
	"strings"
	"testing"

	"confine/internal/cli"
)

// TestLeanDependencies keeps the launcher's binary lean: none of these
// packages may be linked into it, directly or not. Each one either runs
// package initialisation on every app start (net/http, crypto/tls,
// regexp) or is simulation, inspection or evaluation code a privileged
// process has no use for: the launcher has profiles evaluated by the
// confine binary beside it.
func TestLeanDependencies(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not installed: cannot list the launcher's dependencies")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	linked := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		linked[p] = true
	}
	for _, p := range []string{
		"confine/internal/cli/inspect",
		"confine/kernel/fake",
		"confine/sim",
		"confine/hosts",
		"confine/startest",
		"confine/interp",
		"confine/profiles",
		"confine/stdlib",
		"go.starlark.net/starlark",
		"regexp",
		"github.com/spf13/afero",
		"net/http",
		"crypto/tls",
	} {
		if linked[p] {
			t.Errorf("confine-launch links %s; keep it out of the launcher (see internal/cli's package doc)", p)
		}
	}
	if !linked["confine/launch"] {
		t.Errorf("confine-launch does not link confine/launch: go list output is not what this test expects\n%s", out)
	}
}

// TestCommands checks that the launcher has exactly the launch side of
// confine's command line.
func TestCommands(t *testing.T) {
	var stdout, stderr strings.Builder
	if got := cli.Main([]string{"help"}, &stdout, &stderr); got != cli.ExitOK {
		t.Fatalf("confine-launch help: exit %d, want %d", got, cli.ExitOK)
	}
	for _, want := range []string{"run", "discard", "version"} {
		if !strings.Contains(stderr.String(), "  "+want+" ") {
			t.Errorf("usage lacks %q:\n%s", want, stderr.String())
		}
	}
	for _, absent := range []string{"plan", "simulate", "apparmor"} {
		if strings.Contains(stderr.String(), "  "+absent+" ") {
			t.Errorf("usage has %q, an inspecting command:\n%s", absent, stderr.String())
		}
	}
	stderr.Reset()
	if got := cli.Main([]string{"simulate"}, &stdout, &stderr); got != cli.ExitUsage {
		t.Errorf("confine-launch simulate: exit %d, want %d (unknown command)", got, cli.ExitUsage)
	}
}
