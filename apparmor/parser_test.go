package apparmor

import (
	"errors"
	"strings"
	"testing"
)

// parse runs Parse, skipping the test where the parser is missing.
func parse(t *testing.T, policy string) error {
	t.Helper()
	err := Parse(policy)
	if errors.Is(err, ErrNoParser) {
		t.Skip(err)
	}
	return err
}

func TestParserAcceptsPolicy(t *testing.T) {
	pol, err := NewPolicy(smallConfig, loadProgram(t, "small.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := parse(t, pol.Text()); err != nil {
		t.Errorf("apparmor_parser rejected the policy: %v", err)
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
		if err := parse(t, text); err == nil {
			t.Errorf("apparmor_parser accepted %q, want an error", bad)
		}
	}
}
