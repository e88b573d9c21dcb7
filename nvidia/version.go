package nvidia

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// VersionFile is where the loaded kernel module publishes its version.
const VersionFile = "/sys/module/nvidia/version"

// maxVersion bounds the read: snap-confine reads at most 127 bytes.
const maxVersion = 128

// readVersion reads VersionFile under root. A missing file (or a missing
// /sys/module/nvidia, or a file in the way of it) means the module is not
// loaded and yields "" (snapd PR #3975). Every launch asks, and almost
// always on a machine without the module, so the miss is told by its
// errno alone: os.Open and errors.Is cost a fresh process some 40 µs of
// first-use set-up for it.
func readVersion(root string) (string, error) {
	fd, err := unix.Open(join(root, VersionFile), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	for err == unix.EINTR {
		fd, err = unix.Open(join(root, VersionFile), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	if err == unix.ENOENT || err == unix.ENOTDIR {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", VersionFile, err)
	}
	defer unix.Close(fd)
	buf := make([]byte, maxVersion)
	n := 0
	for n < len(buf) {
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", VersionFile, err)
		}
		if m == 0 {
			break
		}
		n += m
	}
	return ParseVersion(string(buf[:n]))
}

// ParseVersion checks the contents of VersionFile and returns the version
// without the trailing newline. Both two-component ("470.82", "123.456")
// and three-component ("440.33.01") versions are valid; snapd once built
// the canary's name from a "%d.%d" parse and so missed the third
// component (snapd PR #7942), which is why the raw text is kept.
func ParseVersion(text string) (string, error) {
	v := strings.TrimRight(text, "\n")
	parts := strings.Split(v, ".")
	ok := len(v) < maxVersion && len(parts) >= 2 && len(parts) <= 4
	for _, p := range parts {
		ok = ok && p != "" && strings.Trim(p, "0123456789") == ""
	}
	if !ok {
		return "", fmt.Errorf("%s: cannot parse nvidia driver version %q, want digits separated by dots such as 470.82 or 440.33.01", VersionFile, v)
	}
	return v, nil
}
