package nvidia_test

import (
	"confine/nvidia"
	"confine/plan"
)

// expectation says what a snap on base must see under
// /var/lib/snapd/lib after the driver of fixture is exposed: each path in
// visible (relative to LibDir) must reach the host file named by its
// value, and each path in absent must not exist. The simulation on the
// fake kernel and the execution on the real one check the same table.
type expectation struct {
	fixture, base string
	visible       map[string]string
	absent        []string
}

var expectations = []expectation{
	{"multiarch-123.456", "core", map[string]string{
		"gl/libcuda.so.1":                       tri + "libcuda.so.123.456",       // relative symlink
		"gl/libGLX_nvidia.so.0":                 tri + "libGLX_nvidia.so.123.456", // absolute symlink
		"gl/libnvidia-glcore.so.123.456":        tri + "libnvidia-glcore.so.123.456",
		"gl/tls/libnvidia-tls.so.123.456":       tri + "tls/libnvidia-tls.so.123.456",
		"gl/vdpau/libvdpau_nvidia.so.123.456":   tri + "vdpau/libvdpau_nvidia.so.123.456",
		"gl/gbm/nvidia-drm_gbm.so":              tri + "libnvidia-allocator.so.1", // "../" symlink
		"gl/libGLX.so.0":                        tri + "libGLX.so.0.0.0",          // glvnd, base core
		"gl/libEGL.so.1.1.0":                    tri + "libEGL.so.1.1.0",
		"gl32/libcuda.so.1":                     tri32 + "libcuda.so.123.456",
		"gl32/libnvidia-glcore.so.123.456":      tri32 + "libnvidia-glcore.so.123.456",
		"vulkan/icd.d/nvidia_icd.json":          icd + "nvidia_icd.json",
		"glvnd/egl_vendor.d/10_nvidia.json":     egl + "10_nvidia.json",
		"gl/libnvidia-egl-wayland.so.1.1.13":    tri + "libnvidia-egl-wayland.so.1.1.13",
		"gl32/vdpau/libvdpau_nvidia.so.123.456": tri32 + "vdpau/libvdpau_nvidia.so.123.456",
	}, []string{"gl/libc.so.6", "gl/libnvidia-ml.so", "vulkan/icd.d/intel_icd.x86_64.json", "glvnd/egl_vendor.d/50_mesa.json"}},
	{"multiarch-123.456", "core22", map[string]string{
		"gl/libcuda.so.1":   tri + "libcuda.so.123.456",
		"gl32/libcuda.so.1": tri32 + "libcuda.so.123.456",
	}, []string{"gl/libGLX.so.0", "gl/libGLX.so.0.0.0", "gl/libEGL.so.1.1.0", "gl32/libGLX.so.0", "gl32/libEGL.so.1.1.0"}},
	{"multiarch-440.33.01-no32", "core", map[string]string{
		"gl/libcuda.so.1":                   tri + "libcuda.so.440.33.01",
		"gl/tls/libnvidia-tls.so.440.33.01": tri + "tls/libnvidia-tls.so.440.33.01",
	}, []string{"gl32/libcuda.so.1", "gl32/libc.so.6", "gl32"}},
	{"legacy-123.456", "core22", map[string]string{
		"gl/libGL.so.1":                "/usr/lib/nvidia-123/libGL.so.1",
		"gl/libnvidia-glcore.so.123":   "/usr/lib/nvidia-123/libnvidia-glcore.so.123",
		"gl32/libGL.so.1":              "/usr/lib32/nvidia-123/libGL.so.1",
		"vulkan/icd.d/nvidia_icd.json": icd + "nvidia_icd.json",
	}, []string{"gl/libc.so.6"}},
	{"biarch-fedora-440.33.01", "core", map[string]string{
		"gl/libGL.so.1":         "/usr/lib64/nvidia/libGL.so.1", // the later source wins
		"gl/libGLX_nvidia.so.0": "/usr/lib64/nvidia/libGLX_nvidia.so.0",
		"gl/libcuda.so.1":       "/usr/lib64/libcuda.so.440.33.01",
		"gl32/libcuda.so.1":     "/usr/lib/libcuda.so.440.33.01",
	}, []string{"gl/libz.so.1"}},
	{"biarch-fedora-440.33.01", "core22", map[string]string{
		"gl/libcuda.so.1": "/usr/lib64/libcuda.so.440.33.01",
	}, []string{"gl/libGL.so.1"}},
	{"biarch-arch-123.456", "core", map[string]string{
		"gl/libcuda.so.123.456":           "/usr/lib/libcuda.so.123.456",
		"gl/tls/libnvidia-tls.so.123.456": "/usr/lib/tls/libnvidia-tls.so.123.456",
		"gl/libEGL.so.1":                  "/usr/lib/libEGL.so.1",
		"gl32/libcuda.so.123.456":         "/usr/lib32/libcuda.so.123.456",
		"gl32/libEGL.so.1":                "/usr/lib32/libEGL.so.1",
	}, []string{"vulkan"}},
	{"lxd-no-userspace", "core", nil, []string{"gl", "gl32", "vulkan", "glvnd"}},
	{"mismatch-legacy", "core", map[string]string{
		"gl/libGL.so.1": "/usr/lib/nvidia-440/libGL.so.1",
	}, []string{"gl/libcuda.so.1", "gl/libnvidia-glcore.so.440.31"}},
	{"mismatch-none", "core", map[string]string{
		"vulkan/icd.d/nvidia_icd.json": icd + "nvidia_icd.json",
	}, []string{"gl", "gl32"}},
	{"no-driver", "core", nil, []string{"gl", "vulkan", "glvnd"}},
	{"loader-580.159.04", "core22", map[string]string{
		"gl/libcuda.so.1":                   "/usr/local/nvidia/lib64/libcuda.so.580.159.04",
		"gl/libcuda.so":                     "/usr/local/nvidia/lib64/libcuda.so.580.159.04",
		"gl/libnvidia-ml.so.1":              "/usr/local/nvidia/lib64/libnvidia-ml.so.580.159.04",
		"vulkan/icd.d/nvidia_icd.json":      "/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json",
		"glvnd/egl_vendor.d/10_nvidia.json": "/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json",
	}, []string{"gl32", "gl/libc.so.6"}},
}

// bootstrap returns the ops that surround the nvidia ops in a test
// program: a tmpfs new root at $SCRATCH with the directories down to
// /var/lib/snapd/hostfs, the mount point of the host's root.
func bootstrap() []plan.Op {
	ops := []plan.Op{{Kind: plan.Mount, FSType: "tmpfs", Source: "none", Target: plan.Scratch}}
	for _, d := range []string{"/var", "/var/lib", "/var/lib/snapd", nvidia.HostFS} {
		ops = append(ops, plan.Op{Kind: plan.Mkdir, Target: plan.Scratch + d, Mode: 0o755})
	}
	return ops
}
