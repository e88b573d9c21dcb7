package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"confine/launch"
	"confine/plan"
)

func init() {
	AddCommand(Command{Name: "run", Summary: "launch a command in a snap's mount namespace (root)", Run: runRun})
}

// runRun is confine run [--profile NAME|PATH] [--fact KEY=VALUE]...
// [--facts-root DIR] [--user USER] SNAP -- CMD [ARG...]: evaluate the
// profile for SNAP (facts gathered once, program frozen), then hand the
// program to launch.Run, which joins or builds the namespace and execs CMD.
// On success it does not return. CONFINE_DEBUG=1 traces every op.
//
// Run as root (sudo), the command stays root unless --user names a user;
// from a setuid-root binary it runs as the invoking user. Such a user may
// only use shipped profiles with the host's own facts: --profile PATH,
// --fact and --facts-root would let them choose what root mounts.
func runRun(args []string, stdout, stderr io.Writer) int {
	var pf ProfileFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pf.Register(fs, "")
	user := fs.String("user", "", "run the command as `USER` (name or uid; root only)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: confine run [--profile NAME|PATH] [--fact KEY=VALUE]... [--facts-root DIR] [--user USER] SNAP -- CMD [ARG...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return ExitOK
		}
		return ExitUsage
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprintln(stderr, "confine: run: missing SNAP")
		fs.Usage()
		return ExitUsage
	}
	snap, cmd := rest[0], rest[1:]
	if len(cmd) > 0 && cmd[0] == "--" {
		cmd = cmd[1:]
	}
	if len(cmd) == 0 {
		fmt.Fprintln(stderr, "confine: run: missing CMD after SNAP --")
		fs.Usage()
		return ExitUsage
	}
	if os.Getuid() != 0 && (IsProfilePath(pf.Profile) || len(pf.FactPairs) > 0 || pf.FactsRoot != "/") {
		fmt.Fprintln(stderr, "confine: run: --profile PATH, --fact and --facts-root are for root only")
		return ExitUsage
	}
	pf.Snap = snap
	prog, err := runProgram(&pf)
	if err != nil {
		return ReportError(stderr, err)
	}
	cfg := launch.Config{Snap: snap, Program: prog, Command: cmd, User: *user}
	if os.Getenv("CONFINE_DEBUG") == "1" {
		cfg.Trace = stderr
	}
	err = launch.Run(cfg)
	fmt.Fprintf(stderr, "confine: %v\n", err)
	if launch.IsUsage(err) {
		return ExitUsage
	}
	return ExitFindings
}

// runProgram is the program of a launch: from the program cache (see
// launch.LoadProgram) when an entry for these exact inputs exists, so that
// a warm launch evaluates no Starlark; otherwise evaluated and then cached.
// A --profile PATH (root only) is keyed by every .star file beside it,
// the only files it can load, and is stored only when they did not change
// while it was evaluated.
func runProgram(pf *ProfileFlags) (*plan.Program, error) {
	f, err := pf.Facts()
	if err != nil {
		return nil, err
	}
	spec := pf.Profile
	if spec == "" {
		spec = SelectProfile(f)
	}
	if os.Geteuid() != 0 {
		return pf.ProgramWith(f)
	}
	key, ok := programKey(spec, f)
	if ok {
		if prog, hit := launch.LoadProgram("", key); hit {
			return prog, nil
		}
	}
	prog, err := pf.ProgramWith(f)
	if err != nil || !ok {
		return prog, err
	}
	if after, _ := programKey(spec, f); after != key {
		return prog, nil
	}
	// A cache that cannot be written only costs the next launch an
	// evaluation; the launch itself reports real state-dir problems.
	launch.StoreProgram("", key, prog)
	return prog, nil
}

// programKey hashes everything a shipped profile's program depends on:
// the binary itself (device, inode, size and times of /proc/self/exe, so
// a rebuilt or replaced confine, with a changed interpreter or builtins,
// never reads an older build's entries), the profile's name, every
// shipped profile and stdlib module (a superset of what it loads), for a
// profile PATH every .star file in its directory, and the facts. false
// when the binary or a profile file cannot be read.
func programKey(spec string, f any) (string, bool) {
	var st unix.Stat_t
	if unix.Stat("/proc/self/exe", &st) != nil {
		return "", false
	}
	exe := strconv.FormatUint(st.Dev, 10) + ":" + strconv.FormatUint(st.Ino, 10) + ":" + strconv.FormatInt(st.Size, 10) +
		":" + strconv.FormatInt(st.Mtim.Nano(), 10) + ":" + strconv.FormatInt(st.Ctim.Nano(), 10)
	facts, err := json.Marshal(f)
	if err != nil {
		return "", false
	}
	parts := [][]byte{[]byte("confine program cache 1"), []byte(version), []byte(exe), []byte(spec), facts}
	var err2 error
	if IsProfilePath(spec) {
		abs, err := filepath.Abs(spec)
		if err != nil {
			return "", false
		}
		parts = append(parts, []byte(abs))
		parts, err2 = appendSources(parts, os.DirFS(filepath.Dir(abs)), true)
	} else {
		parts, err2 = appendSources(parts, ShippedProfiles, false)
	}
	if err2 == nil {
		parts, err2 = appendSources(parts, StdlibFS, false)
	}
	if err2 != nil {
		return "", false
	}
	return launch.CacheKey(parts...), true
}

// appendSources appends the name and content of every file of fsys (for
// a profile's directory, only its top-level .star files: load() reaches
// no subdirectory and no other file).
func appendSources(parts [][]byte, fsys fs.FS, starsOnly bool) ([][]byte, error) {
	if fsys == nil {
		return append(parts, nil), nil
	}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && starsOnly && name != ".":
			return fs.SkipDir
		case d.IsDir() || starsOnly && !strings.HasSuffix(name, ".star"):
			return nil
		}
		if info, err := fs.Stat(fsys, name); err != nil || !info.Mode().IsRegular() {
			// Not a profile load() could read; never block on a fifo.
			parts = append(parts, []byte(name), []byte("\x00not a regular file"))
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		parts = append(parts, []byte(name), data)
		return err
	})
	return parts, err
}
