package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"

	"confine/facts"
	"confine/plan"
)

// evaluatorName is the binary that evaluates profiles for a launcher built
// without an evaluator: confine's whole command line, installed in the
// same directory as the launcher (as /usr/bin/confine beside
// /usr/bin/confine-launch).
const evaluatorName = "confine"

// evaluatorEnv is the whole environment the external evaluator gets: the
// caller's (GODEBUG, CONFINE_*, locale) never reaches a process that
// runs as root on a setuid launcher's behalf.
var evaluatorEnv = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}

// reportedError is a failure the external evaluator has already explained
// on stderr (a profile error, with its position and backtrace): the
// launcher exits with status and prints nothing more.
type reportedError struct {
	status int
}

func (e *reportedError) Error() string {
	return "the profile evaluator exited with status " + strconv.Itoa(e.status)
}

// evaluatorDir is where the external evaluator is installed: this
// executable's directory (tests point it elsewhere).
var evaluatorDir = func() (string, error) {
	exe, err := os.Executable()
	return filepath.Dir(exe), err
}

// evaluatorPath is the external evaluator beside this executable, if it
// is one root (or, for an unprivileged run, this user) can trust: a
// regular, executable file that only its owner can change, in a directory
// only its owner can change, both owned by root or by the effective user.
// It runs with this process's privileges, so anything less would let
// another user choose the program root executes.
func evaluatorPath() (string, error) {
	p, _, err := trustedEvaluator()
	return p, err
}

// trustedEvaluator is evaluatorPath with the evaluator's stat, for its
// identity.
func trustedEvaluator() (string, *unix.Stat_t, error) {
	dir, err := evaluatorDir()
	if err != nil {
		return "", nil, fmt.Errorf("cannot find the profile evaluator: %w", err)
	}
	p := filepath.Join(dir, evaluatorName)
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", nil, fmt.Errorf("cannot evaluate profiles: this launcher has no evaluator and %s is missing (install confine beside it): %w", p, errors.Unwrap(err))
	}
	var file unix.Stat_t
	for _, check := range []struct {
		path, what string
		kind       uint32
	}{{real, "regular file", unix.S_IFREG}, {filepath.Dir(real), "directory", unix.S_IFDIR}} {
		var st unix.Stat_t
		if err := unix.Stat(check.path, &st); err != nil {
			return "", nil, fmt.Errorf("cannot use profile evaluator %s: %w", p, err)
		}
		if check.kind == unix.S_IFREG {
			file = st
		}
		switch {
		case st.Mode&unix.S_IFMT != check.kind:
			return "", nil, fmt.Errorf("cannot use profile evaluator %s: %s is not a %s", p, check.path, check.what)
		case st.Uid != 0 && int(st.Uid) != os.Geteuid():
			return "", nil, fmt.Errorf("cannot use profile evaluator %s: %s is owned by uid %d, not root", p, check.path, st.Uid)
		case st.Mode&0o022 != 0:
			return "", nil, fmt.Errorf("cannot use profile evaluator %s: %s is writable by group or others", p, check.path)
		case check.kind == unix.S_IFREG && st.Mode&0o100 == 0:
			return "", nil, fmt.Errorf("cannot use profile evaluator %s: not executable by its owner", p)
		}
	}
	return real, &file, nil
}

// evaluatorIdentity keys the program cache by the external evaluator's
// file (device, inode, size, times): its interpreter, builtins, profiles
// and stdlib make the program, as an in-process evaluator's do through
// the executable's own identity.
func evaluatorIdentity() (string, bool) {
	p, st, err := trustedEvaluator()
	if err != nil {
		return "", false
	}
	return p + ":" + fileIdentity(st), true
}

// fileIdentity is what tells one build of a binary from another.
func fileIdentity(st *unix.Stat_t) string {
	return strconv.FormatUint(st.Dev, 10) + ":" + strconv.FormatUint(st.Ino, 10) + ":" + strconv.FormatInt(st.Size, 10) +
		":" + strconv.FormatInt(st.Mtim.Nano(), 10) + ":" + strconv.FormatInt(st.Ctim.Nano(), 10)
}

// evalExternal evaluates profile spec by running `confine plan --json`
// beside this launcher with the same profile, snap and fact flags, so
// that it gathers the same facts. The program it prints must record
// exactly the facts f this launcher gathered (and keyed the cache with):
// if the host changed in between, the launch fails rather than run a
// program made for other facts. Profile errors are printed by the
// evaluator itself, with their positions and backtraces; print() output
// reaches stderr the same way.
func (p *ProfileFlags) evalExternal(spec string, f facts.Facts) (*plan.Program, error) {
	path, err := evaluatorPath()
	if err != nil {
		return nil, err
	}
	args := []string{"plan", "--json", "--profile=" + spec, "--snap=" + p.Snap}
	if p.FactsRoot != "" && p.FactsRoot != "/" {
		args = append(args, "--facts-root="+p.FactsRoot)
	}
	for _, kv := range p.FactPairs {
		args = append(args, "--fact="+kv)
	}
	var stdout bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Env = evaluatorEnv
	cmd.Stdout = &stdout
	cmd.Stderr = printOutput
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == ExitUsage {
			return nil, &reportedError{status: ExitUsage}
		}
		return nil, fmt.Errorf("cannot evaluate profile %s with %s: %w", spec, path, err)
	}
	prog := new(plan.Program)
	if err := json.Unmarshal(stdout.Bytes(), prog); err != nil {
		return nil, fmt.Errorf("cannot read the program %s printed for profile %s: %w", path, spec, err)
	}
	if !slices.Equal(prog.Facts, f.List()) {
		return nil, fmt.Errorf("cannot launch: the host's facts changed while %s evaluated profile %s; try again", path, spec)
	}
	return prog, nil
}
