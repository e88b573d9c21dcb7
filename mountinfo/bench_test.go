package mountinfo

import (
	"fmt"
	"strings"
	"testing"
)

// bigTable is a 1000-line table shaped like a busy host's.
func bigTable() string {
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "%d %d 0:%d / /tmp/snap.rootfs_a%05d/x\\040%d rw,relatime shared:%d master:%d - tmpfs tmpfs-%d rw,size=%dk\n",
			100+i, 99+i, 50+i%7, i, i, 1+i%13, 20+i%5, i, 4*i)
	}
	return b.String()
}

func BenchmarkParse(b *testing.B) {
	text := bigTable()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Parse(strings.NewReader(text)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	entries, err := Parse(strings.NewReader(bigTable()))
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Under: "/tmp", Derandomize: true, Sort: true, DropSuperOptions: true}
	for b.Loop() {
		Normalize(entries, opts)
	}
}
