package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"confine/facts"
)

// withExternalEvaluator runs the rest of the test as a binary without an
// in-process evaluator (cmd/confine-launch) whose evaluator is script,
// installed as dir/confine; an empty script installs none.
func withExternalEvaluator(t *testing.T, script string) string {
	t.Helper()
	saved, savedDir := evaluator, evaluatorDir
	t.Cleanup(func() { evaluator, evaluatorDir = saved, savedDir })
	dir := t.TempDir()
	evaluator, evaluatorDir = nil, func() (string, error) { return dir, nil }
	if script != "" {
		if err := os.WriteFile(filepath.Join(dir, evaluatorName), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestExternalEvaluatorProgram(t *testing.T) {
	var f facts.Facts
	f.SnapName = "snap1"
	want := f.List()
	// The script checks its arguments: the launch's flags, passed on.
	withExternalEvaluator(t, `[ "$*" = "plan --json --profile=default --snap=snap1 --facts-root=/r --fact=k=v" ] || { echo "args: $*" >&2; exit 1; }
[ "$(env | grep -v -e '^PWD=' -e '^SHLVL=' -e '^_=')" = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ] || { env >&2; exit 1; }
echo '{"profile":"default","facts":["`+strings.Join(want, `","`)+`"],"ops":[{"kind":"mkdir","target":"/x","mode":493}]}'
`)
	t.Setenv("GODEBUG", "inittrace=1") // the caller's environment stays out
	pf := ProfileFlags{Profile: "default", Snap: "snap1", FactsRoot: "/r", FactPairs: []string{"k=v"}}
	prog, err := pf.ProgramWith(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := prog.Text(); !strings.Contains(got, "mkdir") || !strings.Contains(got, "/x") {
		t.Errorf("got program\n%s\nwant one mkdir of /x", got)
	}
}

func TestExternalEvaluatorErrors(t *testing.T) {
	var f facts.Facts
	f.SnapName = "snap1"
	pf := ProfileFlags{Profile: "default", Snap: "snap1"}
	for _, test := range []struct {
		name, script, want string
		status             int // of ReportError
	}{
		{"missing", "", "this launcher has no evaluator and", ExitUsage},
		{"profile error, already reported", "echo 'confine: p.star:1:1: bind: oops' >&2; exit 2", "", ExitUsage},
		{"crash", "exit 3", "exit status 3", ExitUsage},
		{"other facts", `echo '{"profile":"default","facts":["snap_name=other"],"ops":[]}'`, "the host's facts changed while", ExitUsage},
		{"not JSON", "echo nope", "cannot read the program", ExitUsage},
	} {
		t.Run(test.name, func(t *testing.T) {
			withExternalEvaluator(t, test.script)
			_, err := pf.ProgramWith(f)
			if err == nil {
				t.Fatal("got no error")
			}
			var stderr strings.Builder
			if status := ReportError(&stderr, err); status != test.status {
				t.Errorf("got status %d, want %d", status, test.status)
			}
			if test.want == "" {
				if stderr.Len() != 0 {
					t.Errorf("got stderr %q, want nothing more after the evaluator's own report", stderr.String())
				}
			} else if !strings.Contains(stderr.String(), test.want) {
				t.Errorf("got stderr %q, want %q", stderr.String(), test.want)
			}
		})
	}
}

// TestExternalEvaluatorTrust: an evaluator anyone else could change is
// never run, since it runs with the launcher's privileges.
func TestExternalEvaluatorTrust(t *testing.T) {
	var f facts.Facts
	pf := ProfileFlags{Profile: "default"}
	for _, test := range []struct {
		name  string
		spoil func(dir string) error
		want  string
	}{
		{"group-writable file", func(dir string) error { return os.Chmod(filepath.Join(dir, evaluatorName), 0o775) }, "is writable by group or others"},
		{"world-writable directory", func(dir string) error { return os.Chmod(dir, 0o777) }, "is writable by group or others"},
		{"not executable", func(dir string) error { return os.Chmod(filepath.Join(dir, evaluatorName), 0o644) }, "not executable"},
		{"a directory", func(dir string) error {
			p := filepath.Join(dir, evaluatorName)
			if err := os.Remove(p); err != nil {
				return err
			}
			return os.Mkdir(p, 0o755)
		}, "is not a regular file"},
	} {
		t.Run(test.name, func(t *testing.T) {
			ran := filepath.Join(t.TempDir(), "ran")
			dir := withExternalEvaluator(t, "touch "+ran+"; exit 1\n")
			if err := test.spoil(dir); err != nil {
				t.Fatal(err)
			}
			_, err := pf.ProgramWith(f)
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("got error %v, want one saying %q", err, test.want)
			}
			if _, err := os.Stat(ran); err == nil {
				t.Errorf("the untrusted evaluator ran")
			}
			if _, ok := programKey("default", f); ok {
				t.Errorf("programKey: got a key with an untrusted evaluator")
			}
		})
	}
}
