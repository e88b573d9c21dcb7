package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Scratch is the placeholder for the scratch directory that becomes the new
// root. The executor replaces it with a directory made by mkdtemp(3) from
// ScratchPattern.
const Scratch = "$SCRATCH"

// ScratchPattern is the mkdtemp(3) template of the scratch directory, the
// one snap-confine uses (and its AppArmor policy expects).
const ScratchPattern = "/tmp/snap.rootfs_XXXXXX"

// Program is an ordered mount program together with what it was made from.
type Program struct {
	// Profile names the profile that produced the program (a shipped
	// profile's name or the path the user gave).
	Profile string `json:"profile"`
	// Facts are the host facts the profile was evaluated with, rendered as
	// key=value strings in sorted order, so that a program records what it
	// depends on (the launcher uses this to detect stale namespaces).
	Facts []string `json:"facts,omitempty"`
	Ops   []Op     `json:"ops"`
}

// Format writes the canonical text form: a header comment, then one op per
// line in mount(8) syntax followed by "# file:line" of the profile line
// that made it. Golden files, debug traces and error messages use it.
func (p *Program) Format(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# profile: %s\n", p.Profile)
	for _, f := range p.Facts {
		fmt.Fprintf(&b, "# fact: %s\n", f)
	}
	for _, op := range p.Ops {
		b.WriteString(op.Line())
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Line renders one op with its provenance, as Format prints it.
func (o Op) Line() string {
	suffix := o.Where()
	if o.Optional {
		suffix += " (optional)"
	}
	return o.String() + "  # " + suffix
}

// Text returns the canonical text form as a string.
func (p *Program) Text() string {
	var b strings.Builder
	p.Format(&b)
	return b.String()
}

// JSON returns the indented JSON form, for tools.
func (p *Program) JSON() ([]byte, error) {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// MarshalJSON writes a Kind by name.
func (k Kind) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

// UnmarshalJSON reads a Kind by name.
func (k *Kind) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	kind, ok := ParseKind(s)
	if !ok {
		return fmt.Errorf("unknown op kind %q", s)
	}
	*k = kind
	return nil
}
