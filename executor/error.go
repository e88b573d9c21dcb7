package executor

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"confine/plan"
)

// OpError is a failed op: which one, where the profile asked for it, and
// the errno the kernel gave. Its text is snap-confine's:
//
//	cannot perform operation: mount --rbind /x /y: No such file or directory (classic.star:42)
type OpError struct {
	Index   int        // the op's index in the program
	Op      plan.Op    // the op as the program holds it (placeholders kept)
	Command string     // the op in mount(8) syntax with placeholders substituted
	Where   string     // the op's provenance, as plan.Op.Where renders it
	Errno   unix.Errno // the kernel's errno; 0 when the failure was not a system call's
	Err     error      // the underlying error (a *linux.Error on the real side)
	// Leftovers are host paths of directories the program created that
	// could not be removed from inside the namespace (they are mount
	// points there), deepest first. The caller removes them (rmdir, so
	// only while empty) from the original namespace, where they are not.
	Leftovers []string
}

func (e *OpError) Error() string {
	detail := e.Err.Error()
	if e.Errno != 0 {
		detail = strerror(e.Errno)
	}
	return fmt.Sprintf("cannot perform operation: %s: %s (%s)", e.Command, detail, e.Where)
}

// Unwrap gives the underlying error, so errors.Is(err, unix.ENOENT) holds.
func (e *OpError) Unwrap() error { return e.Err }

func newOpError(i int, op, substituted plan.Op, err error) *OpError {
	e := &OpError{Index: i, Op: op, Command: substituted.String(), Where: op.Where(), Err: err}
	errors.As(err, &e.Errno)
	return e
}

func isErrno(err error, errno unix.Errno) bool {
	var e unix.Errno
	return errors.As(err, &e) && e == errno
}

// strerror renders an errno as strerror(3) does, with a capital letter, so
// that messages match snap-confine's word for word.
func strerror(errno unix.Errno) string {
	s := errno.Error()
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
