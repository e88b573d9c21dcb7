// Command floorgen lowers a program (confine plan --json, on stdin) to the
// system call list that bench/floor replays: one call per line, fields
// separated by tabs,
//
//	name flags uflags mode optional source target fstype data
//
// with flags and modes in decimal. Lowering happens here, ahead of time,
// so that the floor's own run does no parsing beyond splitting lines.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"confine/executor"
	"confine/plan"
)

func main() {
	if err := lower(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "floorgen: %v\n", err)
		os.Exit(1)
	}
}

func lower(r io.Reader, w io.Writer) error {
	var prog plan.Program
	if err := json.NewDecoder(r).Decode(&prog); err != nil {
		return fmt.Errorf("cannot read the program: %w", err)
	}
	out := bufio.NewWriter(w)
	for i, op := range prog.Ops {
		c, err := executor.Lower(op)
		if err != nil {
			return fmt.Errorf("op %d: %w", i+1, err)
		}
		fields := []string{c.Source, c.Target, c.FSType, c.Data}
		for _, f := range fields {
			if strings.ContainsAny(f, "\t\n") {
				return fmt.Errorf("op %d: a tab or newline in %q", i+1, f)
			}
		}
		fmt.Fprintf(out, "%s\t%d\t%d\t%d\t%t\t%s\n", c.Name, c.Flags, c.UFlags, c.Mode, op.Optional, strings.Join(fields, "\t"))
	}
	return out.Flush()
}
