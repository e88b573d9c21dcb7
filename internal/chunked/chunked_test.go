package chunked

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder collects reported failures.
type recorder struct{ msgs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}

func TestRead(t *testing.T) {
	file := filepath.Join(t.TempDir(), "x.star")
	src := "a = 1\nb() ### \"undefined\"\n---\nc = 2\n---\nd ### \"x\"\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	chunks := Read(file, r)
	if len(chunks) != 3 {
		t.Fatalf("got %d chunks, want 3", len(chunks))
	}
	for _, test := range []struct {
		chunk   int
		line    int
		expects bool
	}{{0, 1, true}, {1, 4, false}, {2, 6, true}} {
		c := chunks[test.chunk]
		if c.Line != test.line || c.Expects() != test.expects {
			t.Errorf("chunk %d: got line %d expects %v, want %d %v", test.chunk, c.Line, c.Expects(), test.line, test.expects)
		}
		if n := strings.Count(c.Source[:strings.Index(c.Source, strings.TrimLeft(c.Source, "\n"))], "\n"); n != test.line-1 {
			t.Errorf("chunk %d: got %d padding lines, want %d", test.chunk, n, test.line-1)
		}
	}
	chunks[0].GotError(2, "name undefined: b")
	chunks[0].Done()
	chunks[2].GotError(6, "nope")
	chunks[2].Done()
	chunks[1].GotError(4, "boom")
	if len(r.msgs) != 2 || !strings.Contains(r.msgs[0], "want match") || !strings.Contains(r.msgs[1], "unexpected error") {
		t.Errorf("got reports %q, want a mismatch and an unexpected error", r.msgs)
	}
}
