package facts

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// host builds a fake root from a compact description: "d PATH" makes a
// directory, "f PATH CONTENT" a file (\n in CONTENT is a newline),
// "l PATH TARGET" a symlink.
func host(t testing.TB, spec ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, line := range spec {
		fields := strings.SplitN(line, " ", 3)
		p := filepath.Join(root, fields[1])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch fields[0] {
		case "d":
			err = os.MkdirAll(p, 0o755)
		case "f":
			err = os.WriteFile(p, []byte(strings.ReplaceAll(fields[2], `\n`, "\n")), 0o644)
		case "l":
			err = os.Symlink(fields[2], p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestGather(t *testing.T) {
	for _, test := range []struct {
		name string
		spec []string
		want []string // key=value lines that List must contain
	}{{
		name: "ubuntu classic with core",
		spec: []string{
			`f /etc/os-release NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="24.04"\n`,
			"d /snap/core/123/bin", "l /snap/core/123/lib64 usr/lib64", "f /snap/core/123/etc.txt x",
			"l /snap/core/current 123", "d /media", "d /etc/alternatives", "d /lib/modules",
		},
		want: []string{"classic=true", "merged_usr=false", "snap_mount_dir=/snap", "base=core",
			"base_dir=/snap/core/current", "distro=ubuntu", "distro_version=24.04",
			"base_entries=bin:dir,etc.txt:file,lib64:symlink:usr/lib64",
			"host_paths=/etc/alternatives,/lib/modules,/media",
			"root_entries=etc:dir,lib:dir,media:dir,snap:dir"},
	}, {
		name: "ubuntu core",
		spec: []string{"f /etc/os-release ID=ubuntu-core\nVERSION_ID=16", "d /snap/ubuntu-core/current/etc", "d /writable"},
		want: []string{"classic=false", "base=ubuntu-core", "base_dir=/snap/ubuntu-core/current",
			"distro=ubuntu-core", "host_paths=/writable"},
	}, {
		name: "ubuntu snappy variant",
		spec: []string{"f /usr/lib/os-release ID=ubuntu\nVARIANT_ID=snappy"},
		want: []string{"classic=false", "distro_variant=snappy", "snap_mount_dir=/var/lib/snapd/snap", "base=", "base_dir=", "base_entries="},
	}, {
		name: "fedora merged usr",
		spec: []string{`f /etc/os-release ID=fedora\nVERSION_ID=40`, "l /lib usr/lib", "d /usr/lib",
			"d /var/lib/snapd/snap/core/current/usr", "d /run/media"},
		want: []string{"merged_usr=true", "snap_mount_dir=/var/lib/snapd/snap", "base_dir=/var/lib/snapd/snap/core/current",
			"distro=fedora", "host_paths=/run/media", "root_entries=etc:dir,lib:symlink:usr/lib,run:dir,usr:dir,var:dir"},
	}, {
		name: "arch with /snap symlink",
		spec: []string{"f /etc/os-release ID=arch", "l /lib /usr/lib", "l /snap /var/lib/snapd/snap", "d /var/lib/snapd/snap"},
		want: []string{"merged_usr=true", "snap_mount_dir=/var/lib/snapd/snap", "distro=arch", "base="},
	}, {
		// Absolute symlinks resolve inside the root, as they would if
		// the root were /, never on this machine.
		name: "absolute symlinks stay in the root",
		spec: []string{"f /usr/lib/os-release ID=posed", "l /etc/os-release /usr/lib/os-release",
			"d /snap/core/7/bin", "l /snap/core/current /snap/core/7", "d /run/media", "l /media /run/media",
			"l /home /../../../../../../home"},
		want: []string{"distro=posed", "base_dir=/snap/core/current", "base_entries=bin:dir",
			"host_paths=/media,/run/media"},
	}, {
		name: "no os-release",
		spec: []string{"d /snap"},
		want: []string{"distro=linux", "classic=true", "snap_mount_dir=/snap"},
	}} {
		t.Run(test.name, func(t *testing.T) {
			f, err := Gather(host(t, test.spec...))
			if err != nil {
				t.Fatal(err)
			}
			list := "\n" + strings.Join(f.List(), "\n") + "\n"
			for _, want := range test.want {
				if !strings.Contains(list, "\n"+want+"\n") {
					t.Errorf("List() lacks %q; got%s", want, list)
				}
			}
		})
	}
}

func TestGatherErrors(t *testing.T) {
	for _, test := range []struct {
		root func(t *testing.T) string
		want string
	}{
		{func(t *testing.T) string { return host(t, "l /snap /opt/snaps") }, `facts: snap mount dir: /snap is a symlink to "/opt/snaps", want /var/lib/snapd/snap`},
		{func(t *testing.T) string { return host(t, "f /snap x") }, "facts: snap mount dir: /snap is neither a directory nor a symlink"},
		{func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing") }, "no such file or directory"},
		{func(t *testing.T) string { return "" }, "facts: empty root directory"},
	} {
		_, err := Gather(test.root(t))
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("Gather: got %v, want %s", err, test.want)
		}
	}
}

func TestParseOSRelease(t *testing.T) {
	for _, test := range []struct {
		text string
		want osRelease
	}{
		{"", osRelease{ID: "linux"}},
		{"ID=debian\nVERSION_ID=\"12\"\n", osRelease{ID: "debian", VersionID: "12"}},
		{"# comment\nID='opensuse-tumbleweed'\nVARIANT_ID=\"x\\\"y\"", osRelease{ID: "opensuse-tumbleweed", VariantID: `x"y`}},
		{"  ID = fedora \ngarbage\nID=", osRelease{ID: "fedora"}},
		{"ID=\"unterminated", osRelease{ID: `"unterminated`}},
	} {
		if got := parseOSRelease(test.text); got != test.want {
			t.Errorf("parseOSRelease(%q) = %+v, want %+v", test.text, got, test.want)
		}
	}
}

func TestSet(t *testing.T) {
	for _, test := range []struct {
		kv      string
		wantErr string
		check   func(f Facts) bool
	}{
		{"classic=false", "", func(f Facts) bool { return !f.Classic }},
		{"classic=1", "", func(f Facts) bool { return f.Classic }},
		{"merged_usr=true", "", func(f Facts) bool { return f.MergedUsr }},
		{"distro=arch", "", func(f Facts) bool { return f.Distro == "arch" }},
		{"snap_name=a=b", "", func(f Facts) bool { return f.SnapName == "a=b" }},
		{"host_paths=/media,/mnt", "", func(f Facts) bool { return len(f.HostPaths) == 2 && f.HostPaths[1] == "/mnt" }},
		{"host_paths=", "", func(f Facts) bool { return len(f.HostPaths) == 0 }},
		{"nvidia.version=550.54", "", func(f Facts) bool { return f.NVIDIA.Version == "550.54" }},
		{"classic=yes", `fact classic: got "yes", want true or false`, nil},
		{"clasic=true", `unknown fact "clasic" (valid: `, nil},
		{"nvidia=1", `unknown fact "nvidia"`, nil},
		{"base_entries=x", "fact base_entries: cannot be set from the command line", nil},
		{"noequals", `fact "noequals": want KEY=VALUE`, nil},
		{"=x", `fact "=x": want KEY=VALUE`, nil},
	} {
		f := Facts{Classic: true, HostPaths: []string{"/x"}}
		err := f.SetPair(test.kv)
		switch {
		case test.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), test.wantErr) {
				t.Errorf("SetPair(%q) = %v, want error %q", test.kv, err, test.wantErr)
			}
		case err != nil:
			t.Errorf("SetPair(%q) = %v, want nil", test.kv, err)
		case !test.check(f):
			t.Errorf("SetPair(%q): got facts %v, want the value set", test.kv, f.List())
		}
	}
}

func TestListQuotes(t *testing.T) {
	f := Facts{Distro: "two words", SnapName: "a\nb"}
	list := strings.Join(f.List(), "\n")
	for _, want := range []string{`distro="two words"`, `snap_name="a\nb"`, "classic=false"} {
		if !strings.Contains(list, want) {
			t.Errorf("List() lacks %s; got\n%s", want, list)
		}
	}
}

func TestKeysAreSettable(t *testing.T) {
	var f Facts
	for _, key := range f.Keys() {
		if key == "base_entries" || key == "root_entries" {
			t.Errorf("Keys() lists %s, which cannot be set", key)
		}
	}
}

// TestRenderMatchesSprint: List writes the kinds of leaves facts hold
// without fmt, exactly as fmt.Sprint did.
func TestRenderMatchesSprint(t *testing.T) {
	for _, v := range []any{"", "a b", "\x00", true, false, 0, -12, int64(1) << 40, uint32(7), uint8(255), int8(-3)} {
		if got, want := render(reflect.ValueOf(v)), fmt.Sprint(v); got != want {
			t.Errorf("render(%#v): got %q, want %q", v, got, want)
		}
	}
}
