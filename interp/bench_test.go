package interp

import (
	"testing"
	"testing/fstest"
)

// benchProfile resembles a shipped profile: snap-confine's bootstrap in a
// stdlib module, driven by a short profile (about 60 ops).
var benchProfile = fstest.MapFS{"p.star": {Data: []byte(`
load("@stdlib//boot.star", "bootstrap", "S")
bootstrap(facts.base_dir, facts.base_entries)
`)}}

var benchStdlib = fstest.MapFS{"boot.star": {Data: []byte(`
S = scratch_dir()
H = "/var/lib/snapd/hostfs"
DIRS = ["/dev", "/etc", "/home", "/root", "/proc", "/sys", "/tmp", "/var/snap",
        "/var/lib/snapd", "/var/tmp", "/run", "/lib/modules", "/lib/firmware",
        "/usr/src", "/var/log", "/media", "/run/netns", "/mnt", "/var/lib/extrausers"]

def bootstrap(root, entries):
    make_shared("/", recursive = True)
    bind(S, S)
    make_unbindable(S)
    mount("tmpfs", "none", S)
    for e in entries:
        if e.type == "dir":
            mkdir(S + "/" + e.name)
            rbind(root + "/" + e.name, S + "/" + e.name)
        elif e.type == "symlink":
            symlink(e.target, S + "/" + e.name)
    make_slave(S, recursive = True)
    for d in DIRS:
        rbind(d, S + d, optional = True)
        make_slave(S + d, recursive = True)
    mkdir(S + H)
    bind(S + H, S + H)
    make_private(S + H)
    pivot(S, S + H)
    umount(H + "/sys", lazy = True, no_follow = True)
    make_slave(H, recursive = True)
`)}}

// BenchmarkEval measures a whole evaluation: parsing, resolving and
// running a profile and its stdlib module, and recording the program.
// It is on the launch path when no preserved namespace exists.
func BenchmarkEval(b *testing.B) {
	f := testFacts()
	for _, name := range []string{"bin", "etc", "lib", "sbin", "usr", "var", "snap", "media", "run", "tmp"} {
		f.BaseEntries = append(f.BaseEntries, f.BaseEntries[0])
		f.BaseEntries[len(f.BaseEntries)-1].Name = name
	}
	cfg := Config{Profile: benchProfile, File: "p.star", Stdlib: benchStdlib, Facts: f}
	b.ReportAllocs()
	var ops int
	for b.Loop() {
		prog, err := Eval(cfg)
		if err != nil {
			b.Fatal(err)
		}
		ops = len(prog.Ops)
	}
	b.ReportMetric(float64(ops), "ops")
}
