package fake

import (
	"fmt"
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkOps10000 times 10,000 system calls on one growing namespace
// (mkdir, tmpfs, make-shared, a submount, its umount, in turn), so the
// cost per call shows whether anything scans the whole table.
func BenchmarkOps10000(b *testing.B) {
	for n := 0; n < b.N; n++ {
		p := New().Init()
		calls := 0
		for i := 0; calls < 10000; i++ {
			d := fmt.Sprintf("/d%d", i)
			errs := []error{
				p.Mkdir(d, 0o755),
				p.Mount("t", d, "tmpfs", 0, ""),
				p.Mount("", d, "", unix.MS_SHARED, ""),
				p.Mkdir(d+"/x", 0o755),
				p.Mount("x", d+"/x", "tmpfs", 0, ""),
				p.Unmount(d+"/x", 0),
				p.Mount("x", d+"/x", "tmpfs", 0, ""),
				p.Mount("", d+"/x", "", unix.MS_PRIVATE, ""),
			}
			for _, err := range errs {
				if err != nil {
					b.Fatal(err)
				}
			}
			calls += len(errs)
		}
	}
}

// BenchmarkPeerGroup times one mount (and its umount) under a peer group
// of N mounts: each call makes or removes N copies, so the time per copy
// should stay flat as N grows.
func BenchmarkPeerGroup(b *testing.B) {
	for _, size := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("peers=%d", size), func(b *testing.B) {
			p := New().Init()
			if err := p.Mkdir("/a", 0o755); err != nil {
				b.Fatal(err)
			}
			p.Mount("a", "/a", "tmpfs", 0, "")
			p.Mount("", "/a", "", unix.MS_SHARED, "")
			p.Mkdir("/a/x", 0o755)
			for i := 1; i < size; i++ {
				d := fmt.Sprintf("/p%d", i)
				p.Mkdir(d, 0o755)
				if err := p.Mount("/a", d, "", unix.MS_BIND, ""); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				if err := p.Mount("x", "/a/x", "tmpfs", 0, ""); err != nil {
					b.Fatal(err)
				}
				if err := p.Unmount("/a/x", 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size), "ns/copy")
		})
	}
}

// BenchmarkMountInfo renders a 1,000-mount table.
func BenchmarkMountInfo(b *testing.B) {
	p := New().Init()
	for i := 0; i < 1000; i++ {
		d := fmt.Sprintf("/d%d", i)
		p.Mkdir(d, 0o755)
		p.Mount("t", d, "tmpfs", 0, "")
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		if _, err := p.MountInfo(); err != nil {
			b.Fatal(err)
		}
	}
}
