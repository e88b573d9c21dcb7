package nvidia_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"confine/nvidia"
)

func TestParseVersion(t *testing.T) {
	for _, test := range []struct {
		text, want, err string
	}{
		{"470.82\n", "470.82", ""},
		{"440.33.01\n", "440.33.01", ""},
		{"123.456", "123.456", ""},
		{"550.54.14.1\n", "550.54.14.1", ""},
		{"470\n", "", "cannot parse nvidia driver version \"470\""},
		{"470.\n", "", "cannot parse"},
		{"470.82-beta\n", "", "cannot parse"},
		{"\n", "", "cannot parse"},
		{"470.82\n\n", "470.82", ""},
		{" 470.82\n", "", "cannot parse"},
		{strings.Repeat("1.", 100) + "1", "", "cannot parse"},
	} {
		got, err := nvidia.ParseVersion(test.text)
		switch {
		case test.err == "" && err != nil:
			t.Errorf("ParseVersion(%q) failed: %v", test.text, err)
		case test.err != "" && (err == nil || !strings.Contains(err.Error(), test.err)):
			t.Errorf("ParseVersion(%q) error = %v, want one containing %q", test.text, err, test.err)
		case test.err != "" && !strings.HasPrefix(err.Error(), nvidia.VersionFile+": "):
			t.Errorf("ParseVersion(%q) error = %q, want it to name %s", test.text, err, nvidia.VersionFile)
		case got != test.want:
			t.Errorf("ParseVersion(%q) = %q, want %q", test.text, got, test.want)
		}
	}
}

// TestGatherVersionErrors: an unreadable or unparsable version file is
// a clear error naming the file; a missing module is no driver.
func TestGatherVersionErrors(t *testing.T) {
	for _, test := range []struct {
		name  string
		files map[string]string
		err   string
	}{
		{"garbage", map[string]string{nvidia.VersionFile: "banana\n"}, "/sys/module/nvidia/version: cannot parse nvidia driver version \"banana\""},
		{"directory", map[string]string{nvidia.VersionFile + "/": ""}, "/sys/module/nvidia/version: "},
		{"module-not-a-dir", map[string]string{"/sys/module/nvidia": "x"}, ""},
		{"no-sys", map[string]string{"/usr/lib/x86_64-linux-gnu/libc.so.6": ""}, ""},
	} {
		t.Run(test.name, func(t *testing.T) {
			root := fixture{test.name, test.files}.build(t)
			f, err := nvidia.Gather(root, amd64)
			if test.err == "" {
				if err != nil || f.Driver() {
					t.Errorf("Gather = %+v, %v, want no driver and no error", f, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), test.err) {
				t.Errorf("Gather error = %v, want one containing %q", err, test.err)
			}
		})
	}
}

func TestParseEntry(t *testing.T) {
	for _, test := range []struct {
		in   string
		want nvidia.Entry
		err  string
	}{
		{"libcuda.so.1=/usr/lib/libcuda.so.1", nvidia.Entry{Name: "libcuda.so.1", Path: "/usr/lib/libcuda.so.1"}, ""},
		{"libcuda.so.1=/usr/lib/libcuda.so.1->libcuda.so.2", nvidia.Entry{Name: "libcuda.so.1", Path: "/usr/lib/libcuda.so.1", Symlink: true, Target: "libcuda.so.2"}, ""},
		{"tls/x=/usr/lib/tls/x->/abs", nvidia.Entry{Name: "tls/x", Path: "/usr/lib/tls/x", Symlink: true, Target: "/abs"}, ""},
		{"libcuda.so.1", nvidia.Entry{}, "got no '='"},
		{"../x=/usr/lib/x", nvidia.Entry{}, "not a clean relative path"},
		{"/x=/usr/lib/x", nvidia.Entry{}, "not a clean relative path"},
		{"a//b=/usr/lib/x", nvidia.Entry{}, "not a clean relative path"},
		{"=/usr/lib/x", nvidia.Entry{}, "not a clean relative path"},
		{"x=usr/lib/x", nvidia.Entry{}, "not clean and absolute"},
		{"x=/usr/lib/x->", nvidia.Entry{}, "empty symlink target"},
	} {
		got, err := nvidia.ParseEntry(test.in)
		switch {
		case test.err == "" && err != nil:
			t.Errorf("ParseEntry(%q) failed: %v", test.in, err)
		case test.err != "" && (err == nil || !strings.Contains(err.Error(), test.err)):
			t.Errorf("ParseEntry(%q) error = %v, want one containing %q", test.in, err, test.err)
		case got != test.want:
			t.Errorf("ParseEntry(%q) = %+v, want %+v", test.in, got, test.want)
		case test.err == "" && got.String() != test.in:
			t.Errorf("ParseEntry(%q).String() = %q, want the input back", test.in, got.String())
		}
	}
}

// TestGatherSkipsUnencodable: a library whose name would break the fact
// list (a comma, an '=') or the program's one-line text (a space) is
// left out instead of failing the launch.
func TestGatherSkipsUnencodable(t *testing.T) {
	fx := fixtureNamed(t, "multiarch-440.33.01-no32")
	root := fx.build(t)
	for _, name := range []string{"libcuda.so,1", "libcuda.so=1", "libcuda.so 1"} {
		if err := os.WriteFile(filepath.Join(root, tri, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := nvidia.Gather(root, amd64)
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range f.GL {
		if strings.ContainsAny(item, ", ") || strings.Count(item, "=") != 1 {
			t.Errorf("Gather kept %q, want it skipped", item)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	base := nvidia.Facts{Version: "440.33.01", Layout: nvidia.Multiarch}
	for _, test := range []struct {
		name string
		edit func(*nvidia.Facts)
		err  string
	}{
		{"unknown layout", func(f *nvidia.Facts) { f.Layout = "fancy" }, `fact nvidia.layout: got "fancy", want multiarch, legacy, biarch, loader or none`},
		{"bad entry", func(f *nvidia.Facts) { f.GL = []string{"libcuda.so.1"} }, `fact nvidia.gl: entry "libcuda.so.1": got no '='`},
		{"escaping name", func(f *nvidia.Facts) { f.GL32 = []string{"../../etc/passwd=/etc/passwd"} }, "fact nvidia.gl32: entry"},
		{"legacy with gl", func(f *nvidia.Facts) { f.Layout = nvidia.Legacy; f.GL = []string{"a=/a"} }, "layout legacy takes legacy_dir"},
		{"multiarch with legacy dir", func(f *nvidia.Facts) { f.LegacyDir = "/usr/lib/nvidia-440" }, "layout multiarch takes no legacy_dir"},
		{"none with gl", func(f *nvidia.Facts) { f.Layout = nvidia.None; f.GL = []string{"a=/a"} }, "layout none takes no gl"},
		{"relative legacy dir", func(f *nvidia.Facts) { f.Layout = nvidia.Legacy; f.LegacyDir = "usr/lib/nvidia-440" }, "fact nvidia.legacy_dir: \"usr/lib/nvidia-440\" is not clean and absolute"},
		{"file and dir", func(f *nvidia.Facts) { f.GL = []string{"tls=/usr/lib/tls", "tls/x=/usr/lib/tls/x"} }, `"tls" is both a file and a directory`},
		{"bad vulkan", func(f *nvidia.Facts) { f.Vulkan = []string{"x"} }, "fact nvidia.vulkan: entry"},
	} {
		f := base
		test.edit(&f)
		_, err := nvidia.Expand(f, nvidia.Options{Root: "$SCRATCH"})
		if err == nil || !strings.Contains(err.Error(), test.err) {
			t.Errorf("%s: Expand error = %v, want one containing %q", test.name, err, test.err)
		}
	}
}

// TestExpandLastSourceWins: biarch sources are farmed in order and a
// later source's link replaces an earlier one of the same name.
func TestExpandLastSourceWins(t *testing.T) {
	f := nvidia.Facts{Version: "1.2", Layout: nvidia.Biarch, GL: []string{
		"libGL.so.1=/usr/lib64/libGL.so.1",
		"libGL.so.1=/usr/lib64/nvidia/libGL.so.1",
	}}
	ops, err := nvidia.Expand(f, nvidia.Options{Base: "core"})
	if err != nil {
		t.Fatal(err)
	}
	got := render(ops)
	want := "ln -s /var/lib/snapd/hostfs/usr/lib64/nvidia/libGL.so.1 /var/lib/snapd/lib/gl/libGL.so.1\n"
	if !strings.Contains(got, want) || strings.Count(got, "ln -s") != 1 {
		t.Errorf("Expand =\n%s\nwant exactly one link:\n%s", got, want)
	}
}

// TestExpandOptions: HostFS and HostDir change only the link texts and
// bind sources; a relative symlink keeps its text.
func TestExpandOptions(t *testing.T) {
	f := nvidia.Facts{Version: "1.2", Layout: nvidia.Multiarch, GL: []string{
		"a.so=/usr/lib/t/a.so",
		"b.so=/usr/lib/t/b.so->/usr/lib/t/a.so",
		"c.so=/usr/lib/t/c.so->a.so",
	}}
	ops, err := nvidia.Expand(f, nvidia.Options{Root: "/new", HostFS: "/old", HostDir: "/tmp/fixture"})
	if err != nil {
		t.Fatal(err)
	}
	want := `mkdir --mode=0755 /new/var/lib/snapd/lib
mkdir --mode=0755 /new/var/lib/snapd/lib/gl
mount -t tmpfs -o nodev,noexec,mode=755 none /new/var/lib/snapd/lib/gl
ln -s /old/tmp/fixture/usr/lib/t/a.so /new/var/lib/snapd/lib/gl/a.so
ln -s /old/tmp/fixture/usr/lib/t/a.so /new/var/lib/snapd/lib/gl/b.so
ln -s a.so /new/var/lib/snapd/lib/gl/c.so
mount -o remount,bind,ro,nodev,noexec /new/var/lib/snapd/lib/gl
`
	if got := render(ops); got != want {
		t.Errorf("Expand =\n%s\nwant\n%s", got, want)
	}
}
