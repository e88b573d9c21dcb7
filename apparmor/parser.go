package apparmor

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoParser is returned by Parse when apparmor_parser or a feature set
// to compile against is not installed.
var ErrNoParser = errors.New("apparmor_parser or /etc/apparmor.d/abi/3.0 is not installed (apt-get install apparmor)")

// Parse runs the real apparmor_parser on policy without loading it into
// a kernel, so that it works unprivileged and in a container without
// AppArmor. It skips the kernel load (-Q) and the cache (-K -T) and
// compiles against the installed ABI 3.0 feature set: without a feature
// set the parser drops mount rules with nothing but a warning ("mount rules
// not enforced"), so --Werror=rule-not-enforced makes sure that every
// mount, umount and pivot_root rule was really compiled. The error carries
// the parser's output.
func Parse(policy string) error {
	parser, err := exec.LookPath("apparmor_parser")
	if err != nil {
		for _, p := range []string{"/usr/sbin/apparmor_parser", "/sbin/apparmor_parser"} {
			if _, statErr := os.Stat(p); statErr == nil {
				parser, err = p, nil
				break
			}
		}
	}
	if err != nil {
		return ErrNoParser
	}
	features := ""
	for _, f := range []string{"/etc/apparmor.d/abi/3.0", "/usr/share/apparmor-features/features"} {
		if _, err := os.Stat(f); err == nil {
			features = f
			break
		}
	}
	if features == "" {
		return ErrNoParser
	}
	dir, err := os.MkdirTemp("", "confine-apparmor-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "confine")
	if err := os.WriteFile(file, []byte(policy), 0o644); err != nil {
		return err
	}
	out, err := exec.Command(parser, "--skip-kernel-load", "--skip-cache", "--skip-read-cache",
		"--kernel-features", features, "--Werror=rule-not-enforced", file).CombinedOutput()
	if err != nil {
		return fmt.Errorf("apparmor_parser: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
