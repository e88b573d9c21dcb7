package facts

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// osRelease holds the os-release(5) fields confine uses.
type osRelease struct {
	ID, VersionID, VariantID string
}

// maxOSRelease bounds how much of os-release is read: the file is a few
// hundred bytes on every distribution, and gathering is on the launch path.
const maxOSRelease = 64 << 10

// readOSRelease reads /etc/os-release, falling back to /usr/lib/os-release
// as os-release(5) prescribes. With neither, ID defaults to "linux".
func readOSRelease(host hostRoot) (osRelease, error) {
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		data, err := host.readFile(p, maxOSRelease)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return osRelease{}, fmt.Errorf("facts: %w", err)
		}
		return parseOSRelease(string(data)), nil
	}
	return osRelease{ID: "linux"}, nil
}

// parseOSRelease parses the shell-like KEY=VALUE lines of os-release(5).
// It never fails: lines it cannot make sense of are ignored, as the
// systemd parser does. A missing ID means "linux".
func parseOSRelease(text string) osRelease {
	r := osRelease{ID: "linux"}
	for rest := text; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		value = unquote(strings.TrimSpace(value))
		switch strings.TrimSpace(key) {
		case "ID":
			if value != "" {
				r.ID = value
			}
		case "VERSION_ID":
			r.VersionID = value
		case "VARIANT_ID":
			r.VariantID = value
		}
	}
	return r
}

// unquote removes the single or double quotes around an os-release value
// and, for double quotes, the backslash escapes inside.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1]
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
		return v[1 : len(v)-1]
	}
	return v
}
