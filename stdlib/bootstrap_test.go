package stdlib

import (
	"strings"
	"testing"
	"testing/fstest"

	"confine/facts"
	"confine/interp"
)

// run evaluates a one-file profile that loads bootstrap.star and returns
// its ops, one per line, without positions.
func run(t *testing.T, src string, f facts.Facts) (string, error) {
	t.Helper()
	profile := fstest.MapFS{"p.star": {Data: []byte(src)}}
	p, err := interp.Eval(interp.Config{Profile: profile, File: "p.star", Stdlib: FS, Facts: f})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, op := range p.Ops {
		b.WriteString(op.String())
		if op.Optional {
			b.WriteString(" (optional)")
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

const load = `load("@stdlib//bootstrap.star", "entry", "mount_list", "tmpfs_root", "etc_from_base", "private_tmp", "detach_writable", "ETC_FROM_BASE")
S = scratch_dir()
`

func TestBootstrapFunctions(t *testing.T) {
	base := facts.Facts{SnapName: "demo", HostPaths: []string{"/etc/alternatives", "/etc/ssl", "/lib/modules", "/writable"},
		BasePaths: []string{"/etc/alternatives", "/etc/nsswitch.conf"}}
	for _, test := range []struct {
		name, src string
		facts     facts.Facts
		want      string
	}{{
		name: "unidirectional entry is rbind then rslave",
		src:  `mount_list(S, [entry("/dev")])`,
		want: "mount --rbind /dev $SCRATCH/dev\nmount --make-rslave $SCRATCH/dev\n",
	}, {
		name: "bidirectional entry creates the host directory and stays shared",
		src:  `mount_list(S, [entry("/media", bidirectional = True)])`,
		want: "mkdir --mode=0755 /media\nmount --rbind /media $SCRATCH/media\n",
	}, {
		name: "optional entry the host lacks is left out",
		src:  "mount_list(S, [entry(\"/lib/firmware\", optional = True)])\nmkdir(\"/marker\")",
		want: "mkdir --mode=0755 /marker\n",
	}, {
		name: "optional entry the host has is an optional rbind",
		src:  `mount_list(S, [entry("/lib/modules", optional = True)])`,
		want: "mount --rbind /lib/modules $SCRATCH/lib/modules (optional)\nmount --make-rslave $SCRATCH/lib/modules (optional)\n",
	}, {
		name: "altpath is a second rbind of the same source",
		src:  `mount_list(S, [entry("/run/media", bidirectional = True, altpath = "/media")])`,
		want: "mkdir --mode=0755 /run/media\nmount --rbind /run/media $SCRATCH/run/media\nmount --rbind /run/media $SCRATCH/media\n",
	}, {
		name: "unidirectional altpath is slaved too",
		src:  `mount_list(S, [entry("/a", altpath = "/b")])`,
		want: "mount --rbind /a $SCRATCH/a\nmount --make-rslave $SCRATCH/a\nmount --rbind /a $SCRATCH/b\nmount --make-rslave $SCRATCH/b\n",
	}, {
		name: "tmpfs root: directories rbound unless the list or /snap provides them, symlinks copied",
		src:  `tmpfs_root(S, "/snap/core22/current", facts.base_entries, [entry("/run"), entry("/run/media", altpath = "/media")])`,
		facts: facts.Facts{BaseEntries: []facts.Entry{
			{Name: "bin", Type: "symlink", Target: "usr/bin"},
			{Name: "media", Type: "dir"},
			{Name: "run", Type: "dir"},
			{Name: "snap", Type: "dir"},
			{Name: "usr", Type: "dir"},
		}},
		want: "mount -t tmpfs -o mode=0755 none $SCRATCH\n" +
			"ln -s usr/bin $SCRATCH/bin\n" +
			"mkdir --mode=0755 $SCRATCH/media\n" +
			"mkdir --mode=0755 $SCRATCH/run\n" +
			"mkdir --mode=0755 $SCRATCH/snap\n" +
			"mkdir --mode=0755 $SCRATCH/usr\n" +
			"mount --rbind /snap/core22/current/usr $SCRATCH/usr\n",
	}, {
		name: "/etc items from the base only where both the host and the base have them",
		src:  `etc_from_base(S, "/snap/core/current", ETC_FROM_BASE)`,
		want: "mount --bind /snap/core/current/etc/alternatives $SCRATCH/etc/alternatives\nmount --make-slave $SCRATCH/etc/alternatives\n",
	}, {
		name: "private /tmp",
		src:  `private_tmp(facts.snap_name)`,
		want: "mkdir --mode=0700 /tmp/snap-private-tmp\nmkdir --mode=0700 /tmp/snap-private-tmp/snap.demo\n" +
			"mkdir --mode=1777 /tmp/snap-private-tmp/snap.demo/tmp\nmount --bind /tmp/snap-private-tmp/snap.demo/tmp /tmp\nmount --make-private /tmp\n",
	}, {
		name: "writable detached only where the host has it",
		src:  `detach_writable()`,
		want: "mount --make-rprivate /var/lib/snapd/hostfs/writable\numount --lazy --no-follow /var/lib/snapd/hostfs/writable\n",
	}, {
		name: "legacy mode detaches the new root's /writable too",
		src:  `detach_writable(legacy = True)`,
		want: "mount --make-rprivate /var/lib/snapd/hostfs/writable\numount --lazy --no-follow /var/lib/snapd/hostfs/writable\n" +
			"mount --make-rprivate /writable\numount --lazy --no-follow /writable\n",
	}} {
		t.Run(test.name, func(t *testing.T) {
			f := test.facts
			if f.SnapName == "" && f.HostPaths == nil {
				f.SnapName, f.HostPaths, f.BasePaths = base.SnapName, base.HostPaths, base.BasePaths
			}
			got, err := run(t, load+test.src+"\n", f)
			if err != nil {
				t.Fatal(err)
			}
			if got != test.want {
				t.Errorf("got ops\n%s\nwant\n%s", got, test.want)
			}
		})
	}
}

func TestBootstrapErrors(t *testing.T) {
	for _, test := range []struct {
		name, src string
		facts     facts.Facts
		want      string
	}{{
		name:  "a regular file at the base's top level cannot be replicated",
		src:   `tmpfs_root(S, "/snap/b/current", facts.base_entries, [])`,
		facts: facts.Facts{BaseEntries: []facts.Entry{{Name: "README", Type: "file"}}},
		want:  "tmpfs_root: /snap/b/current/README is a file; only directories and symlinks can be replicated",
	}, {
		name: "private /tmp needs a snap name",
		src:  `private_tmp(facts.snap_name)`,
		want: "private_tmp: empty snap name",
	}} {
		t.Run(test.name, func(t *testing.T) {
			_, err := run(t, load+test.src+"\n", test.facts)
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("got error %v, want one containing %q", err, test.want)
			}
		})
	}
}
