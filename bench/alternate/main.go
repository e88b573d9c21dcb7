// Command alternate times commands in rounds, one run of each per round,
// so that a machine that gets busier or quieter during the measurement
// shifts every command alike and the ratios between them stay honest
// (hyperfine runs each command's batch one after another). It prints a
// markdown table of medians and the ratios asked for.
//
//	alternate [-r ROUNDS] [-json FILE] SPEC
//
// SPEC has one entry a line, fields separated by tabs:
//
//	run	NAME	PREPARE	COMMAND     time COMMAND (split on spaces, no
//	                                shell); PREPARE ("-" for none) runs
//	                                through sh -c before it, untimed
//	ratio	A	B                   report median(A) / median(B)
//
// The first round is a warm-up and is not counted.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

type entry struct {
	name, prepare string
	argv          []string
	wall, cpu     []time.Duration
}

type ratio struct{ a, b string }

func main() {
	rounds := flag.Int("r", 100, "timed rounds")
	jsonOut := flag.String("json", "", "also write the raw times to `FILE`")
	flag.Parse()
	if flag.NArg() != 1 || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "usage: alternate [-r ROUNDS] [-json FILE] SPEC")
		os.Exit(2)
	}
	entries, ratios, err := readSpec(flag.Arg(0))
	if err == nil {
		err = measure(entries, *rounds)
	}
	if err == nil && *jsonOut != "" {
		err = writeJSON(*jsonOut, entries)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "alternate: %v\n", err)
		os.Exit(1)
	}
	report(entries, ratios, *rounds)
}

func readSpec(file string) ([]*entry, []ratio, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var entries []*entry
	var ratios []ratio
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		switch {
		case f[0] == "run" && len(f) == 4 && len(strings.Fields(f[3])) > 0:
			entries = append(entries, &entry{name: f[1], prepare: f[2], argv: strings.Fields(f[3])})
		case f[0] == "ratio" && len(f) == 3:
			ratios = append(ratios, ratio{f[1], f[2]})
		default:
			return nil, nil, fmt.Errorf("%s:%d: want run<TAB>NAME<TAB>PREPARE<TAB>COMMAND or ratio<TAB>A<TAB>B", file, n)
		}
	}
	return entries, ratios, sc.Err()
}

func measure(entries []*entry, rounds int) error {
	// Output goes to a file, not a pipe: a pipe would add copying
	// goroutines to every timed run.
	log, err := os.CreateTemp("", "alternate-")
	if err != nil {
		return err
	}
	defer os.Remove(log.Name())
	defer log.Close()
	for round := 0; round <= rounds; round++ {
		for _, e := range entries {
			if e.prepare != "-" {
				if out, err := exec.Command("sh", "-c", e.prepare).CombinedOutput(); err != nil {
					return fmt.Errorf("%s: prepare: %v\n%s", e.name, err, out)
				}
			}
			c := exec.Command(e.argv[0], e.argv[1:]...)
			log.Truncate(0)
			log.Seek(0, 0)
			c.Stdout, c.Stderr = log, log
			start := time.Now()
			err := c.Run()
			wall := time.Since(start)
			if err != nil {
				out, _ := os.ReadFile(log.Name())
				return fmt.Errorf("%s: %v\n%s", e.name, err, out)
			}
			if round > 0 {
				e.wall = append(e.wall, wall)
				e.cpu = append(e.cpu, c.ProcessState.UserTime()+c.ProcessState.SystemTime())
			}
		}
	}
	return nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/1e6) }

func report(entries []*entry, ratios []ratio, rounds int) {
	byName := map[string]*entry{}
	fmt.Printf("%d alternating rounds (after one warm-up round)\n\n", rounds)
	fmt.Println("| command | median wall ms | median CPU ms (user+sys) |")
	fmt.Println("|---|---|---|")
	for _, e := range entries {
		byName[e.name] = e
		fmt.Printf("| %s | %s | %s |\n", e.name, ms(median(e.wall)), ms(median(e.cpu)))
	}
	if len(ratios) == 0 {
		return
	}
	fmt.Println("\n| ratio | wall | CPU |")
	fmt.Println("|---|---|---|")
	for _, r := range ratios {
		a, b := byName[r.a], byName[r.b]
		if a == nil || b == nil {
			fmt.Printf("| %s / %s | (unknown name) | |\n", r.a, r.b)
			continue
		}
		fmt.Printf("| %s / %s | %.2f | %.2f |\n", r.a, r.b,
			float64(median(a.wall))/float64(median(b.wall)), float64(median(a.cpu))/float64(median(b.cpu)))
	}
}

func writeJSON(file string, entries []*entry) error {
	type result struct {
		Name   string  `json:"name"`
		Wall   []int64 `json:"wall_ns"`
		CPU    []int64 `json:"cpu_ns"`
		Median int64   `json:"median_wall_ns"`
	}
	var rs []result
	for _, e := range entries {
		r := result{Name: e.name, Median: int64(median(e.wall))}
		for i := range e.wall {
			r.Wall = append(r.Wall, int64(e.wall[i]))
			r.CPU = append(r.CPU, int64(e.cpu[i]))
		}
		rs = append(rs, r)
	}
	data, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return err
	}
	return errors.Join(os.WriteFile(file, append(data, '\n'), 0o644))
}
