package nvidia_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"confine/nvidia"
)

// A fixture is a fake host in the manner of snapd's
// tests/main/interfaces-opengl-nvidia: a fake /sys/module/nvidia/version
// and fake libraries. Keys are host paths; a key ending in "/" is a
// directory, a value "-> TEXT" a symlink, "" a regular file whose contents
// name its own path (so a test can tell which host file it reached), and
// anything else the file's contents.
type fixture struct {
	name  string
	files map[string]string
}

// amd64 is the architecture every fixture is gathered for, whatever
// machine runs the tests.
var amd64 = nvidia.Arch{Triplet: "x86_64-linux-gnu", Triplet32: "i386-linux-gnu", Is64: true}

const (
	tri   = "/usr/lib/x86_64-linux-gnu/"
	tri32 = "/usr/lib/i386-linux-gnu/"
	icd   = "/usr/share/vulkan/icd.d/"
	egl   = "/usr/share/glvnd/egl_vendor.d/"
)

// jsons are the Vulkan and EGL vendor files of a host with the driver,
// plus one non-NVIDIA file of each that must stay out.
var jsons = map[string]string{
	icd + "nvidia_icd.json":       "",
	icd + "intel_icd.x86_64.json": "",
	egl + "10_nvidia.json":        "",
	egl + "50_mesa.json":          "",
}

func with(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// multiarch returns the libraries of a Debian-style driver of version v
// in dir, with every kind of entry snap-confine distinguishes: regular
// files, relative and absolute symlinks, tls/, vdpau/ and gbm/
// sub-paths, glvnd dispatch libraries, a non-matching library and a
// directory whose name matches a glob.
func multiarch(dir, v string) map[string]string {
	return map[string]string{
		dir + "libnvidia-glcore.so." + v:        "",
		dir + "libcuda.so." + v:                 "",
		dir + "libcuda.so.1":                    "-> libcuda.so." + v,
		dir + "libGLX_nvidia.so." + v:           "",
		dir + "libGLX_nvidia.so.0":              "-> " + dir + "libGLX_nvidia.so." + v,
		dir + "libGLX.so.0.0.0":                 "",
		dir + "libGLX.so.0":                     "-> libGLX.so.0.0.0",
		dir + "libEGL.so.1.1.0":                 "",
		dir + "libnvidia-allocator.so.1":        "",
		dir + "tls/libnvidia-tls.so." + v:       "",
		dir + "vdpau/libvdpau_nvidia.so." + v:   "",
		dir + "gbm/nvidia-drm_gbm.so":           "-> ../libnvidia-allocator.so.1",
		dir + "libc.so.6":                       "",
		dir + "libnvidia-ml.so/":                "",
		dir + "libnvidia-egl-wayland.so.1.1.13": "",
	}
}

var version = func(v string) map[string]string {
	return map[string]string{nvidia.VersionFile: v + "\n"}
}

// fixtures are the hosts of issue 6: both version forms, multiarch with
// and without 32-bit, Ubuntu legacy, biarch (Fedora and Arch), a module
// without userspace (LXD), a module newer than its libraries, and no
// module at all.
var fixtures = []fixture{
	{"multiarch-123.456", with(version("123.456"), multiarch(tri, "123.456"), multiarch(tri32, "123.456"), jsons)},
	{"multiarch-440.33.01-no32", with(version("440.33.01"), multiarch(tri, "440.33.01"),
		map[string]string{tri32 + "libc.so.6": ""}, jsons)},
	{"legacy-123.456", with(version("123.456"), map[string]string{
		tri + "libc.so.6":                             "",
		"/usr/lib/nvidia-123/libGL.so.1":              "",
		"/usr/lib/nvidia-123/libnvidia-glcore.so.123": "",
		"/usr/lib32/nvidia-123/libGL.so.1":            "",
	}, jsons)},
	{"biarch-fedora-440.33.01", with(version("440.33.01"), map[string]string{
		"/usr/lib64/libcuda.so.440.33.01":          "",
		"/usr/lib64/libcuda.so.1":                  "-> libcuda.so.440.33.01",
		"/usr/lib64/libGL.so.1":                    "",
		"/usr/lib64/libnvidia-glcore.so.440.33.01": "",
		"/usr/lib64/nvidia/libGL.so.1":             "",
		"/usr/lib64/nvidia/libGLX_nvidia.so.0":     "",
		"/usr/lib64/libz.so.1":                     "",
		"/usr/lib/libcuda.so.440.33.01":            "",
		"/usr/lib/libcuda.so.1":                    "-> /usr/lib/libcuda.so.440.33.01",
	}, jsons)},
	{"biarch-arch-123.456", with(version("123.456"), map[string]string{
		"/lib64":                                "-> usr/lib",
		"/usr/lib64":                            "-> /usr/lib",
		"/usr/lib/libcuda.so.123.456":           "",
		"/usr/lib/libEGL.so.1":                  "",
		"/usr/lib/libnvidia-tls.so.123.456":     "",
		"/usr/lib/tls/libnvidia-tls.so.123.456": "",
		"/usr/lib32/libcuda.so.123.456":         "",
		"/usr/lib32/libEGL.so.1":                "",
	})},
	{"lxd-no-userspace", with(version("440.33.01"), map[string]string{
		tri + "libc.so.6": "",
	})},
	{"mismatch-legacy", with(version("440.33.01"), multiarch(tri, "440.31"), map[string]string{
		"/usr/lib/nvidia-440/libGL.so.1": "",
	}, jsons)},
	{"mismatch-none", with(version("440.33.01"), multiarch(tri, "440.31"), jsons)},
	{"no-driver", with(multiarch(tri, "440.33.01"), jsons)},
	// A cloud GPU image (seen on an H200 machine running Ubuntu 24.04):
	// the driver is mounted at /usr/local/nvidia and found through
	// ld.so.conf.d; the Vulkan and EGL files are absolute symlinks into it.
	{"loader-580.159.04", with(version("580.159.04"), map[string]string{
		tri + "libc.so.6":                                           "",
		"/etc/ld.so.conf":                                           "include /etc/ld.so.conf.d/*.conf\n",
		"/etc/ld.so.conf.d/000_cuda.conf":                           "/usr/local/cuda/targets/x86_64-linux/lib\n",
		"/etc/ld.so.conf.d/libc.conf":                               "# libc default configuration\n/usr/local/lib\n",
		"/etc/ld.so.conf.d/nvidia.conf":                             "/usr/local/nvidia/lib64\n/usr/local/nvidia/lib\n",
		"/etc/ld.so.conf.d/README":                                  "/usr/lib/not-a-conf-file\n",
		"/usr/local/nvidia/lib":                                     "-> lib64",
		"/usr/local/nvidia/lib64/libnvidia-glcore.so.580.159.04":    "",
		"/usr/local/nvidia/lib64/libcuda.so.580.159.04":             "",
		"/usr/local/nvidia/lib64/libcuda.so.1":                      "-> libcuda.so.580.159.04",
		"/usr/local/nvidia/lib64/libcuda.so":                        "-> libcuda.so.1",
		"/usr/local/nvidia/lib64/libnvidia-ml.so.1":                 "-> libnvidia-ml.so.580.159.04",
		"/usr/local/nvidia/lib64/libnvidia-ml.so.580.159.04":        "",
		"/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json":      "",
		"/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json": "",
		icd + "nvidia_icd.json":                                     "-> /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json",
		egl + "10_nvidia.json":                                      "-> /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json",
	})},
}

// build writes the fixture under a new temporary directory and returns it.
func (f fixture) build(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	for p, v := range f.files {
		real := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasSuffix(p, "/"):
			err = os.MkdirAll(real, 0o755)
		case strings.HasPrefix(v, "-> "):
			err = os.Symlink(strings.TrimPrefix(v, "-> "), real)
		case v == "":
			err = os.WriteFile(real, []byte(contents(p)), 0o644)
		default:
			err = os.WriteFile(real, []byte(v), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// contents is what a fixture's regular file at host path p holds.
func contents(p string) string { return "host file " + p + "\n" }

func fixtureNamed(t testing.TB, name string) fixture {
	for _, f := range fixtures {
		if f.name == name {
			return f
		}
	}
	t.Fatalf("no fixture %q", name)
	return fixture{}
}
