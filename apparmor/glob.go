package apparmor

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Glob is a compiled AppArmor path pattern (apparmor.d(5), "Globbing").
//
// The semantics follow apparmor_parser's translation of patterns into
// regular expressions rather than shell globbing, because that is what
// the kernel enforces:
//
//   - `*` matches any run of characters other than `/`, `**` any run
//     including `/`, `?` one character other than `/`;
//   - a `*` or `**` that starts a path element and runs to the next `/` or
//     the end must match at least one character, so `/tmp/*` does not
//     match `/tmp/` and `/*/x` does not match `//x`;
//   - `[abc]`, `[a-z]` and `[^abc]` are character classes;
//   - `{a,b,c}` is an alternation, possibly nested and possibly with an
//     empty member (`/dir{,/}`), and needs at least two members;
//   - `\` escapes the next character.
//
// Matching is on UTF-8 text: a byte that is not valid UTF-8 matches any
// other invalid byte, a limit of Go's regexp package that no path this
// generator writes runs into.
type Glob struct {
	pattern string
	re      *regexp.Regexp
}

// CompileGlob parses an AppArmor path pattern.
func CompileGlob(pattern string) (*Glob, error) {
	expr, err := globToRegexp(pattern)
	if err != nil {
		return nil, fmt.Errorf("glob %q: %w", pattern, err)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("glob %q: %w", pattern, err)
	}
	return &Glob{pattern: pattern, re: re}, nil
}

// Match reports whether the whole of path matches the pattern.
func (g *Glob) Match(path string) bool { return g.re.MatchString(path) }

// String returns the pattern as written.
func (g *Glob) String() string { return g.pattern }

// globToRegexp translates the pattern into an anchored Go regular
// expression. It mirrors the parser's character-by-character translation,
// including its rule that decides whether a star may match nothing: that
// rule looks at the regular expression emitted so far, not at the pattern.
func globToRegexp(pattern string) (string, error) {
	var b strings.Builder
	b.WriteString(`^`)
	depth := 0        // nesting of {}
	var members []int // members seen so far at each {} depth
	inClass := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if inClass {
			switch c {
			case ']':
				inClass = false
				b.WriteByte(']')
			case '\\':
				if i+1 == len(pattern) {
					return "", errors.New("trailing backslash")
				}
				i++
				b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
			case '[':
				b.WriteString(`\[`)
			default:
				b.WriteByte(c)
			}
			continue
		}
		switch c {
		case '\\':
			if i+1 == len(pattern) {
				return "", errors.New("trailing backslash")
			}
			i++
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		case '*':
			stars := 1
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				stars = 2
			}
			// A star run opening a path element that extends to the next
			// slash or the end must not be empty.
			end := i
			for end < len(pattern) && pattern[end] == '*' {
				end++
			}
			if strings.HasSuffix(b.String(), "/") && (end == len(pattern) || pattern[end] == '/') {
				b.WriteString(`[^/]`)
			}
			if stars == 2 {
				b.WriteString(`.*`)
			} else {
				b.WriteString(`[^/]*`)
			}
			i += stars - 1
		case '?':
			b.WriteString(`[^/]`)
		case '[':
			inClass = true
			b.WriteByte('[')
			if i+1 < len(pattern) && pattern[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(pattern) && pattern[i+1] == ']' {
				return "", errors.New("empty character class")
			}
		case ']':
			return "", errors.New("unmatched ]")
		case '{':
			depth++
			members = append(members, 0)
			b.WriteString(`(?:`)
		case '}':
			if depth == 0 {
				return "", errors.New("unmatched }")
			}
			if members[depth-1] == 0 {
				return "", errors.New("alternation needs at least two members")
			}
			depth--
			members = members[:depth]
			b.WriteByte(')')
		case ',':
			if depth > 0 {
				members[depth-1]++
				b.WriteByte('|')
			} else {
				b.WriteByte(',')
			}
		default:
			r, size := utf8.DecodeRuneInString(pattern[i:])
			b.WriteString(regexp.QuoteMeta(string(r)))
			i += size - 1
		}
	}
	if inClass {
		return "", errors.New("unclosed [")
	}
	if depth > 0 {
		return "", errors.New("unclosed {")
	}
	b.WriteString(`$`)
	return b.String(), nil
}
