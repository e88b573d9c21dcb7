package kerneltest

import (
	"strings"
	"testing"
)

func TestParseScenarios(t *testing.T) {
	got, err := parseScenarios("x.txt", `# comment
== one
mkdir a
@p mount --bind a b -> EINVAL
mountinfo
  1 0 / /  -   scratch
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].name != "one" || len(got[0].steps) != 3 {
		t.Fatalf("parseScenarios = %+v, want one scenario with three steps", got)
	}
	st := got[0].steps[1]
	if st.proc != "p" || st.wantErr != "EINVAL" || strings.Join(st.args, " ") != "mount --bind a b" || st.line != 4 {
		t.Errorf("step 2 = %+v, want @p mount --bind a b -> EINVAL at line 4", st)
	}
	if want := []string{"1 0 / / - scratch"}; strings.Join(got[0].steps[2].want, "|") != want[0] {
		t.Errorf("mountinfo block = %q, want %q", got[0].steps[2].want, want)
	}
}

func TestParseScenariosErrors(t *testing.T) {
	for _, test := range []struct{ text, want string }{
		{"mkdir a", "x.txt:1: step before the first \"== NAME\""},
		{"== s\n  1 0 / / - x", "x.txt:2: indented line outside a mountinfo block"},
		{"== s\nmount a b -> EWHAT", "x.txt:2: unknown errno \"EWHAT\""},
		{"== s\n@p", "x.txt:2: empty step"},
	} {
		_, err := parseScenarios("x.txt", test.text)
		if err == nil || err.Error() != test.want {
			t.Errorf("parseScenarios(%q) error = %v, want %q", test.text, err, test.want)
		}
	}
}

func TestMinimize(t *testing.T) {
	seq := []string{"setup", "a", "b", "c", "d", "e"}
	// Fails whenever both b and d are present.
	bad := func(s []string) bool {
		j := strings.Join(s, " ")
		return strings.Contains(j, "b") && strings.Contains(j, "d")
	}
	got := strings.Join(minimize(seq, bad), " ")
	if want := "setup b d"; got != want {
		t.Errorf("minimize = %q, want %q", got, want)
	}
}

func TestRandomScriptIsDeterministic(t *testing.T) {
	a := strings.Join(RandomScript(7, 30), "\n")
	b := strings.Join(RandomScript(7, 30), "\n")
	if a != b {
		t.Errorf("RandomScript(7, 30) differs between calls:\n%s\nand\n%s", a, b)
	}
	for _, line := range RandomScript(7, 30) {
		for _, part := range strings.Split(line, " && ") {
			if _, err := parseStep(part); err != nil {
				t.Errorf("RandomScript made an unparsable step %q: %v", part, err)
			}
		}
	}
}

// TestScenarioCoverage pins the scenarios the suite must keep: the snapd
// catalogue (kernel-propagation.md §15), the worked example, the tables
// and the bootstrap.
func TestScenarioCoverage(t *testing.T) {
	names, err := Names()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	required := []string{
		"bind-keeps-sharing", "bind-shadow-propagate", "bind-stack", "mount-in-private",
		"mount-in-shared", "mount-in-slave", "mount-in-unbindable", "propagation-to-slave",
		"propagation-to-shared-slave", "propagation-to-shared-subdirectory", "quiz-a",
		"rbind-fragment", "rbind-order", "rbind-unbindable", "shared-reduction", "slave-reduction",
		"worked-example", "tucking", "umount-propagation", "clone-rules",
		"clone-unbindable-becomes-private", "pivot-root", "pivot-root-errors", "pivot-root-dot-dot",
		"symlinked-mount-point", "classic-bootstrap", "move-errors", "make-errors",
		"handover-other-peers", "handover-sole-peer-with-master", "handover-sole-peer-no-master",
	}
	kinds := []string{"shared", "private", "slave", "unbindable"}
	for _, src := range kinds {
		for _, dst := range kinds {
			required = append(required, "bind-"+src+"-onto-"+dst, "move-"+src+"-onto-"+dst)
		}
	}
	for _, from := range []string{"shared", "slave", "shared-and-slave", "private", "unbindable"} {
		for _, op := range kinds {
			required = append(required, "make-"+op+"-from-"+from)
		}
	}
	for _, n := range required {
		if !have[n] {
			t.Errorf("scenario %q is missing", n)
		}
	}
}

func TestFirstDifference(t *testing.T) {
	want := "mkdir a -> ok\n  main: 1 0 / / - scratch\nmount --bind a b -> ok\n  main: 1 0 / / - scratch\n  main: 2 1 /a /b shared:1 scratch\n"
	got := "mkdir a -> ok\n  main: 1 0 / / - scratch\nmount --bind a b -> ok\n  main: 1 0 / / - scratch\n  main: 2 1 /a /b - scratch\n"
	if d, w := firstDifference(want, got), "mount --bind a b -> ok\n+   main: 2 1 /a /b - scratch\n-   main: 2 1 /a /b shared:1 scratch\n"; d != w {
		t.Errorf("firstDifference = %q, want %q", d, w)
	}
	if d := firstDifference(want, strings.Replace(got, "b -> ok", "b -> EINVAL", 1)); d != "kernel: mount --bind a b -> ok\nfake:   mount --bind a b -> EINVAL" {
		t.Errorf("firstDifference with an errno = %q", d)
	}
}
