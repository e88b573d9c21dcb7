package mountinfo

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	for _, test := range []struct {
		line string
		want Entry
	}{
		{
			"36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
			Entry{ID: 36, Parent: 35, Major: 98, Minor: 0, Root: "/mnt1", Point: "/mnt2",
				Options: "rw,noatime", Optional: []string{"master:1"}, FSType: "ext3",
				Source: "/dev/root", SuperOptions: "rw,errors=continue"},
		},
		{
			"40 1 0:45 / /tmp/a\\040b rw,relatime shared:7 master:3 unbindable - tmpfs my\\011src rw",
			Entry{ID: 40, Parent: 1, Major: 0, Minor: 45, Root: "/", Point: "/tmp/a b",
				Options: "rw,relatime", Optional: []string{"shared:7", "master:3", "unbindable"},
				FSType: "tmpfs", Source: "my\tsrc", SuperOptions: "rw"},
		},
		{
			"5 4 0:4 mnt:[4026531840] /run/ns/x.mnt rw - nsfs nsfs rw",
			Entry{ID: 5, Parent: 4, Major: 0, Minor: 4, Root: "mnt:[4026531840]",
				Point: "/run/ns/x.mnt", Options: "rw", FSType: "nsfs", Source: "nsfs", SuperOptions: "rw"},
		},
		{
			"7 6 8:1 /back\\134slash /a\\012b ro - ext4 /dev/sda1 ro",
			Entry{ID: 7, Parent: 6, Major: 8, Minor: 1, Root: "/back\\slash", Point: "/a\nb",
				Options: "ro", FSType: "ext4", Source: "/dev/sda1", SuperOptions: "ro"},
		},
	} {
		got, err := Parse(strings.NewReader(test.line + "\n"))
		if err != nil {
			t.Errorf("Parse(%q) failed: %v", test.line, err)
			continue
		}
		if diff := cmp.Diff([]Entry{test.want}, got); diff != "" {
			t.Errorf("Parse(%q) differs (-want +got):\n%s", test.line, diff)
		}
		if back := Format(got); back != test.line+"\n" {
			t.Errorf("Format(Parse(%q)) = %q, want the line back", test.line, back)
		}
	}
}

func TestParseRejects(t *testing.T) {
	good := "1 0 0:1 / / rw - tmpfs tmpfs rw\n"
	for _, test := range []struct {
		line, want string
	}{
		{"1 0 0:1 / / rw tmpfs tmpfs rw", "line 2: 9 fields, want at least 10"},
		{"1 0 0:1 / / rw shared:1 tmpfs tmpfs rw", "line 2: want \"-\" followed by"},
		{"1 0 0:1 / / rw - tmpfs tmpfs rw extra", "line 2: want \"-\" followed by"},
		{"1 0 0:1 / / rw - - tmpfs tmpfs rw", "line 2: more than one \"-\" separator"},
		{"x 0 0:1 / / rw - tmpfs tmpfs rw", "line 2: mount id \"x\": want a non-negative decimal number"},
		{"1 -3 0:1 / / rw - tmpfs tmpfs rw", "line 2: parent id \"-3\""},
		{"1 0 01 / / rw - tmpfs tmpfs rw", "line 2: device \"01\": want major:minor"},
		{"1 0 0:y / / rw - tmpfs tmpfs rw", "line 2: device minor \"y\""},
		{"1 0 0:1 / /a\\9 rw - tmpfs tmpfs rw", "line 2: "},
		{"1 0 0:1 / /a\\08x rw - tmpfs tmpfs rw", "line 2: "},
		{"1 0 0:1 /  / rw - tmpfs tmpfs rw", "line 2: field 5 is empty"},
		{"", "line 2: 1 fields"},
	} {
		_, err := Parse(strings.NewReader(good + test.line + "\n" + good))
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", test.line)
			continue
		}
		if !strings.HasPrefix(err.Error(), "mountinfo: "+test.want) {
			t.Errorf("Parse(%q) error = %q, want prefix %q", test.line, err, "mountinfo: "+test.want)
		}
	}
}

func TestParseEmpty(t *testing.T) {
	got, err := Parse(strings.NewReader(""))
	if err != nil || len(got) != 0 {
		t.Errorf("Parse(\"\") = %v, %v, want no entries and no error", got, err)
	}
}

// TestParseLive parses this machine's own table: real captures must
// always parse and survive a round trip.
func TestParseLive(t *testing.T) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Skipf("skipped: no /proc/self/mountinfo: %v", err)
	}
	entries, err := Parse(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("Parse(/proc/self/mountinfo) failed: %v", err)
	}
	if got := Format(entries); got != string(data) {
		t.Errorf("Format(Parse(/proc/self/mountinfo)) differs from the file:\ngot:\n%s\nwant:\n%s", got, data)
	}
}

// TestParseCapture round-trips a captured table kept in testdata.
func TestParseCapture(t *testing.T) {
	data, err := os.ReadFile("testdata/ubuntu-18.04.mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := Parse(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := Format(entries); got != string(data) {
		t.Errorf("round trip of the capture differs:\n%s", cmp.Diff(string(data), got))
	}
}
