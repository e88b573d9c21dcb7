package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"confine/facts"
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
	if os.Geteuid() == 0 && os.Getegid() != 0 {
		// Setuid root runs with the caller's effective group, so the
		// locks, cache entries and directories it creates in root's
		// state directory would be that group's. Take root's group for
		// the privileged part; the command still gets the caller's real
		// group and groups, which launch reads to drop to.
		if err := syscall.Setegid(0); err != nil {
			fmt.Fprintf(stderr, "confine: run: cannot take root's group: %v\n", err)
			return ExitFindings
		}
	}
	if err := launch.CheckSnap(snap); err != nil {
		fmt.Fprintf(stderr, "confine: %v\n", err)
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
// shipped profile and stdlib module (a superset of what it loads; those
// built into the binary are covered by its identity, see sourcesDigest),
// for a profile PATH every .star file in its directory, and the facts.
// false when the binary or a profile file cannot be read.
//
// Facts are encoded with facts.AppendKey, not JSON: building
// encoding/json's encoders for them cost every launch about 200 µs. Other
// values (tests pass maps) still go through JSON, marked apart.
func programKey(spec string, f any) (string, bool) {
	var st unix.Stat_t
	if unix.Stat("/proc/self/exe", &st) != nil {
		return "", false
	}
	exe := fileIdentity(&st)
	if evaluator == nil {
		// The program comes from the confine binary beside this one.
		id, ok := evaluatorIdentity()
		if !ok {
			return "", false
		}
		exe += "\x00evaluator " + id
	}
	var encoded []byte
	switch f := f.(type) {
	case facts.Facts:
		encoded = f.AppendKey(make([]byte, 0, 2048))
	case *facts.Facts:
		if f == nil {
			return "", false
		}
		encoded = f.AppendKey(make([]byte, 0, 2048))
	default:
		data, err := json.Marshal(f)
		if err != nil {
			return "", false
		}
		encoded = append([]byte("json\x00"), data...)
	}
	parts := [][]byte{[]byte("confine program cache 2"), []byte(version), []byte(exe), []byte(spec), encoded}
	profileFS, starsOnly := ShippedProfiles, false
	if IsProfilePath(spec) {
		abs, err := filepath.Abs(spec)
		if err != nil {
			return "", false
		}
		parts = append(parts, []byte(abs))
		profileFS, starsOnly = os.DirFS(filepath.Dir(abs)), true
	}
	profiles, err := sourcesDigest(profileFS, starsOnly)
	if err != nil {
		return "", false
	}
	stdlib, err := sourcesDigest(StdlibFS, false)
	if err != nil {
		return "", false
	}
	return launch.CacheKey(append(parts, profiles, stdlib)...), true
}

// sourcesDigest is a SHA-256 over the name and content of every file of
// fsys, each length-prefixed, in fs.WalkDir's order (for a profile's
// directory, only its top-level .star files: load() reaches no
// subdirectory and no other file). A file that is not regular counts by
// its name and a mark, never read (it could be a fifo). A nil fsys has
// the empty digest, which no file system has.
func sourcesDigest(fsys fs.FS, starsOnly bool) ([]byte, error) {
	if fsys == nil {
		return []byte{}, nil
	}
	// The binary's own profiles and stdlib are part of its executable, and
	// programKey already keys the executable's identity (device, inode,
	// size and times): hashing them again would cost every launch ~100 µs
	// (a fresh process reads and hashes 26 KB) and tell nothing new.
	// Only the evaluator's two built-in values are spared: another file
	// system swapped in by a test shares the executable's identity, so it
	// is hashed.
	if marker, ok := builtinDigest(fsys); ok {
		return marker, nil
	}
	h := sha256.New()
	var buf bytes.Buffer
	if err := hashSources(h, fsys, ".", starsOnly, &buf); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// hashSources writes the files under dir to h for sourcesDigest, reading
// each into buf (reused, so hashing allocates no copy per file).
func hashSources(h hash.Hash, fsys fs.FS, dir string, starsOnly bool, buf *bytes.Buffer) error {
	des, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return err
	}
	for _, d := range des {
		name := path.Join(dir, d.Name())
		if d.IsDir() {
			if starsOnly {
				continue
			}
			if err := hashSources(h, fsys, name, starsOnly, buf); err != nil {
				return err
			}
			continue
		}
		if starsOnly && !strings.HasSuffix(name, ".star") {
			continue
		}
		buf.Reset()
		if !d.Type().IsRegular() {
			// A symlink counts as what it points to, as load() reads it.
			if info, err := fs.Stat(fsys, name); err != nil || !info.Mode().IsRegular() {
				writePart(h, []byte(name))
				writePart(h, []byte("\x00not a regular file"))
				continue
			}
		}
		file, err := fsys.Open(name)
		if err != nil {
			return err
		}
		_, err = buf.ReadFrom(file)
		file.Close()
		if err != nil {
			return err
		}
		writePart(h, []byte(name))
		writePart(h, buf.Bytes())
	}
	return nil
}

// writePart writes p to h after its length, as launch.CacheKey frames
// its parts.
func writePart(h hash.Hash, p []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(p)))
	h.Write(n[:])
	h.Write(p)
}
