package nvidia_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"confine/nvidia"
	"confine/plan"
)

// bigHost is the multiarch fixture plus 3000 unrelated libraries in the
// triplet directory, about what an Ubuntu desktop holds there: gathering
// runs on every launch, so its cost over a realistic directory matters.
func bigHost(b *testing.B) string {
	root := fixtureNamed(b, "multiarch-123.456").build(b)
	for i := 0; i < 3000; i++ {
		name := filepath.Join(root, tri, fmt.Sprintf("libother%04d.so.1", i))
		if err := os.WriteFile(name, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root
}

func BenchmarkGatherMultiarch(b *testing.B) {
	root := bigHost(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := nvidia.Gather(root, amd64); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGatherNoDriver(b *testing.B) {
	root := fixtureNamed(b, "no-driver").build(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := nvidia.Gather(root, amd64); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpand(b *testing.B) {
	f, err := nvidia.Gather(bigHost(b), amd64)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := nvidia.Expand(f, nvidia.Options{Root: plan.Scratch, Base: "core"}); err != nil {
			b.Fatal(err)
		}
	}
}
