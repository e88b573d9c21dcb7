package apparmor

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// parse runs the real apparmor_parser on policy without loading it into
// a kernel (-Q), without touching its cache (-K -T), and against a fixed
// feature set, so that it works in an unprivileged container with no
// AppArmor in the kernel. Without a kernel feature set the parser drops
// mount rules with only a warning ("mount rules not enforced"); with the
// ABI 3.0 feature set and --Werror=rule-not-enforced every mount, umount
// and pivot_root rule is compiled, and one it cannot compile fails.
func parse(t *testing.T, policy string) (output string, err error) {
	t.Helper()
	parser, lookErr := exec.LookPath("apparmor_parser")
	if lookErr != nil {
		for _, p := range []string{"/usr/sbin/apparmor_parser", "/sbin/apparmor_parser"} {
			if _, statErr := os.Stat(p); statErr == nil {
				parser, lookErr = p, nil
			}
		}
	}
	if lookErr != nil {
		t.Skip("apparmor_parser is not installed (apt-get install apparmor); .ci/run installs it")
	}
	var features string
	for _, f := range []string{"/etc/apparmor.d/abi/3.0", "/usr/share/apparmor-features/features"} {
		if _, err := os.Stat(f); err == nil {
			features = f
			break
		}
	}
	if features == "" {
		t.Skip("no AppArmor feature set (/etc/apparmor.d/abi/3.0) to compile mount rules against")
	}
	file := filepath.Join(t.TempDir(), "confine.apparmor")
	if err := os.WriteFile(file, []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(parser, "--skip-kernel-load", "--skip-cache", "--skip-read-cache",
		"--kernel-features", features, "--Werror=rule-not-enforced", file).CombinedOutput()
	return string(out), err
}

func TestParserAcceptsPolicy(t *testing.T) {
	pol, err := NewPolicy(smallConfig, loadProgram(t, "small.json"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := parse(t, pol.Text()); err != nil {
		t.Errorf("apparmor_parser rejected the policy: %v\n%s", err, out)
	}
}

// TestParserRejectsBrokenPolicy shows that the parser check is not
// vacuous: a rule the parser cannot compile fails it.
func TestParserRejectsBrokenPolicy(t *testing.T) {
	pol, err := NewPolicy(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"  mount options=(rw bogus) -> /x/,\n",
		"  mount options=(rw bind) /a{b -> /x/,\n",
	} {
		text := strings.Replace(pol.Text(), "\n}\n", "\n"+bad+"}\n", 1)
		if out, err := parse(t, text); err == nil {
			t.Errorf("apparmor_parser accepted %q, want an error\n%s", bad, out)
		}
	}
}
