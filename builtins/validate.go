package builtins

import (
	"fmt"
	"path"
	"strings"
	"unicode"

	"confine/plan"
)

// checkPath reports whether p may be recorded as a path: non-empty,
// absolute or under the $SCRATCH placeholder, and clean (no "..", no
// "//", no trailing slash), so that what the program says is exactly what
// the executor will resolve. param names the parameter in the error.
func checkPath(param, p string) error {
	if p == "" {
		return fmt.Errorf("for parameter %s: empty path", param)
	}
	if err := checkText(param, p); err != nil {
		return err
	}
	rest := p
	switch {
	case p == plan.Scratch:
		return nil
	case strings.HasPrefix(p, plan.Scratch+"/"):
		rest = strings.TrimPrefix(p, plan.Scratch)
	case strings.HasPrefix(p, "$"):
		return fmt.Errorf("for parameter %s: %q: unknown placeholder (only %s is defined)", param, p, plan.Scratch)
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("for parameter %s: %q: path must be absolute or start with %s/", param, p, plan.Scratch)
	}
	for _, elem := range strings.Split(rest, "/") {
		if elem == ".." {
			return fmt.Errorf("for parameter %s: %q: path must not contain \"..\"", param, p)
		}
	}
	if path.Clean(rest) != rest || (len(p) > 1 && strings.HasSuffix(p, "/")) {
		return fmt.Errorf("for parameter %s: %q: path must be clean (want %q)", param, p, cleanWith(p))
	}
	return nil
}

// cleanWith suggests the clean form of p, placeholder kept.
func cleanWith(p string) string {
	if rest, ok := strings.CutPrefix(p, plan.Scratch); ok {
		c := path.Clean("/" + rest)
		if c == "/" {
			return plan.Scratch
		}
		return plan.Scratch + c
	}
	return path.Clean(p)
}

// checkText rejects strings that would not survive the one-line text form
// of the program: whitespace, control characters and NUL.
func checkText(param, s string) error {
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("for parameter %s: %q: must not contain whitespace or control characters", param, s)
		}
	}
	return nil
}

// isUnder reports whether p is dir or beneath it (both clean).
func isUnder(p, dir string) bool {
	if p == dir {
		return true
	}
	if dir == "/" {
		return strings.HasPrefix(p, "/")
	}
	return strings.HasPrefix(p, dir+"/")
}
