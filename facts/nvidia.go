package facts

import (
	"runtime"
	"strconv"

	"confine/nvidia"
)

// NVIDIA describes the host's NVIDIA driver: the module's version, the
// library layout and the files to expose (see nvidia.Facts for every
// field). It is an alias so that the nvidia package, which owns the
// gathering and the expansion into ops, needs no import of this one.
type NVIDIA = nvidia.Facts

// gatherNVIDIA reads the NVIDIA driver facts of the host at root for the
// architecture this binary was built for.
func gatherNVIDIA(root string) (NVIDIA, error) {
	_, triplet, triplet32 := archOf(runtime.GOARCH)
	return nvidia.Gather(root, nvidia.Arch{Triplet: triplet, Triplet32: triplet32, Is64: strconv.IntSize == 64})
}
