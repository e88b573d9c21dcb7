package sim

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"confine/internal/golden"
)

func TestTree(t *testing.T) {
	table := parse(t, `1 0 8:1 / / rw shared:1 - ext4 /dev/sda1 rw
2 1 0:2 / /run rw master:2 - tmpfs tmpfs rw
3 2 0:2 /netns /run/netns rw shared:3 master:2 - tmpfs tmpfs rw
4 1 8:1 /media /media rw - ext4 /dev/sda1 rw
5 4 0:5 / /media rw unbindable - tmpfs stacked rw
`)
	want := `TARGET         SOURCE            FSTYPE PROPAGATION
/              /dev/sda1         ext4   shared
├─/run         tmpfs             tmpfs  slave
│ └─/run/netns tmpfs[/netns]     tmpfs  shared,slave
└─/media       /dev/sda1[/media] ext4   private
  └─/media     stacked           tmpfs  unbindable
`
	if got := Tree(table); got != want {
		t.Errorf("Tree:\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// The findmnt-like tree of the classic profile on Ubuntu, pinned.
func TestTreeGolden(t *testing.T) {
	s := simulate(t, "classic", "ubuntu-classic")
	table, err := s.Table(Snap)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "tree", "classic.ubuntu-classic.txt"), Tree(table))
}

func TestJSON(t *testing.T) {
	s := simulate(t, "core", "ubuntu-core")
	data, err := s.JSON(Snap)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Side   string
		Mounts []struct {
			Target, Propagation string
			Op                  *struct{ Where, Command string }
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range doc.Mounts {
		if m.Target == "/media" && m.Propagation == "shared" && m.Op != nil && m.Op.Command == "mount --rbind /media $SCRATCH/media" {
			found = true
		}
	}
	if doc.Side != "snap" || !found {
		t.Errorf("JSON of core on ubuntu-core: side %q, want snap, and a shared /media made by its rbind:\n%s", doc.Side, data)
	}
}

func TestStepsText(t *testing.T) {
	s := simulate(t, "classic", "ubuntu-classic")
	text := s.StepsText()
	for _, want := range []string{
		"op 1 classic.star:",
		": mount --rbind /media $SCRATCH/media\n  + ",
		"/tmp/snap.rootfs_000001/media rw,relatime shared:1 - ext4 /dev/sda1 ",
		": umount --lazy --no-follow /var/lib/snapd/hostfs/proc\n  - ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("StepsText lacks %q", want)
		}
	}
}
