package launch

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"golang.org/x/sys/unix"

	"confine/plan"
)

// The program cache lets a launch skip Starlark: evaluating a profile
// (parsing and compiling it and the stdlib) costs 2–4 ms on every app
// start, while the program it yields is a pure function of its inputs
// (SPEC: profile source, loaded modules, facts). The CLI hashes those
// inputs, together with the identity of the confine binary itself, into a
// key; a frozen program stored under that key in <state>/cache is reused.
//
// The cache is root's: what it holds is executed as root. An entry is
// believed only when the cache directory and the file are owned by root,
// not writable by group or others, reached without following a symlink,
// and the file is a regular file. Anything else is a miss (and is left
// alone: a launch does not delete what it did not write). Entries are
// written to a temporary file and renamed into place, so a reader never
// sees half an entry.

// maxCacheEntry bounds what a cache read takes in; a 30k-op program is
// about 2 MB.
const maxCacheEntry = 16 << 20

// CacheKey hashes the parts a program depends on into a cache key (hex
// SHA-256). Each part is length-prefixed, so ("ab", "c") and ("a", "bc")
// differ.
func CacheKey(parts ...[]byte) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// cacheDir is the cache directory under a state directory ("" means the
// default, as for Config.StateDir).
func cacheDir(stateDir string) string {
	return filepath.Join(statePaths(stateDir, "x").state, "cache")
}

// validKey accepts only what CacheKey makes, so a key is a safe file name.
func validKey(key string) bool {
	if len(key) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(key)
	return err == nil
}

// LoadProgram returns the program cached under key in stateDir's cache, or
// false when there is none or it cannot be trusted (see above). It never
// fails: a miss means evaluate.
func LoadProgram(stateDir, key string) (*plan.Program, bool) {
	if os.Geteuid() != 0 || !validKey(key) {
		return nil, false
	}
	dir := cacheDir(stateDir)
	// The state directory too must be root's alone: whoever can write it
	// can put another directory in place of the cache.
	var st unix.Stat_t
	if unix.Lstat(filepath.Dir(dir), &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR || !trusted(&st) {
		return nil, false
	}
	dirfd, err := openTrustedDir(dir)
	if err != nil {
		return nil, false
	}
	defer unix.Close(dirfd)
	fd, err := unix.Openat(dirfd, key, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, false
	}
	defer unix.Close(fd)
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || !trusted(&st) || st.Size > maxCacheEntry {
		return nil, false
	}
	data, err := readFd(fd, st.Size)
	if err != nil {
		return nil, false
	}
	prog, err := decodeProgram(data)
	return prog, err == nil
}

// StoreProgram writes prog under key into stateDir's cache, creating the
// cache directory (0700, root's) when it is missing. It refuses a cache
// directory it would not read from.
func StoreProgram(stateDir, key string, prog *plan.Program) error {
	if os.Geteuid() != 0 {
		return errors.New("cannot cache program: not root")
	}
	if !validKey(key) {
		return fmt.Errorf("cannot cache program: invalid key %q", key)
	}
	dir := cacheDir(stateDir)
	if err := ensureDir(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := unix.Mkdir(dir, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	dirfd, err := openTrustedDir(dir)
	if err != nil {
		return fmt.Errorf("cannot use %s: %w", dir, err)
	}
	defer unix.Close(dirfd)
	data := encodeProgram(prog)
	tmp := key + ".tmp." + strconv.Itoa(os.Getpid())
	fd, err := unix.Openat(dirfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return fmt.Errorf("cannot cache program: %w", err)
	}
	f := os.NewFile(uintptr(fd), tmp)
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = unix.Renameat(dirfd, tmp, dirfd, key)
	}
	if werr != nil {
		unix.Unlinkat(dirfd, tmp, 0)
		return fmt.Errorf("cannot cache program: %w", werr)
	}
	pruneCache(dirfd, key, maxCacheEntries)
	return nil
}

// maxCacheEntries bounds the cache: every new confine binary, profile edit
// or fact change (a new driver, a refreshed base) keys a new entry, and a
// launch stores only on a miss, so old entries would otherwise pile up in
// /run until the next boot.
const maxCacheEntries = 64

// pruneCache removes the least recently written entries of the cache
// directory dirfd beyond max, never keep (the entry just stored). It works
// on names relative to dirfd and never follows a link. Errors are ignored:
// pruning is housekeeping, and a launch must not fail for it.
func pruneCache(dirfd int, keep string, max int) {
	dup, err := unix.Dup(dirfd)
	if err != nil {
		return
	}
	d := os.NewFile(uintptr(dup), "cache")
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil || len(names) <= max {
		return
	}
	type entry struct {
		name  string
		mtime int64
	}
	var entries []entry
	for _, name := range names {
		var st unix.Stat_t
		if name == keep || unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
			continue
		}
		entries = append(entries, entry{name, st.Mtim.Nano()})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].mtime < entries[j].mtime })
	for i := 0; i < len(entries) && len(names)-i > max; i++ {
		unix.Unlinkat(dirfd, entries[i].name, 0)
	}
}

// openTrustedDir opens dir without following a symlink at its last
// component and checks that it is a directory only root can write to.
// The state directory above it is checked by the callers (LoadProgram,
// and ensureDir in StoreProgram).
func openTrustedDir(dir string) (int, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if !trusted(&st) {
		unix.Close(fd)
		return -1, errors.New("not owned by root or writable by others")
	}
	return fd, nil
}

// trusted: owned by root, not writable by group or others.
func trusted(st *unix.Stat_t) bool {
	return st.Uid == 0 && st.Mode&0o022 == 0
}

// readFd reads a regular file of size bytes (as fstat saw it) with plain
// read(2) calls, into one buffer: wrapping the descriptor in an os.File
// would set up the runtime's poller on every launch for a file that
// cannot block. A file that grew since is cut at size+1 bytes, which a
// decoder rejects; one that shrank is read to its end.
func readFd(fd int, size int64) ([]byte, error) {
	data := make([]byte, 0, size+1)
	for len(data) < cap(data) {
		n, err := unix.Read(fd, data[len(data):cap(data)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		data = data[:len(data)+n]
	}
	return data, nil
}
