package fake

import (
	"math/rand"
	"slices"
	"testing"
)

// TestAddSlaveAfterOrder inserts clones behind random slaves of one
// master, near the head (moved towards the front of slaveBuf) and near
// the tail (slices.Insert), with lists replaced in between as other code
// does, and wants the kernel's order: each right behind its original.
func TestAddSlaveAfterOrder(t *testing.T) {
	k := New()
	r := rand.New(rand.NewSource(1))
	master := &Mount{ID: 1}
	var want []*Mount
	add := func(m *Mount) {
		m.master = master
		master.slaves = append(master.slaves, m)
		want = append(want, m)
	}
	for i := 0; i < 3; i++ {
		add(&Mount{ID: 100 + i})
	}
	for n := 0; n < 2000; n++ {
		switch r.Intn(10) {
		case 0:
			// Someone else rebuilds the list (removeSlave, makeSlave).
			master.slaves = slices.Clone(master.slaves)
		case 1:
			add(&Mount{ID: 5000 + n})
			continue
		}
		i := r.Intn(len(want))
		if r.Intn(2) == 0 {
			i = r.Intn(min(3, len(want)))
		}
		m := &Mount{ID: 10000 + n}
		k.addSlaveAfter(m, want[i])
		want = slices.Insert(want, i+1, m)
		if !slices.Equal(master.slaves, want) {
			t.Fatalf("after %d inserts: got %d slaves in another order than the kernel's", n+1, len(master.slaves))
		}
		if m.master != master {
			t.Fatalf("insert %d: got master %v, want %d", n, m.master, master.ID)
		}
	}
}
