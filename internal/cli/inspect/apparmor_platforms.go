package inspect

import (
	"fmt"
	"strings"

	"confine/facts"
	"confine/hosts"
	"confine/internal/cli"
	"confine/nvidia"
	"confine/plan"
)

// platform is one row of the matrix that --all-platforms covers: a shipped
// profile, the host fixtures (package hosts) whose facts it is evaluated
// with, and the NVIDIA driver layouts those hosts can have ("" for no
// driver).
type platform struct {
	profile string
	hosts   []string
	nvidia  []string
	// noBase clears the base snap facts: the default profile is for hosts
	// without snapd.
	noBase bool
	// bases are base snaps to evaluate with besides the fixture's own
	// (core): a newer base is merged-/usr itself, so its top level holds
	// symlinks where core has directories.
	bases []string
}

// baseEntries are the top levels of the extra bases, as facts.Entry
// lists in the form facts.BaseEntries has them.
var baseEntries = map[string][]facts.Entry{
	"core22": append(entryList(facts.Entry{Type: "dir"},
		"boot", "dev", "etc", "home", "media", "meta", "mnt", "opt", "proc", "root",
		"run", "snap", "srv", "sys", "tmp", "usr", "var", "writable"),
		facts.Entry{Name: "bin", Type: "symlink", Target: "usr/bin"},
		facts.Entry{Name: "lib", Type: "symlink", Target: "usr/lib"},
		facts.Entry{Name: "lib32", Type: "symlink", Target: "usr/lib32"},
		facts.Entry{Name: "lib64", Type: "symlink", Target: "usr/lib64"},
		facts.Entry{Name: "libx32", Type: "symlink", Target: "usr/libx32"},
		facts.Entry{Name: "sbin", Type: "symlink", Target: "usr/sbin"}),
}

func entryList(kind facts.Entry, names ...string) []facts.Entry {
	var out []facts.Entry
	for _, n := range names {
		e := kind
		e.Name = n
		out = append(out, e)
	}
	return out
}

// platforms is the matrix. Every shipped profile has a row and every
// fixture appears with the profile selectProfile picks for it; the tests
// check both, so a new profile or fixture without a row fails them.
var platforms = []platform{
	{profile: "classic", hosts: []string{"ubuntu-classic"}, nvidia: []string{"", nvidia.Multiarch, nvidia.Legacy}, bases: []string{"core22"}},
	{profile: "core", hosts: []string{"ubuntu-core"}, nvidia: []string{""}},
	{profile: "merged-usr", hosts: []string{"arch", "fedora"}, nvidia: []string{"", nvidia.Biarch}, bases: []string{"core22"}},
	{profile: "default", hosts: []string{"arch", "fedora", "ubuntu-classic"}, nvidia: []string{""}, noBase: true},
}

// platformCase is one evaluation of the matrix.
type platformCase struct {
	profile string
	host    string
	layout  string // NVIDIA layout, "" for none
	facts   facts.Facts
}

// platformCases expands the matrix into evaluations for the snap named
// snap, in a fixed order.
func platformCases(snap string) ([]platformCase, error) {
	var cases []platformCase
	// Gathering a fixture's facts builds its file tree, which takes a
	// while; each fixture is gathered once.
	gathered := map[string]facts.Facts{}
	for _, p := range platforms {
		for _, name := range p.hosts {
			f, ok := gathered[name]
			if !ok {
				h, err := hosts.Load(name)
				if err != nil {
					return nil, err
				}
				if f, err = h.Facts(); err != nil {
					return nil, fmt.Errorf("host %s: %w", name, err)
				}
				gathered[name] = f
			}
			f = withSnap(f, snap)
			if p.noBase {
				f.Base, f.BaseDir, f.BaseEntries = "", "", nil
			}
			variants := []facts.Facts{f}
			for _, base := range p.bases {
				g := f
				g.Base, g.BaseDir, g.BaseEntries = base, f.SnapMountDir+"/"+base+"/current", baseEntries[base]
				variants = append(variants, g)
			}
			for _, v := range variants {
				for _, layout := range p.nvidia {
					g := v
					g.NVIDIA = nvidiaFacts(layout, f.ArchTriplet, f.BiarchTriplet, nvidiaVersion)
					label := "host " + name
					if g.Base != "" {
						label += ", base " + g.Base
					}
					if layout != "" {
						label += ", nvidia " + layout
					}
					cases = append(cases, platformCase{profile: p.profile, host: label, layout: layout, facts: g})
				}
			}
		}
	}
	return cases, nil
}

// allPlatforms evaluates every case of the matrix; it also returns the
// base directories the cases used.
func allPlatforms(snap string) ([]*plan.Program, []string, error) {
	cases, err := platformCases(snap)
	if err != nil {
		return nil, nil, err
	}
	var progs []*plan.Program
	var baseDirs []string
	for _, c := range cases {
		prog, err := cli.EvalProfile(c.profile, c.facts)
		if err != nil {
			return nil, nil, fmt.Errorf("profile %s (%s): %w", c.profile, c.host, err)
		}
		prog.Profile = c.profile + " (" + c.host + ")"
		progs = append(progs, prog)
		baseDirs = append(baseDirs, c.facts.BaseDir)
	}
	return progs, baseDirs, nil
}

// The stand-in NVIDIA driver. Its version is widened to a glob in the
// policy, so that the policy fits every driver release.
const (
	nvidiaMajor   = "999"
	nvidiaVersion = nvidiaMajor + ".99"
)

// nvidiaFacts describes a stand-in NVIDIA driver with the given layout,
// for a host with the given multiarch triplets; "" is no driver. The
// library names hardly matter: the farms are tmpfs filesystems the
// launcher makes, and the policy has one rule for everything in each.
func nvidiaFacts(layout, triplet, triplet32, version string) nvidia.Facts {
	lib := func(dir, name string) string { return name + "=" + dir + "/" + name }
	link := func(dir, name, target string) string { return name + "=" + dir + "/" + name + "->" + target }
	v := version
	major, _, _ := strings.Cut(v, ".")
	f := nvidia.Facts{Version: v, Layout: layout}
	var dir, dir32 string
	switch layout {
	case "":
		return nvidia.Facts{}
	case nvidia.Legacy:
		f.LegacyDir = "/usr/lib/nvidia-" + major
		f.LegacyDir32 = "/usr/lib32/nvidia-" + major
	case nvidia.Multiarch:
		dir, dir32 = "/usr/lib/"+triplet, "/usr/lib/"+triplet32
	case nvidia.Biarch:
		dir, dir32 = "/usr/lib64", "/usr/lib"
	}
	if dir != "" {
		for _, d := range []struct {
			dir  string
			list *[]string
		}{{dir, &f.GL}, {dir32, &f.GL32}} {
			if d.dir == "/usr/lib/" {
				continue // no 32-bit userspace
			}
			*d.list = []string{
				lib(d.dir, "libEGL.so.1.1.0"),
				lib(d.dir, "libGLX_nvidia.so."+v),
				link(d.dir, "libGLX_nvidia.so.0", "libGLX_nvidia.so."+v),
				lib(d.dir, "libcuda.so."+v),
				link(d.dir, "libcuda.so.1", "libcuda.so."+v),
				lib(d.dir, "libnvidia-glcore.so."+v),
				lib(d.dir, "tls/libnvidia-tls.so."+v),
			}
		}
		f.GLVND = []string{"libEGL.so.1.1.0"}
	}
	f.Vulkan = []string{"icd.d/nvidia_icd.json=/usr/share/vulkan/icd.d/nvidia_icd.json"}
	f.EGLVendor = []string{"egl_vendor.d/10_nvidia.json=/usr/share/glvnd/egl_vendor.d/10_nvidia.json"}
	return f
}
