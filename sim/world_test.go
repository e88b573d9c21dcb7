package sim

import (
	"testing"

	"golang.org/x/sys/unix"

	"confine/hosts"
)

// Every mount of every fixture can be reached on the seeded host: the
// topmost mount at each point stats with that mount's device. Fedora's
// /home, a second subvolume of the btrfs at "/", is the case that once
// failed (its root was outside the first mount's tree), which is what
// made `confine simulate --profile merged-usr --host fedora` fail with
// "mount --rbind /home …: Not a directory".
func TestWorldReachesEveryMount(t *testing.T) {
	for _, name := range hosts.Fixtures() {
		h, err := hosts.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		host, _, err := newWorld(h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range h.Mounts {
			top, ok := topmost(h.Mounts, e.Point)
			if !ok || top.ID != e.ID || e.FSType == "nsfs" {
				continue
			}
			st, err := host.Lstat(e.Point)
			want := unix.Mkdev(uint32(e.Major), uint32(e.Minor))
			if err != nil || !st.IsDir() || st.Dev != want {
				t.Errorf("%s: Lstat(%s) = %v dev %d, %v, want a directory on %d:%d", name, e.Point, st.Mode, st.Dev, err, e.Major, e.Minor)
			}
		}
	}
}
