// Package chunked reads "chunked" Starlark test files: a file split by
// lines holding only "---" into independent programs, where a comment
// `### "regexp"` on a line says that running the chunk must fail with an
// error on that line matching regexp. One test run reports every
// discrepancy in every chunk.
//
// It plays the role of go.starlark.net's internal/chunkedfile, which other
// modules cannot import.
package chunked

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Reporter receives test failures; *testing.T satisfies it.
type Reporter interface {
	Errorf(format string, args ...any)
	Helper()
}

// Chunk is one independent program of a chunked file.
type Chunk struct {
	// Source is the chunk's text, preceded by blank lines so that its
	// line numbers are those of the whole file.
	Source string
	// File is the name of the chunked file, Line the chunk's first line.
	File string
	Line int
	// wants maps a line number to the expected error pattern.
	wants  map[int]*regexp.Regexp
	report Reporter
}

var wantRE = regexp.MustCompile("###\\s*(\".*\"|`.*`)\\s*$")

// Read reads a chunked file, reporting malformed expectations to r.
func Read(file string, r Reporter) []*Chunk {
	r.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		r.Errorf("%v", err)
		return nil
	}
	var chunks []*Chunk
	lines := strings.Split(string(data), "\n")
	start := 0
	for i := 0; i <= len(lines); i++ {
		if i < len(lines) && strings.TrimSpace(lines[i]) != "---" {
			continue
		}
		c := &Chunk{File: file, Line: start + 1, wants: map[int]*regexp.Regexp{}, report: r}
		c.Source = strings.Repeat("\n", start) + strings.Join(lines[start:i], "\n") + "\n"
		for j := start; j < i; j++ {
			m := wantRE.FindStringSubmatch(lines[j])
			if m == nil {
				continue
			}
			pattern, err := strconv.Unquote(m[1])
			if err != nil {
				r.Errorf("%s:%d: bad ### string %s: %v", file, j+1, m[1], err)
				continue
			}
			re, err := regexp.Compile(pattern)
			if err != nil {
				r.Errorf("%s:%d: bad ### regexp: %v", file, j+1, err)
				continue
			}
			c.wants[j+1] = re
		}
		chunks = append(chunks, c)
		start = i + 1
	}
	return chunks
}

// Expects reports whether the chunk expects any error.
func (c *Chunk) Expects() bool { return len(c.wants) > 0 }

// GotError reports an error at line with message msg: it must match the
// expectation on that line, which is then used up.
func (c *Chunk) GotError(line int, msg string) {
	c.report.Helper()
	re, ok := c.wants[line]
	if !ok {
		c.report.Errorf("%s:%d: unexpected error: %s", c.File, line, msg)
		return
	}
	delete(c.wants, line)
	if !re.MatchString(msg) {
		c.report.Errorf("%s:%d: got error %q, want match for %q", c.File, line, msg, re)
	}
}

// Done reports every expectation that no error used up.
func (c *Chunk) Done() {
	c.report.Helper()
	for line, re := range c.wants {
		c.report.Errorf("%s:%d: expected error matching %q, got none", c.File, line, re)
	}
}

// String names the chunk as file:line.
func (c *Chunk) String() string { return fmt.Sprintf("%s:%d", c.File, c.Line) }
