package mountinfo

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics and that whatever it accepts
// survives a round trip through Format.
func FuzzParse(f *testing.F) {
	f.Add("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n")
	f.Add("1 0 0:1 /a\\040b / rw shared:1 master:2 - tmpfs x\\134y rw\n2 1 0:1 / /x rw - t s o")
	f.Add("1 0 0:1 / / rw - tmpfs tmpfs rw\r\n")
	if data, err := os.ReadFile("testdata/ubuntu-18.04.mountinfo"); err == nil {
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, text string) {
		entries, err := Parse(strings.NewReader(text))
		if err != nil {
			return
		}
		again, err := Parse(strings.NewReader(Format(entries)))
		if err != nil {
			t.Fatalf("Parse(Format(Parse(%q))) failed: %v", text, err)
		}
		if !reflect.DeepEqual(entries, again) {
			t.Fatalf("round trip of %q changed it:\nfirst:  %q\nsecond: %q", text, entries, again)
		}
		Normalize(entries, Options{Under: "/a", Derandomize: true, Sort: true})
	})
}
