package launch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"

	"confine/executor"
	"confine/kernel/linux"
)

// defaultPath is snap-confine's PATH, used when the caller has none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games"

// voidDir is where the command starts when its caller's working directory
// does not exist in the namespace (snap-confine's choice), before "/".
const voidDir = "/var/lib/snapd/void"

// maxCaptureTries bounds fresh unshares after the kernel refused a capture.
const maxCaptureTries = 4

// Run launches cfg.Command in the snap's namespace, creating it if needed,
// and replaces the process with the command. It returns only on failure;
// by then the calling thread may be in a half-built namespace, so the
// caller must exit (the thread is never unlocked).
func Run(cfg Config) error {
	if err := checkSnap(cfg.Snap); err != nil {
		return err
	}
	if len(cfg.Command) == 0 || cfg.Command[0] == "" {
		return &UsageError{"no command to run"}
	}
	if cfg.Program == nil {
		return errors.New("cannot launch: no program")
	}
	if os.Geteuid() != 0 {
		return errors.New("cannot launch: confine run needs root (or a setuid-root binary)")
	}
	id, err := chooseIdentity(cfg.User)
	if err != nil {
		return err
	}
	cwd, _ := os.Getwd()
	env := commandEnv(cfg.Env)

	// From here on this goroutine owns its thread for good: the thread
	// changes namespace and execs.
	runtime.LockOSThread()
	p := statePaths(cfg.StateDir, cfg.Snap)
	if err := enter(cfg, p); err != nil {
		return err
	}
	if err := id.apply(); err != nil {
		return err
	}
	restoreCwd(cwd)
	path, err := lookPath(cfg.Command[0], envValue(env, "PATH"))
	if err != nil {
		return err
	}
	err = unix.Exec(path, cfg.Command, env)
	return fmt.Errorf("cannot run %s: %w", path, err)
}

// enter puts the calling thread in the snap's namespace under the snap's
// lock: it joins a fresh preserved one or builds, preserves and records a
// new one. The lock is released before it returns.
func enter(cfg Config, p paths) error {
	if err := ensureDir(p.state); err != nil {
		return err
	}
	if err := ensureDir(p.lockDir); err != nil {
		return err
	}
	// The global lock is exclusive while the namespace directory is made a
	// private mount point, then shared until this launch is done with the
	// directory, so that Discard never tears the mount point down under a
	// launch that is about to preserve a namespace there.
	global, err := takeLock(globalLockPath(p))
	if err != nil {
		return err
	}
	defer global.release()
	if err := ensureState(p); err != nil {
		return err
	}
	if err := global.flock(unix.LOCK_SH); err != nil {
		return fmt.Errorf("cannot lock %s: %w", globalLockPath(p), err)
	}
	l, err := takeLock(p.lock)
	if err != nil {
		return err
	}
	defer l.release()
	if fresh(p, cfg.Program) {
		joined, err := join(p.mnt)
		if err != nil {
			return err
		}
		if joined {
			tracef(cfg, "joined preserved mount namespace %s", p.mnt)
			return nil
		}
	}
	if err := discardFiles(p); err != nil {
		return err
	}
	return create(cfg, p)
}

// create builds the namespace on the calling thread and preserves it.
func create(cfg Config, p paths) error {
	o, err := openOrigin()
	if err != nil {
		return err
	}
	defer o.close()
	var fd int
	for try := 1; ; try++ {
		if fd, err = unshareOrdered(o.id); err != nil {
			return err
		}
		err := capture(o, fd, p.mnt)
		if err == nil {
			break
		}
		unix.Close(fd)
		if !errors.Is(err, unix.EINVAL) || try == maxCaptureTries {
			return err
		}
		tracef(cfg, "capture refused (%v), unsharing again", err)
	}
	defer unix.Close(fd)
	tracef(cfg, "created mount namespace (preserved at %s)", p.mnt)
	if _, err := executor.Execute(cfg.Program, linux.Linux{}, executor.Options{Trace: cfg.Trace, ScratchPattern: cfg.ScratchPattern}); err != nil {
		var leftovers []string
		var opErr *executor.OpError
		if errors.As(err, &opErr) {
			leftovers = opErr.Leftovers
		}
		derr := o.do(fd, func() error {
			// Directories that are mount points in the failed namespace
			// are plain (and empty) ones here.
			for _, dir := range leftovers {
				unix.Rmdir(dir)
			}
			return discardFiles(p)
		})
		if derr != nil {
			return fmt.Errorf("%w (and %v)", err, derr)
		}
		return err
	}
	return o.do(fd, func() error { return writeInfo(p, cfg.Program) })
}

func tracef(cfg Config, format string, args ...any) {
	if cfg.Trace != nil {
		fmt.Fprintf(cfg.Trace, "confine: "+format+"\n", args...)
	}
}

// commandEnv is the command's environment: the given one (or ours) with
// TMPDIR=/tmp, as snap-confine sets it, and a PATH if there is none.
func commandEnv(base []string) []string {
	if base == nil {
		base = os.Environ()
	}
	env := make([]string, 0, len(base)+2)
	for _, kv := range base {
		if !strings.HasPrefix(kv, "TMPDIR=") {
			env = append(env, kv)
		}
	}
	env = append(env, "TMPDIR=/tmp")
	if envValue(env, "PATH") == "" {
		env = append(env, "PATH="+defaultPath)
	}
	return env
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// restoreCwd returns to the caller's working directory inside the
// namespace, with the command's own permissions.
func restoreCwd(cwd string) {
	for _, dir := range []string{cwd, voidDir, "/"} {
		if dir != "" && unix.Chdir(dir) == nil {
			return
		}
	}
}

// lookPath finds name in pathList inside the namespace, as execvp(3) does.
func lookPath(name, pathList string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("cannot run %s: not found in PATH inside the namespace", name)
}
