// Package tests holds confine's command-line tests: cmd/go-style scripts
// in testdata/script/*.txtar, run by go-internal's testscript against the
// real command line (internal/cli.Main) registered as the command
// "confine". The first word of a script's name is its category
// (plan_*, check_*, simulate_*, ...). Scripts that need root are gated
// with the [root] condition; scripts must never touch the host's mount
// table (use the fake kernel, or a throwaway namespace).
//
//	go test ./tests                       run every script
//	go test ./tests -run Script/plan_json run one
//	go test ./tests -update               rewrite cmp targets in the archives
package tests

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"confine/internal/cli"
	_ "confine/internal/cli/inspect" // the whole command line, as cmd/confine
	"confine/internal/golden"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"confine": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       golden.Update(), // go test ./tests -update rewrites cmp targets
		RequireExplicitExec: true,
		Condition:           condition,
		Cmds:                map[string]func(ts *testscript.TestScript, neg bool, args []string){"ops": cmdOps},
	})
}

// cmdOps is "ops FILE": it writes the op lines of the last command's
// stdout (a program in text form) to FILE, leaving out the "# profile"
// and "# fact" header, so that scripts can cmp a program against an
// expectation that does not change with the machine's facts (arch,
// NVIDIA driver).
func cmdOps(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: ops FILE")
	}
	var out strings.Builder
	for _, line := range strings.SplitAfter(ts.ReadFile("stdout"), "\n") {
		if line != "" && !strings.HasPrefix(line, "# ") {
			out.WriteString(line)
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(out.String()), 0o644))
}

// condition adds [root]: the test runs as root (real mounts, in a
// throwaway namespace).
func condition(cond string) (bool, error) {
	switch cond {
	case "root":
		return os.Geteuid() == 0, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

func TestCondition(t *testing.T) {
	got, err := condition("root")
	if err != nil || got != (os.Geteuid() == 0) {
		t.Errorf("condition(root) = %v, %v, want %v, nil", got, err, os.Geteuid() == 0)
	}
	if _, err := condition("rooot"); err == nil {
		t.Error("condition(rooot) = nil error, want an error")
	}
}
