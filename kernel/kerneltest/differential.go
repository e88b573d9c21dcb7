package kerneltest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// DiffOptions bounds Differential.
type DiffOptions struct {
	Seed      uint64 // the sequences are a pure function of Seed
	Sequences int    // how many random sequences
	Ops       int    // steps per sequence
}

// Differential runs random sequences of mount operations over a small tree
// on two sides (the real kernel and the fake) and compares, after every
// step, the errno and the normalized table with per-mount options. On a
// mismatch it minimizes the sequence (dropping steps while the two sides
// still disagree) and reports the minimized script with both transcripts.
func Differential(t *testing.T, opts DiffOptions, want, got NewEnv) {
	t.Helper()
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	for i := 0; i < opts.Sequences; i++ {
		seq := randomSequence(rng, opts.Ops)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			// mismatch reports whether the sides disagree on s. A script
			// the minimizer broke (a step on a process whose unshare it
			// dropped) does not count as a disagreement.
			mismatch := func(s []string) (bool, string, string) {
				a, errA := transcript(t, want, s)
				b, errB := transcript(t, got, s)
				if errA != nil || errB != nil {
					return false, "", ""
				}
				return a != b, a, b
			}
			if _, err := transcript(t, want, seq); err != nil {
				t.Fatalf("random script is broken: %v", err)
			}
			if bad, _, _ := mismatch(seq); !bad {
				return
			}
			small := minimize(seq, func(s []string) bool { bad, _, _ := mismatch(s); return bad })
			_, a, b := mismatch(small)
			t.Errorf("sides disagree; minimized from %d to %d steps:\n%s\nfirst difference (+ fake only, - kernel only):\n%s\nkernel (want):\n%s\nfake (got):\n%s",
				len(seq), len(small), strings.Join(small, "\n"), firstDifference(a, b), a, b)
		})
	}
}

// firstDifference shows the first step whose outcome or table differs
// between two transcripts, with the lines only one side has.
func firstDifference(want, got string) string {
	w, g := steps(want), steps(got)
	for i := 0; i < len(w) && i < len(g); i++ {
		if w[i][0] != g[i][0] {
			return fmt.Sprintf("kernel: %s\nfake:   %s", w[i][0], g[i][0])
		}
		if !equalLines(w[i][1:], g[i][1:]) {
			return w[i][0] + "\n" + diffLines(g[i][1:], w[i][1:])
		}
	}
	return "(none found)"
}

// steps splits a transcript into blocks: a step line and its table lines.
func steps(transcript string) [][]string {
	var out [][]string
	for _, l := range strings.Split(strings.TrimSuffix(transcript, "\n"), "\n") {
		if !strings.HasPrefix(l, "  ") || len(out) == 0 {
			out = append(out, []string{l})
			continue
		}
		out[len(out)-1] = append(out[len(out)-1], l)
	}
	return out
}

// paths are the places random steps act on: a few directories, nested, a
// symlink s to a and a regular file f (both made once, at the start),
// since targets are resolved following symlinks and files and directories
// do not mix.
var paths = []string{"a", "b", "c", "a/1", "a/2", "b/1", "c/1", "a/1/1", "s", "s/1", "f"}

// randomSequence makes one script. It starts by creating the
// directories; since a new mount hides what was under it, the directories
// are often created again. Shared mounts are favoured, since propagation
// is where the fake can go wrong.
func randomSequence(rng *rand.Rand, n int) []string {
	mkdirs := "mkdir a b c a/1 a/2 b/1 c/1 a/1/1"
	seq := []string{mkdirs + " && symlink a s && touch f"}
	procs := []string{"main"}
	pivoted := map[string]bool{}
	pick := func() string { return paths[rng.IntN(len(paths))] }
	// The scratch root itself may change propagation or be a bind source
	// (so that mounts on a, b, c can propagate), but is never unmounted or
	// moved: the Env must keep it.
	pickOrRoot := func() string {
		if rng.IntN(4) == 0 {
			return "a/.." // the scratch root, once cleaned
		}
		return pick()
	}
	kinds := []string{"shared", "shared", "shared", "slave", "slave", "private", "unbindable"}
	for i := 0; i < n; i++ {
		var s string
		switch r := rng.IntN(100); {
		case r < 15:
			s = mkdirs
		case r < 30:
			s = fmt.Sprintf("mount -t tmpfs t%d %s", i, pick())
		case r < 45:
			s = "mount --bind " + pickOrRoot() + " " + pick()
		case r < 55:
			s = "mount --rbind " + pickOrRoot() + " " + pick()
		case r < 62:
			s = "mount --move " + pick() + " " + pick()
		case r < 90:
			rec := ""
			if rng.IntN(3) == 0 {
				rec = "r"
			}
			s = "mount --make-" + rec + kinds[rng.IntN(len(kinds))] + " " + pickOrRoot()
		case r < 93:
			s = "umount " + pick()
		case r < 94:
			s = "umount --no-follow " + pick()
		case r < 96:
			s = "umount -l " + pick()
		case r < 97:
			s = "mount -o remount,bind,ro " + pick()
		default:
			// Up to two more processes, each in a copy of the namespace
			// of one that exists; later steps may run in any of them,
			// and every table is compared.
			if len(procs) < 3 {
				name := []string{"p", "q"}[len(procs)-1]
				s = "unshare " + name
				if parent := procs[rng.IntN(len(procs))]; parent != "main" {
					s = "@" + parent + " " + s
				}
				procs = append(procs, name)
				seq = append(seq, s)
				continue
			}
			// Once there are three, one of the others may pivot into a
			// self-bind of a directory and drop the old root at once (so
			// its table never shows the host), after which its paths are
			// taken from its new root.
			if name := procs[1+rng.IntN(2)]; !pivoted[name] {
				pivoted[name] = true
				root := []string{"a", "b", "a/1"}[rng.IntN(3)]
				seq = append(seq, fmt.Sprintf("@%[1]s mount --bind %[2]s %[2]s && @%[1]s mkdir %[2]s/1 && @%[1]s pivot_root %[2]s %[2]s/1 && @%[1]s umount -l /1", name, root))
				continue
			}
			s = mkdirs
		}
		if len(procs) > 1 && rng.IntN(3) == 0 {
			s = "@" + procs[1+rng.IntN(len(procs)-1)] + " " + s
		}
		seq = append(seq, s)
	}
	return seq
}

// maxMounts bounds the tables of one random sequence, all processes
// together.
const maxMounts = 300

// transcript runs a script on a fresh Env and records every step's
// outcome and the table after it. A failed step is recorded, not fatal.
func transcript(t *testing.T, newEnv NewEnv, script []string) (string, error) {
	x := newExecutor(newEnv(t))
	defer x.close()
	var b strings.Builder
	for _, line := range script {
		outcome := "ok"
		for _, part := range strings.Split(line, " && ") {
			st, err := parseStep(part)
			if err != nil {
				return "", err
			}
			_, err = x.do(st)
			var bad *scriptError
			if errors.As(err, &bad) {
				return "", fmt.Errorf("%s: %v", line, err)
			}
			if err != nil {
				outcome = errnoName(err)
				break
			}
		}
		fmt.Fprintf(&b, "%s -> %s\n", line, outcome)
		mounts := 0
		for _, name := range []string{"main", "p", "q"} {
			p, ok := x.procs[name]
			if !ok {
				continue
			}
			table, err := p.table(true)
			if err != nil {
				return "", err
			}
			for _, l := range table {
				fmt.Fprintf(&b, "  %s: %s\n", name, l)
			}
			mounts += len(table)
		}
		// rbinds of shared trees into themselves grow tables
		// exponentially (sharedsubtree.rst); past a few hundred mounts a
		// sequence says nothing new and only costs time.
		if mounts > maxMounts {
			fmt.Fprintf(&b, "(stopped: %d mounts)\n", mounts)
			break
		}
	}
	return b.String(), nil
}

// minimize drops steps (one at a time, the first step with the mkdirs
// excepted, until no single drop keeps the failure) while bad still holds.
func minimize(seq []string, bad func([]string) bool) []string {
	for changed := true; changed; {
		changed = false
		for i := len(seq) - 1; i >= 1; i-- {
			try := append(append([]string(nil), seq[:i]...), seq[i+1:]...)
			if bad(try) {
				seq = try
				changed = true
			}
		}
	}
	return seq
}
