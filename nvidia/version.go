package nvidia

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// VersionFile is where the loaded kernel module publishes its version.
const VersionFile = "/sys/module/nvidia/version"

// maxVersion bounds the read: snap-confine reads at most 127 bytes.
const maxVersion = 128

// readVersion reads VersionFile under root. A missing file (or a missing
// /sys/module/nvidia, or a file in the way of it) means the module is not
// loaded and yields "" (snapd PR #3975).
func readVersion(root string) (string, error) {
	f, err := os.Open(join(root, VersionFile))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", VersionFile, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxVersion))
	if err != nil {
		return "", fmt.Errorf("%s: %w", VersionFile, err)
	}
	return ParseVersion(string(data))
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
