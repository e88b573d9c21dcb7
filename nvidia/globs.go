package nvidia

import (
	"path"
	"strings"
	"sync"
)

// driverGlobs are snapd's nvidia_globs at cec484a424 (snap-confine.md
// §3.3: driver, Tegra, CUDA and cuDNN groups), relative to a library
// directory. libnvidia-cfg.so* is listed twice upstream; once is enough
// here because a name is matched at most once.
var driverGlobs = []string{
	// driver
	"gbm/nvidia-drm_gbm.so*",
	"libEGL_nvidia.so*",
	"libGLESv1_CM_nvidia.so*",
	"libGLESv2_nvidia.so*",
	"libGLX_nvidia.so*",
	"libXvMCNVIDIA.so*",
	"libXvMCNVIDIA_dynamic.so*",
	"libnvidia-allocator.so*",
	"libnvidia-api.so*",
	"libnvidia-cbl.so*",
	"libnvidia-cfg.so*",
	"libnvidia-compiler-next.so*",
	"libnvidia-compiler.so*",
	"libnvidia-egl-gbm.so*",
	"libnvidia-egl-wayland*",
	"libnvidia-eglcore.so*",
	"libnvidia-encode.so*",
	"libnvidia-fatbinaryloader.so*",
	"libnvidia-fbc.so*",
	"libnvidia-glcore.so*",
	"libnvidia-glsi.so*",
	"libnvidia-glvkspirv.so*",
	"libnvidia-gpucomp.so*",
	"libnvidia-ifr.so*",
	"libnvidia-ml.so*",
	"libnvidia-ngx.so*",
	"libnvidia-nscq.so*",
	"libnvidia-nvvm.so*",
	"libnvidia-opencl.so*",
	"libnvidia-opticalflow.so*",
	"libnvidia-pkcs11-openssl3.so*",
	"libnvidia-pkcs11.so*",
	"libnvidia-ptxjitcompiler.so*",
	"libnvidia-rtcore.so*",
	"libnvidia-tls.so*",
	"libnvidia-vulkan-producer.so*",
	"libnvoptix.so*",
	"tls/libnvidia-tls.so*",
	"vdpau/libvdpau_nvidia.so*",
	// Tegra
	"libnvdc.so*",
	"libnvimp.so*",
	"libnvos.so*",
	"libnvrm.so*",
	"libnvrm_gpu.so*",
	"libnvrm_graphics.so*",
	// CUDA
	"libcublas.so*",
	"libcublasLt.so*",
	"libcuda.so*",
	"libcudart.so*",
	"libcufft.so*",
	"libcuparse.so*",
	"libcurand.so*",
	"libcusolver.so*",
	"libnppc.so*",
	"libnppcif.so*",
	"libnppial.so*",
	"libnppicc.so*",
	"libnppidei.so*",
	"libnppig.so*",
	"libnppim.so*",
	"libnppist.so*",
	"libnppitc.so*",
	"libnvToolsExt.so*",
	"libnvcuvid.so*",
	"libnvrtc*",
	"libnvrtc-builtins*",
	// cuDNN
	"libcudnn.so*",
	"libcudnn_adv_infer*",
	"libcudnn_adv_train*",
	"libcudnn_cnn_infer*",
	"libcudnn_cnn_train*",
	"libcudnn_ops_infer*",
	"libcudnn_ops_train*",
}

// glvndGlobs are the libglvnd dispatch libraries (snapd's glvnd_globs).
// snap-confine exposes the host's copies only to snaps whose base is
// exactly "core": newer bases ship their own, and the host's were seen to
// need symbols their glibc lacks (GLIBC_2.33, snapd PR #11023).
var glvndGlobs = []string{
	"libEGL.so*",
	"libGL.so*",
	"libGLESv1_CM.so*",
	"libGLESv2.so*",
	"libGLU.so*",
	"libGLX.so*",
	"libGLX_indirect.so*",
	"libGLdispatch.so*",
	"libOpenGL.so*",
}

// vulkanGlobs and eglVendorGlobs are relative to /usr/share/vulkan and
// /usr/share/glvnd; their matches keep the sub-directory in the farm.
var (
	vulkanGlobs    = []string{"icd.d/*nvidia*.json"}
	eglVendorGlobs = []string{"egl_vendor.d/*nvidia*.json"}
)

// matcher matches file names against a glob list quickly. Gathering runs
// on every launch and /usr/lib/<triplet> holds thousands of names, so the
// common "literal*" patterns are indexed by their first four bytes and
// compared with strings.HasPrefix; any other pattern falls back to
// path.Match.
type matcher struct {
	// byDir maps a sub-directory ("" for the directory itself) to the
	// patterns for names inside it.
	byDir map[string]*dirMatcher
	// dirs are byDir's keys in sorted order, for deterministic scans.
	dirs []string
}

type dirMatcher struct {
	prefixes map[string][]string // first 4 bytes -> literal prefixes
	short    []string            // literal prefixes under 4 bytes
	other    []string            // patterns that are not "literal*"
}

func newMatcher(globLists ...[]string) *matcher {
	m := &matcher{byDir: map[string]*dirMatcher{}}
	for _, globs := range globLists {
		for _, g := range globs {
			dir, base := path.Split(g)
			dir = strings.TrimSuffix(dir, "/")
			dm := m.byDir[dir]
			if dm == nil {
				dm = &dirMatcher{prefixes: map[string][]string{}}
				m.byDir[dir] = dm
				m.dirs = append(m.dirs, dir)
			}
			lit, rest, _ := strings.Cut(base, "*")
			switch {
			case rest != "" || strings.ContainsAny(lit, `?[\`) || !strings.HasSuffix(base, "*"):
				dm.other = append(dm.other, base)
			case len(lit) < 4:
				dm.short = append(dm.short, lit)
			default:
				dm.prefixes[lit[:4]] = append(dm.prefixes[lit[:4]], lit)
			}
		}
	}
	sortStrings(m.dirs)
	return m
}

// match reports whether name, inside sub-directory dir, matches a glob.
func (m *matcher) match(dir, name string) bool {
	dm := m.byDir[dir]
	if dm == nil {
		return false
	}
	if len(name) >= 4 {
		for _, lit := range dm.prefixes[name[:4]] {
			if strings.HasPrefix(name, lit) {
				return true
			}
		}
	}
	for _, lit := range dm.short {
		if strings.HasPrefix(name, lit) {
			return true
		}
	}
	for _, pat := range dm.other {
		if ok, _ := path.Match(pat, name); ok {
			return true
		}
	}
	return false
}

// Matchers built on first use, then read-only: building them at package
// init would cost every confine start, most of which never scan a driver
// directory (no NVIDIA driver, or a warm launch).
var (
	libMatcher       = sync.OnceValue(func() *matcher { return newMatcher(driverGlobs, glvndGlobs) })
	glvndMatcher     = sync.OnceValue(func() *matcher { return newMatcher(glvndGlobs) })
	vulkanMatcher    = sync.OnceValue(func() *matcher { return newMatcher(vulkanGlobs) })
	eglVendorMatcher = sync.OnceValue(func() *matcher { return newMatcher(eglVendorGlobs) })
)
