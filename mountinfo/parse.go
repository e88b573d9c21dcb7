package mountinfo

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	moby "github.com/moby/sys/mountinfo"
)

// Parse reads a mountinfo table as the kernel writes it (fs/proc_namespace.c
// show_mountinfo). Paths and the source are unescaped, optional fields keep
// the kernel's order, and a line without optional fields has a nil Optional,
// so Parse(Format(x)) gives back x.
//
// The field split and unescaping are github.com/moby/sys/mountinfo's, the
// parser every container runtime uses on real captures. moby is lenient (it
// ignores bad numbers and extra fields and reports no line numbers), so each
// line is checked here first and a malformed one is rejected with its number.
func Parse(r io.Reader) ([]Entry, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("mountinfo: %w", err)
	}
	text := string(data)
	if text == "" {
		return nil, nil
	}
	text = strings.TrimSuffix(text, "\n")
	lines := strings.Split(text, "\n")
	entries := make([]Entry, len(lines))
	for i, line := range lines {
		if err := checkLine(line, &entries[i]); err != nil {
			return nil, fmt.Errorf("mountinfo: line %d: %v", i+1, err)
		}
	}
	// One pass of moby's parser over the checked text; only if it fails
	// (a bad escape) is it run line by line to find the culprit.
	infos, err := moby.GetMountsFromReader(strings.NewReader(text), nil)
	if err != nil || len(infos) != len(lines) {
		for i, line := range lines {
			if _, err := moby.GetMountsFromReader(strings.NewReader(line), nil); err != nil {
				return nil, fmt.Errorf("mountinfo: line %d: %v", i+1, err)
			}
		}
		return nil, fmt.Errorf("mountinfo: parser returned %d entries for %d lines", len(infos), len(lines))
	}
	for i, info := range infos {
		e := &entries[i]
		e.Root = info.Root
		e.Point = info.Mountpoint
		e.Options = info.Options
		e.FSType = info.FSType
		e.Source = info.Source
		e.SuperOptions = info.VFSOptions
	}
	return entries, nil
}

// checkLine checks one line's shape and fills in the fields moby parses
// leniently: the numbers and the optional fields.
func checkLine(line string, e *Entry) error {
	fields := strings.Split(line, " ")
	n := len(fields)
	if n < 10 {
		return fmt.Errorf("%d fields, want at least 10", n)
	}
	for j, f := range fields {
		if f == "" {
			return fmt.Errorf("field %d is empty", j+1)
		}
	}
	// The kernel escapes spaces, so exactly three fields follow the
	// separator: fstype, source and super options.
	if fields[n-4] != "-" {
		return fmt.Errorf("want \"-\" followed by fstype, source and super options, got %q", strings.Join(fields[n-4:], " "))
	}
	for _, tag := range fields[6 : n-4] {
		if tag == "-" {
			return fmt.Errorf("more than one \"-\" separator")
		}
	}
	var err error
	if e.ID, err = number("mount id", fields[0]); err != nil {
		return err
	}
	if e.Parent, err = number("parent id", fields[1]); err != nil {
		return err
	}
	major, minor, ok := strings.Cut(fields[2], ":")
	if !ok {
		return fmt.Errorf("device %q: want major:minor", fields[2])
	}
	if e.Major, err = number("device major", major); err != nil {
		return err
	}
	if e.Minor, err = number("device minor", minor); err != nil {
		return err
	}
	if n > 10 {
		e.Optional = append([]string(nil), fields[6:n-4]...)
	}
	return nil
}

// number parses a non-negative decimal field of mountinfo.
func number(what, s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("%s %q: want a non-negative decimal number", what, s)
	}
	return v, nil
}
