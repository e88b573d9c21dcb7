package nvidia_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"confine/hosts"
	"confine/profiles"
	"confine/sim"
	"confine/stdlib"
)

// TestSimulateShippedProfiles runs a shipped profile end to end on the
// fake kernel (confine simulate): the platform's host fixture plus a fake
// NVIDIA driver, facts gathered from that tree by the facts package, the
// whole bootstrap including pivot_root. The snap must then see the
// driver's files under /var/lib/snapd/lib, each the host's own file.
func TestSimulateShippedProfiles(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the fixtures are amd64 hosts and facts are gathered for this machine's architecture, %s", runtime.GOARCH)
	}
	for _, test := range []struct {
		profile, host, fixture string
		visible                map[string]string
	}{
		{"classic", "ubuntu-classic", "multiarch-123.456", map[string]string{
			"gl/libcuda.so.1":                   tri + "libcuda.so.123.456",
			"gl/libGLX.so.0":                    tri + "libGLX.so.0.0.0",
			"gl/tls/libnvidia-tls.so.123.456":   tri + "tls/libnvidia-tls.so.123.456",
			"gl32/libcuda.so.1":                 tri32 + "libcuda.so.123.456",
			"vulkan/icd.d/nvidia_icd.json":      icd + "nvidia_icd.json",
			"glvnd/egl_vendor.d/10_nvidia.json": egl + "10_nvidia.json",
		}},
		{"classic", "ubuntu-classic", "legacy-123.456", map[string]string{
			"gl/libGL.so.1":   "/usr/lib/nvidia-123/libGL.so.1",
			"gl32/libGL.so.1": "/usr/lib32/nvidia-123/libGL.so.1",
		}},
		{"merged-usr", "arch", "biarch-arch-123.456", map[string]string{
			"gl/libcuda.so.123.456":           "/usr/lib/libcuda.so.123.456",
			"gl/libEGL.so.1":                  "/usr/lib/libEGL.so.1",
			"gl/tls/libnvidia-tls.so.123.456": "/usr/lib/tls/libnvidia-tls.so.123.456",
			"gl32/libcuda.so.123.456":         "/usr/lib32/libcuda.so.123.456",
		}},
	} {
		t.Run(test.profile+"/"+test.fixture, func(t *testing.T) {
			h, err := hosts.Load(test.host)
			if err != nil {
				t.Fatal(err)
			}
			// sim caches a fixture's facts by host name.
			h.Name += "+" + test.fixture
			addFixture(t, h.Files, fixtureNamed(t, test.fixture))
			prog, err := sim.Evaluate(sim.Profile{FS: profiles.FS, File: test.profile + ".star"}, stdlib.FS, h, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(prog.Text(), "/var/lib/snapd/lib/gl") {
				t.Fatalf("program has no NVIDIA ops:\n%s", prog.Text())
			}
			s, err := sim.Run(prog, h, sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if s.Err != nil {
				t.Fatalf("simulation failed: %v", s.Err)
			}
			checkFake(t, s.HostProc, s.SnapProc, expectation{visible: test.visible})
		})
	}
}

// addFixture writes fx's files into a host's tree; where the host already
// has a path (Arch's own /lib64 -> usr/lib), the host's wins.
func addFixture(t *testing.T, tree afero.Fs, fx fixture) {
	t.Helper()
	for p, v := range fx.files {
		if _, _, err := tree.(afero.Lstater).LstatIfPossible(strings.TrimSuffix(p, "/")); err == nil {
			continue
		}
		var err error
		switch target, isLink := strings.CutPrefix(v, "-> "); {
		case strings.HasSuffix(p, "/"):
			err = tree.MkdirAll(strings.TrimSuffix(p, "/"), 0o755)
		case isLink:
			if err = tree.MkdirAll(dirOf(p), 0o755); err == nil {
				err = tree.(afero.Linker).SymlinkIfPossible(target, p)
			}
		default:
			data := v
			if data == "" {
				data = contents(p)
			}
			if err = tree.MkdirAll(dirOf(p), 0o755); err == nil {
				err = afero.WriteFile(tree, p, []byte(data), 0o644)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func dirOf(p string) string { return p[:strings.LastIndex(p, "/")+1] }
