package launch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"confine/plan"
)

// DefaultStateDir holds the locks and the preserved namespaces.
const DefaultStateDir = "/run/confine"

// StateDirEnv overrides DefaultStateDir. It exists for tests, which must
// never touch the real /run, and is honoured only when the real user is
// root: a setuid launcher must not let its caller choose where root binds
// namespaces.
const StateDirEnv = "CONFINE_STATE_DIR"

// Config is one launch.
type Config struct {
	// Snap names the snap; it names the lock and the preserved namespace.
	Snap string
	// Program is the frozen program that builds the namespace.
	Program *plan.Program
	// Command is the command to exec and its arguments; Command[0] is
	// looked up in PATH inside the namespace.
	Command []string
	// User, when not empty, is the user name or numeric uid to run the
	// command as.
	User string
	// StateDir is the state directory; empty means StateDirEnv or
	// DefaultStateDir.
	StateDir string
	// Trace, when not nil, receives each op before it runs (CONFINE_DEBUG).
	Trace io.Writer
	// Env is the command's environment; nil means os.Environ().
	Env []string
	// ScratchPattern overrides plan.ScratchPattern, so that tests keep
	// scratch directories out of the real /tmp.
	ScratchPattern string
}

// UsageError is bad input from the user (exit status 2).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// IsUsage reports whether err is a usage error.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// CheckSnap reports a usage error unless name is a valid snap (instance)
// name, as Run and Discard require. The command line checks it before
// evaluating a profile with it, so that no program is ever made for a
// name no launch would accept.
func CheckSnap(name string) error { return checkSnap(name) }

// checkSnap accepts a snap (instance) name: 1 to 64 of [a-z0-9_+.-],
// starting with a letter or digit. It becomes a file name in root-owned
// directories, so it must not contain a slash or be "." or "..". (A loop,
// not a regexp: compiling one costs every app start half a millisecond.)
func checkSnap(name string) error {
	ok := len(name) > 0 && len(name) <= 64
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && strings.IndexByte("_+.-", c) >= 0
	}
	if !ok {
		return &UsageError{fmt.Sprintf("invalid snap name %q: want lowercase letters, digits and . _ + -", name)}
	}
	return nil
}

// paths are the files of one snap in the state directory.
type paths struct {
	state, lockDir, nsDir string
	lock, mnt, info       string
}

// globalLockPath is the lock shared by every launch and taken exclusively
// to set up or tear down the namespace directory's mount point.
func globalLockPath(p paths) string { return filepath.Join(p.lockDir, ".lock") }

// selfBindMarker exists while the namespace directory's mount point is the
// self-bind confine made (and not a mount someone else put there).
func selfBindMarker(p paths) string { return filepath.Join(p.lockDir, ".ns-self-bind") }

func statePaths(stateDir, snap string) paths {
	if stateDir == "" && os.Getuid() == 0 {
		stateDir = os.Getenv(StateDirEnv)
	}
	if stateDir == "" {
		stateDir = DefaultStateDir
	}
	lockDir := filepath.Join(stateDir, "lock")
	nsDir := filepath.Join(stateDir, "ns")
	return paths{
		state:   stateDir,
		lockDir: lockDir,
		nsDir:   nsDir,
		lock:    filepath.Join(lockDir, snap+".lock"),
		mnt:     filepath.Join(nsDir, snap+".mnt"),
		info:    filepath.Join(nsDir, snap+".info"),
	}
}
